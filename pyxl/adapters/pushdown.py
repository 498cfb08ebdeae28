"""Each target's actual summed where the actuals are kept: DuckDB, PostgreSQL or Spark.

The rows never leave the engine. salestrack asks it for each distinct date text, dimension value
and unusual number text, reads those with the core's own parsers (so every rule of the sheet
holds: Date Order, text numbers, case- and space-insensitive names, the Team sheet's teams),
and hands the answers back as small tables. The engine joins them to the rows, sums each day
per key once, and then each target's window. What comes back is one row per target, and the
rows the Data Quality sheet names, which the core words as it words a sheet's.

The SQL is written once, in DuckDB's dialect; sqlglot (Ibis's SQL layer) translates it for the
other engines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from pyxl.core import parsing, schema
from pyxl.core.cleaning.actuals import SPLIT_TOLERANCE
from pyxl.core.inputs import actuals_layout, actuals_problems
from pyxl.core.issues import ISSUE_COLUMNS
from pyxl.core.matching import Sales, ancestry, fill_from_team, line_codes
from pyxl.core.parsing import parse_dates, parse_numbers
from pyxl.core.settings import Settings

# Numbers every engine casts exactly as the core reads them; other text goes through the core.
PLAIN_NUMBER = "^[+-]?([0-9]{1,250}([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,2})?$"
LARGEST = "1.7976931348623157e308"  # beyond it (and NaN) a number is not finite
# Spelt out, as the core folds them: engines disagree on what \\s means.
WHITESPACE = schema.ASCII_SPACES
UNUSUAL_SPACE = WHITESPACE.replace(" ]+", "]") + "|  "  # what trim() alone would not fold
# The days the core can track, as a half-open range.
FIRST_DAY = str(parsing.FIRST_DAY.date())
AFTER_LAST_DAY = str(parsing.LAST_DAY.date() + dt.timedelta(days=1))  # past pandas' nanoseconds
TEXT, NUMBER, DATE = "text", "number", "date"
EVERY_COLUMN = frozenset({"units", "share", "order_norm", "split", "unusual"})
SUMMED = frozenset({"units", "share"})
ISO_DAY = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SHARE_READ = "share_read > 0 AND share_read <= 100"  # an Allocated % that means a share


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # TEXT, NUMBER or DATE


class Engine(Protocol):
    """What the sums need of an engine. SQL is DuckDB's dialect."""

    source: str  # SQL naming the actuals relation
    row_number: str  # SQL numbering its rows in the order the source gives them

    def columns(self) -> list[Column]: ...

    def put(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small table of salestrack's known to the engine."""
        ...

    def keep(self, name: str, sql: str) -> None:
        """Keep a query's result as a temporary table."""
        ...

    def get(self, sql: str) -> pd.DataFrame: ...


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _plain(text: str) -> str:
    """True where a number's text is one every engine casts as the core reads it."""
    return f"regexp_matches({text}, '{PLAIN_NUMBER}')"


class EngineActuals:
    """Actuals in an engine, as the core's `PushedActuals`: their problems and row count are
    found when made; `sales` sums them by target."""

    def __init__(self, engine: Engine, settings: Settings, name: str) -> None:
        """`name`: the source as the user named it, for messages."""
        self.engine = engine
        # Names of this run's own tables: a Spark session is shared by whoever joins it.
        self.prefix = f"st_{uuid.uuid4().hex[:8]}_"
        kinds = {column.name: column.kind for column in engine.columns()}
        self.mapping, self.table = actuals_layout(list(kinds), settings, name)
        self.kinds = {key: kinds[name] for key, name in self.mapping.items()}
        self.columns = frozenset(self.mapping)
        self.settings = settings
        self.spaced_orders: int | None = None  # Order IDs with unusual spaces, once surveyed
        self.count = self._dates()
        self._numbers()
        self.sales_span, problems, self.split_rows = self._survey()
        self.issues = self._problems(problems, self.split_rows)
        self._sales: EngineSales | None = None

    # Row expressions over the source, aliased `s`, and the dictionaries joined to it.

    def column(self, key: str) -> str:
        return "s." + quoted(self.mapping[key])

    def text(self, key: str) -> str:
        """A column as cell text, as the text reader renders it. A date written 2025-05-01 in a
        text column is a date: a CSV holds dates no other way, so it is rendered as a date cell
        is, and not reported as converted on every row."""
        if self.kinds[key] == DATE:
            return f"strftime(CAST({self.column(key)} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S')"
        text = f"CAST({self.column(key)} AS VARCHAR)"
        if key == "date":
            return f"CASE WHEN regexp_matches({text}, '{ISO_DAY}') THEN {text} || ' 00:00:00' ELSE {text} END"
        return text

    def number(self, key: str) -> str:
        column, text = self.column(key), self.text(key)
        if self.kinds[key] == NUMBER:
            return f"CASE WHEN {column} BETWEEN -{LARGEST} AND {LARGEST} THEN CAST({column} AS DOUBLE) END"
        return f"CASE WHEN {_plain(text)} THEN CAST({text} AS DOUBLE) ELSE n_{key}.value END"

    def _folded_order(self) -> str:
        """The Order ID folded as the core folds it (spaces collapsed and trimmed, lower case);
        the regular expression runs only where trim() alone would not do, and not at all once
        the survey has found no ID that needs it."""
        text = self.text("order_id")
        if self.spaced_orders == 0:
            return f"NULLIF(lower(trim({text})), '')"
        collapsed = f"trim(regexp_replace({text}, '{WHITESPACE}', ' ', 'g'))"
        unusual = f"regexp_matches({text}, '{UNUSUAL_SPACE}')"
        return f"NULLIF(lower(CASE WHEN {unusual} THEN {collapsed} ELSE trim({text}) END), '')"

    def _unusual(self, key: str) -> str:
        """True where a number cell needs the core to read it (or to say it cannot be read)."""
        column, text = self.column(key), self.text(key)
        if self.kinds[key] == NUMBER:
            return f"({column} IS NOT NULL AND NOT {column} BETWEEN -{LARGEST} AND {LARGEST})"
        return f"({text} IS NOT NULL AND NOT {_plain(text)})"

    def rows(
        self,
        dimensions: tuple[str, ...] = (),
        extra: dict[str, str] | None = None,
        texts: bool = False,
        wanted: frozenset[str] = EVERY_COLUMN,
    ) -> str:
        """The source's rows: day, amount, and of `wanted` units, share, order_norm (folded),
        `split` and whether the core must look at the row (`unusual`); the codes of the given
        dimensions; the `extra` columns (an expression each, by name); with `texts`, each
        column's cell text and the row number. Only what is wanted is worked out: each
        expression costs on every row."""
        reading = (
            {"amount"}
            | ({"units"} & wanted)
            | ({"allocated"} if wanted & {"share", "split", "unusual"} else set())
        )
        numbers = [key for key in ("amount", "units", "allocated") if key in self.mapping and key in reading]
        if self.kinds["date"] == DATE:  # a date the engine holds needs no reading, only a range
            column = self.column("date")
            day = (
                f"CASE WHEN {column} >= DATE '{FIRST_DAY}' AND {column} < DATE '{AFTER_LAST_DAY}' "
                f"THEN DATE_DIFF('day', DATE '1970-01-01', CAST({column} AS DATE)) END"
            )
            joins, odd_date = [], [f"({day}) IS NULL"]
        else:
            day = "d.day"
            joins, odd_date = (
                [f"LEFT JOIN {self.prefix}dates d ON d.text = {self.text('date')}"],
                ["d.clean IS NULL", "NOT d.clean"],
            )
        joins += [
            f"LEFT JOIN {self.prefix}number_{key} n_{key} ON n_{key}.text = {self.text(key)}"
            for key in numbers
            if self.kinds[key] != NUMBER
        ]
        fields = {"day": day, "amount": self.number("amount")}
        if "units" in reading:
            fields["units"] = self.number("units") if "units" in self.mapping else "CAST(NULL AS DOUBLE)"
        if "allocated" in reading:
            fields["share_read"] = (
                self.number("allocated") if "allocated" in self.mapping else "CAST(NULL AS DOUBLE)"
            )
        if wanted & {"order_norm", "split"}:
            fields["order_norm"] = (
                self._folded_order() if "order_id" in self.mapping else "CAST(NULL AS VARCHAR)"
            )
        if "unusual" in wanted:
            fields["odd"] = "(" + " OR ".join([*odd_date, *(self._unusual(key) for key in numbers)]) + ")"
        for dimension in dimensions:
            key = f"k_{dimension}"
            joins.append(
                f"LEFT JOIN {self.prefix}key_{dimension} {key} ON {key}.text = {self.text(dimension)}"
            )
            fields[dimension] = f"COALESCE(k_{dimension}.code, -1)"
        fields.update(extra or {})
        source = self.engine.source
        if texts:  # numbered before any join can reorder the rows
            source = f"(SELECT *, {self.engine.row_number} AS st_row FROM {source})"
            fields["row"] = "s.st_row + 1"
            fields.update({key: self.text(key) for key in self.mapping})
        # 50%, 50 and 0.5 all mean one half; anything else out of (0, 100] is the whole line.
        share = (
            f"CASE WHEN {SHARE_READ} THEN "
            "(CASE WHEN share_read <= 1 THEN share_read ELSE share_read / 100 END) ELSE 1.0 END"
        )
        derived = {
            "share": share,
            "split": f"(order_norm IS NOT NULL AND ({share}) < 1)",
            "unusual": f"(odd OR amount IS NULL OR (share_read IS NOT NULL AND NOT ({SHARE_READ})))",
        }
        listed = ", ".join(f"{expression} AS {name}" for name, expression in fields.items())
        added = "".join(f", {expression} AS {name}" for name, expression in derived.items() if name in wanted)
        return f"SELECT *{added} FROM (SELECT {listed} FROM {source} s {' '.join(joins)}) AS r"

    # What is found once: dictionaries, row count, first sale, problems.

    def _dates(self) -> int:
        """Each distinct date text read by the core, kept as the table `dates`; returns the row count."""
        if self.kinds["date"] == DATE:
            return int(self.engine.get(f"SELECT COUNT(*) AS n FROM {self.engine.source} s")["n"].iloc[0])
        found = self.engine.get(
            f"SELECT {self.text('date')} AS text, COUNT(*) AS n FROM {self.engine.source} s GROUP BY 1"
        )
        texts = found["text"].dropna().astype("string").reset_index(drop=True)
        parsed = parse_dates(texts, self.settings.date_order)
        day = parsed.values.to_numpy().astype("datetime64[D]")
        known = ~np.isnat(day)
        self.engine.put(
            f"{self.prefix}dates",
            pd.DataFrame(
                {  # an unreadable date is left out: its rows join to no day
                    "text": texts[known],
                    "day": day[known].astype(np.int64),
                    "clean": ~parsed.converted.to_numpy(dtype=bool)[known],
                }
            ),
        )
        return int(found["n"].sum())

    def _numbers(self) -> None:
        """Each number text the engines cannot cast plainly, read by the core."""
        for key in ("amount", "units", "allocated"):
            if key not in self.mapping or self.kinds[key] == NUMBER:
                continue
            text = self.text(key)
            found = self.engine.get(
                f"SELECT DISTINCT {text} AS text FROM {self.engine.source} s "
                f"WHERE {text} IS NOT NULL AND NOT {_plain(text)}"
            )
            texts = found["text"].astype("string").reset_index(drop=True)
            values = parse_numbers(texts).values
            self.engine.put(
                f"{self.prefix}number_{key}",
                # An unreadable number is left out: its rows join to no value.
                pd.DataFrame({"text": texts, "value": values}).dropna(),
            )

    def _survey(self) -> tuple[tuple[pd.Timestamp | None, pd.Timestamp | None], int, int]:
        """The first and last sale's dates, and how many rows the core must look at, and split rows. Also
        how many Order IDs hold unusual spaces, and how many may be blank: at most, for an ID
        with unusual spaces counts as maybe blank, since only folding it (on every row) would tell."""
        order_text = self.text("order_id") if "order_id" in self.mapping else "CAST(NULL AS VARCHAR)"
        spaced = f"regexp_matches(order_text, '{UNUSUAL_SPACE}')"
        # Without an Allocated % column no line is split, and the survey need not fold the IDs.
        splits = "allocated" in self.mapping
        wanted = EVERY_COLUMN if splits else EVERY_COLUMN - {"order_norm", "split"}
        split = "SUM(CASE WHEN split AND day IS NOT NULL AND amount IS NOT NULL THEN 1 ELSE 0 END)"
        found = self.engine.get(
            "SELECT MIN(CASE WHEN amount IS NOT NULL THEN day END) AS first_day, "
            "MAX(CASE WHEN amount IS NOT NULL THEN day END) AS last_day, "
            "SUM(CASE WHEN unusual THEN 1 ELSE 0 END) AS unusual, "
            f"{split if splits else '0'} AS split, "
            "SUM(CASE WHEN order_text IS NULL OR trim(order_text) = '' THEN 1 ELSE 0 END) AS blank_orders, "
            f"SUM(CASE WHEN {spaced} THEN 1 ELSE 0 END) AS spaced_orders "
            f"FROM ({self.rows(extra={'order_text': order_text}, wanted=wanted)}) AS q"
        ).iloc[0]
        self.spaced_orders = int(found["spaced_orders"] or 0)
        self.blank_orders = int(found["blank_orders"] or 0) + self.spaced_orders
        first, last = (
            None if pd.isna(found[end]) else pd.Timestamp(int(found[end]), unit="D")
            for end in ("first_day", "last_day")
        )
        return (first, last), int(found["unusual"] or 0), int(found["split"] or 0)

    def _problems(self, unusual: int, split: int) -> pd.DataFrame:
        """The Data Quality rows, worded by the core from the rows it must look at: each cell's
        problems from those rows alone, the split lines' from all rows of the lines concerned."""
        parts = []
        columns = ", ".join(["row", *self.mapping])
        if unusual:
            rows = self.engine.get(
                f"SELECT {columns} FROM ({self.rows(texts=True)}) AS q WHERE unusual ORDER BY row"
            )
            found = actuals_problems(self.table, _as_cells(rows), self.settings)
            parts.append(found[found["problem"] != "split_not_whole"])
        if split:
            rows = self.engine.get(
                f"SELECT {columns} FROM (SELECT *, SUM(share) OVER "
                "(PARTITION BY order_norm, day, amount, units) AS line_share "
                f"FROM ({self.rows(texts=True)}) AS q "
                "WHERE split AND day IS NOT NULL AND amount IS NOT NULL) AS l "
                f"WHERE ABS(line_share - 1) > {SPLIT_TOLERANCE} ORDER BY row"
            )
            if not rows.empty:
                found = actuals_problems(self.table, _as_cells(rows), self.settings)
                parts.append(found[found["problem"] == "split_not_whole"])
        parts = [part for part in parts if not part.empty]
        if not parts:
            return pd.DataFrame(columns=ISSUE_COLUMNS)
        return pd.concat(parts, ignore_index=True)

    def clean_rows(self) -> pd.DataFrame:
        """The usable rows as the core cleans a sheet's, for the outputs about single sales (KPIs,
        dashboard, emails): dates, numbers and shares read in the engine, names trimmed."""
        names = [key for key in (*schema.DIMENSIONS, "order_id") if key in self.mapping]
        texts = {key: f"NULLIF(trim({self.text(key)}), '')" for key in names}
        found = self.engine.get(
            f"SELECT {', '.join(['day', 'amount', 'units', 'share', *names])} "
            f"FROM ({self.rows((), texts, wanted=SUMMED)}) AS q WHERE day IS NOT NULL AND amount IS NOT NULL"
        )
        day = found["day"].to_numpy(dtype=np.int64).astype("datetime64[D]")
        frame = pd.DataFrame(
            {
                "row": pd.array([pd.NA] * len(found), dtype="Int64"),  # the problems are reported already
                "date": day.astype("datetime64[ns]"),
                "amount": found["amount"].to_numpy(dtype=float),
                "units": found["units"].to_numpy(dtype=float, na_value=np.nan),
            }
        )
        for key in ("order_id", *schema.DIMENSIONS):
            frame[key] = (
                found[key].astype("string")
                if key in found
                else pd.Series(pd.NA, index=frame.index, dtype="string")
            )
        frame["share"] = found["share"].to_numpy(dtype=float)
        frame["line"] = line_codes(frame)
        return frame

    def sales(self, team: pd.DataFrame | None, groups: dict[str, list[tuple[str, str]]]) -> Sales:
        if self._sales is None:
            self._sales = EngineSales(self, team, groups)
        return self._sales


def _as_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Fetched rows as the core's cell text: every column text, the row number an int."""
    cells = rows.drop(columns="row").astype("string")
    cells["row"] = rows["row"].astype(np.int64).to_numpy()
    return cells


class EngineSales(Sales):
    """Sums by target, computed in the engine: one temporary table of daily sums per level of
    targets (sum each day per key once), joined to each set of target windows."""

    def __init__(
        self, source: EngineActuals, team: pd.DataFrame | None, groups: dict[str, list[tuple[str, str]]]
    ) -> None:
        super().__init__()
        self.source, self.engine, self.team, self.groups = source, source.engine, team, groups
        self._coded: set[str] = set()  # dimensions with their codes in the engine
        self._kept: dict[tuple[str, ...], str] = {}  # the tables of each level's sums
        self._named = 0  # tables and windows put in the engine, for unique names

    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        return self.source.sales_span

    def _encode(self, dimensions: list[str]) -> None:
        wanted = set(dimensions)
        if wanted & {"team", "region"}:
            wanted.add("rep")  # blank teams and regions come from the Team sheet through the rep
        for dimension in schema.DIMENSIONS:
            if dimension in wanted and dimension in self.source.mapping and dimension not in self._coded:
                self._dictionary(dimension)
                self._coded.add(dimension)

    def _dictionary(self, dimension: str) -> None:
        """Codes for every distinct value of a dimension in the source, as the table `key_<dimension>`;
        the rep's also carry the Team sheet's team and region for it."""
        text = self.source.text(dimension)
        found = self.engine.get(
            f"SELECT DISTINCT {text} AS text FROM {self.engine.source} s WHERE {text} IS NOT NULL"
        )
        raw = found["text"].astype("string").reset_index(drop=True)
        stripped = raw.str.strip().mask(lambda v: v.eq(""))
        frame = pd.DataFrame({"text": raw, "code": self.codes.encode(dimension, stripped)})
        if dimension == "rep":
            roster = fill_from_team(pd.DataFrame({"rep": stripped}), self.team)
            for column in ("team", "region"):
                frame[column] = self.codes.encode(column, roster[column].astype("string"))
        if self.groups.get(dimension):
            self.engine.put(
                f"{self.source.prefix}groups_{dimension}",
                ancestry(self.codes.codes[dimension], self.groups[dimension]),
            )
        self.engine.put(f"{self.source.prefix}key_{dimension}", frame)

    def _coded_rows(self, keys: list[str], wanted: frozenset[str], named: bool = True) -> str:
        """Usable rows (naming these keys, if `named`); blank teams and regions filled in from the
        Team sheet."""
        dimensions = [d for d in schema.DIMENSIONS if d in self._coded and (d in keys or d == "rep")]
        codes = {}
        if "rep" in self._coded:
            for column in {"team", "region"} & set(keys):
                own = f"k_{column}.code" if column in self._coded else "-1"
                codes[column] = (
                    f"CASE WHEN COALESCE({own}, -1) >= 0 THEN {own} ELSE COALESCE(k_rep.{column}, -1) END"
                )
        usable = ["day IS NOT NULL", "amount IS NOT NULL", *(f"{key} >= 0" for key in keys if named)]
        return (
            f"SELECT * FROM ({self.source.rows(tuple(dimensions), codes, wanted=wanted)}) AS c "
            f"WHERE {' AND '.join(usable)}"
        )

    def _expanded(self, sql: str, keys: list[str], columns: list[str]) -> str:
        """Rows relabelled to every group their Product or Customer belongs to, besides itself."""
        for key in keys:
            if self.groups.get(key):
                others = ", ".join(c for c in columns if c != key)
                sql = (
                    f"SELECT g.ancestor AS {key}, {others} FROM ({sql}) AS e "
                    f"JOIN {self.source.prefix}groups_{key} g ON g.member = e.{key}"
                )
        return sql

    def _prepare(self, summed: list[list[str]], counted: list[list[str]]) -> None:
        """The tables of several levels from one pass over the rows, one grouping set per level
        (a dimension a level does not name is NULL in its rows)."""
        self._prepare_sums(
            [keys for keys in summed if (*keys, "daily") not in self._kept and self._codeable(keys)]
        )
        self._prepare_orders(
            [keys for keys in counted if (*keys, "orders") not in self._kept and self._codeable(keys)]
        )

    def _one_level(self, table: str, keys: list[str], dimensions: list[str], columns: list[str]) -> str:
        """One level's rows of a table made with grouping sets."""
        only = [f"{d} IS NOT NULL" for d in keys] + [f"{d} IS NULL" for d in dimensions if d not in keys]
        return f"SELECT {', '.join([*keys, *columns])} FROM {table} WHERE {' AND '.join(only) or 'TRUE'}"

    def _prepare_orders(self, wanted: list[list[str]]) -> None:
        if len(wanted) < 2 or any(self.groups.get(key) for keys in wanted for key in keys):
            return  # one level, or groups to add up: each level gets a pass of its own
        dimensions = [d for d in schema.DIMENSIONS if any(d in keys for keys in wanted)]
        rows = self._coded_rows(dimensions, frozenset({"order_norm"}), named=False)
        table = self._order_table(rows, dimensions, wanted)
        for keys in wanted:
            level = (*keys, "orders")
            self._kept[level] = f"({self._one_level(table, keys, dimensions, ['day', 'order_norm', 'n'])})"

    def _order_table(self, rows: str, dimensions: list[str], sets: list[list[str]] | None = None) -> str:
        """Orders per key and day, kept as a table: orders on one day counted; an order on several
        days kept by name on each of its days, so a window counts it once; lines without an Order
        ID are orders of their own. With `sets`, one grouping set per level (see `_prepare`).

        One pass finds each order's first and last day. Orders on two days in a row (a sale
        booked around midnight, a next-day delivery) need nothing more; only if some order's
        days lie further apart are the rows read again for its days in between."""

        def grouped(extra: list[str]) -> str:
            if sets is None:
                return ", ".join([*dimensions, *extra])
            return (
                "GROUPING SETS (" + ", ".join("(" + ", ".join([*keys, *extra]) + ")" for keys in sets) + ")"
            )

        keyed = "".join(f"{d}, " for d in dimensions)
        spread = "CASE WHEN first_day < last_day THEN {} END"
        # Lines without an Order ID are grouped here too, and dropped after: a filter on the
        # folded ID before grouping would have DuckDB fold every ID twice.
        firsts = self._keep(
            f"SELECT {keyed}day, order_norm, last_day, blank, COUNT(*) AS n FROM ("
            f"SELECT {keyed}first_day AS day, {spread.format('order_norm')} AS order_norm, "
            f"{spread.format('last_day')} AS last_day, order_norm IS NULL AS blank FROM ("
            f"SELECT {keyed}order_norm, MIN(day) AS first_day, MAX(day) AS last_day FROM ({rows}) AS r "
            f"GROUP BY {grouped(['order_norm'])}) AS o) AS f "
            f"GROUP BY {keyed}day, order_norm, last_day, blank"
        )
        table = (
            f"SELECT {keyed}day, order_norm, n FROM {firsts} WHERE order_norm IS NULL AND NOT blank "
            f"UNION ALL SELECT {keyed}day, order_norm, 1 AS n FROM {firsts} WHERE order_norm IS NOT NULL "
            f"UNION ALL SELECT {keyed}last_day AS day, order_norm, 1 AS n FROM {firsts} "
            "WHERE order_norm IS NOT NULL"
        )
        apart = f"SELECT {keyed}order_norm FROM {firsts} WHERE last_day > day + 1"
        if int(self.engine.get(f"SELECT COUNT(*) AS n FROM ({apart}) AS a")["n"].iloc[0]):
            same = " AND ".join(f"l.{c} IS NOT DISTINCT FROM p.{c}" for c in [*dimensions, "order_norm"])
            lines = ", ".join(f"l.{c}" for c in [*dimensions, "day", "order_norm"])
            table += (
                f" UNION ALL SELECT {lines}, 1 AS n "
                f"FROM (SELECT {keyed}order_norm, day FROM ({rows}) AS r WHERE order_norm IN "
                f"(SELECT order_norm FROM ({apart}) AS a) GROUP BY {grouped(['order_norm', 'day'])}) AS l "
                f"JOIN ({apart}) AS p ON {same}"
            )
        if self.source.blank_orders:
            table += (
                f" UNION ALL SELECT {keyed}day, CAST(NULL AS VARCHAR) AS order_norm, COUNT(*) AS n "
                f"FROM ({rows}) AS r WHERE order_norm IS NULL GROUP BY {grouped(['day'])}"
            )
        return self._keep(table)

    def _prepare_sums(self, wanted: list[list[str]]) -> None:
        if self.source.split_rows or not wanted:
            return  # a split line counts once per level: each level gets a pass of its own
        dimensions = [d for d in schema.DIMENSIONS if any(d in keys for keys in wanted)]
        sets = ", ".join("(" + ", ".join([*keys, "day"]) + ")" for keys in wanted)
        table = self._keep(
            f"SELECT {', '.join([*dimensions, 'day'])}, SUM(amount) AS amount, SUM(units) AS units, "
            "SUM(amount * share) AS credited_amount, SUM(units * share) AS credited_units "
            f"FROM ({self._coded_rows(dimensions, SUMMED, named=False)}) AS r GROUP BY GROUPING SETS ({sets})"
        )
        for keys in wanted:
            credited = "credited_" if "rep" in keys else ""  # a rep is credited with their share
            columns = ["day", f"{credited}amount AS amount", f"{credited}units AS units"]
            daily = self._one_level(table, keys, dimensions, columns)
            level = (*keys, "daily")
            self._kept[level] = f"({self._with_groups(daily, keys)})"

    def _codeable(self, keys: list[str]) -> bool:
        """Whether the rows can carry these keys: the source has them, or the rep gives them."""
        given = {*self.source.mapping, *(["team", "region"] if "rep" in self.source.mapping else [])}
        return set(keys) <= given

    def _daily(self, keys: list[str]) -> str:
        """The table of amount and units per key and day, made once per level."""
        level = (*keys, "daily")
        if level not in self._kept:
            by = ", ".join([*keys, "day"])
            rows = self._coded_rows(keys, SUMMED | {"order_norm", "split"})
            if "rep" in keys:  # a rep is credited with their share
                daily = (
                    f"SELECT {by}, SUM(amount * share) AS amount, SUM(units * share) AS units "
                    f"FROM ({rows}) AS r GROUP BY {by}"
                )
            else:  # a split line counts once
                line = "CASE WHEN split THEN {} END"
                daily = (
                    f"SELECT {by}, SUM(a) AS amount, SUM(u) AS units FROM ("
                    f"SELECT {by}, CASE WHEN split THEN MAX(amount) ELSE SUM(amount) END AS a, "
                    f"CASE WHEN split THEN MAX(units) ELSE SUM(units) END AS u FROM ({rows}) AS r "
                    f"GROUP BY {by}, split, {line.format('order_norm')}, {line.format('amount')}, "
                    f"{line.format('units')}) AS l GROUP BY {by}"
                )
            self._kept[level] = self._keep(self._with_groups(daily, keys))
        return self._kept[level]

    def _with_groups(self, daily: str, keys: list[str]) -> str:
        """Daily sums with each group's added up from its members'."""
        expanded = self._expanded(daily, keys, [*keys, "day", "amount", "units"])
        if expanded == daily:
            return daily
        by = ", ".join([*keys, "day"])
        return f"SELECT {by}, SUM(amount) AS amount, SUM(units) AS units FROM ({expanded}) AS x GROUP BY {by}"

    def _orders(self, keys: list[str]) -> str:
        """The table of orders per key and day (see `_order_table`), made once per level."""
        level = (*keys, "orders")
        if level not in self._kept:
            rows = self._expanded(
                self._coded_rows(keys, frozenset({"order_norm"})), keys, [*keys, "day", "order_norm"]
            )
            self._kept[level] = self._order_table(rows, keys)
        return self._kept[level]

    def _new_name(self, kind: str) -> str:
        self._named += 1
        return f"{self.source.prefix}{kind}_{self._named}"

    def _keep(self, sql: str) -> str:
        name = self._new_name("level")
        self.engine.keep(name, sql)
        return name

    def _windows(self, keys: list[str], windows: pd.DataFrame) -> tuple[str, str]:
        """Put the windows in the engine; the table's name and the join condition to a level's table."""
        name = self._new_name("windows")
        self.engine.put(name, windows[["tid", "lo", "hi", *keys]].astype(np.int64))
        on = " AND ".join([*(f"w.{key} = t.{key}" for key in keys), "t.day BETWEEN w.lo AND w.hi"])
        return name, on

    def _sums(self, keys: list[str], windows: pd.DataFrame) -> pd.DataFrame:
        table = self._daily(keys)
        name, on = self._windows(keys, windows)
        found = self.engine.get(
            f"SELECT w.tid AS tid, SUM(t.amount) AS amount, SUM(t.units) AS units "
            f"FROM {name} w JOIN {table} t ON {on} GROUP BY w.tid"
        )
        sums = found.set_index("tid")[["amount", "units"]].astype(float).fillna(0.0)
        return sums.round(6)

    def _order_counts(self, keys: list[str], windows: pd.DataFrame) -> pd.Series:
        table = self._orders(keys)
        name, on = self._windows(keys, windows)
        found = self.engine.get(
            "SELECT w.tid AS tid, SUM(CASE WHEN t.order_norm IS NULL THEN t.n ELSE 0 END) "
            "+ COUNT(DISTINCT t.order_norm) AS orders "
            f"FROM {name} w JOIN {table} t ON {on} GROUP BY w.tid"
        )
        return found.set_index("tid")["orders"].astype(float)
