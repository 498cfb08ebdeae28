"""From the cells of the input sheets to clean, typed tables, reporting every problem on the way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from pyxl.core import schema
from pyxl.core.errors import SalesTrackError, UnusableWorkbook
from pyxl.core.examples import example_rows
from pyxl.core.issues import ERROR, INFO, WARNING, Issues
from pyxl.core.matching import Sales, SalesIndex, fill_from_team, line_codes
from pyxl.core.pacing import Calendar
from pyxl.core.parsing import Parsed, blank, by_distinct, is_missing, parse_dates, parse_numbers
from pyxl.core.periods import parse_period
from pyxl.core.settings import PACING_ALIASES, Settings, read_settings

METRICS = {
    "revenue": "Revenue",
    "销售额": "Revenue",
    "收入": "Revenue",
    "sales": "Revenue",
    "units": "Units",
    "数量": "Units",
    "销量": "Units",
    "orders": "Orders",
    "订单数": "Orders",
    "订单": "Orders",
}
_MONTH_NAMES = {
    **{
        name: i + 1
        for i, name in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        )
    },
    **{
        name: i + 1
        for i, name in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    },
    **{f"{i}月": i for i in range(1, 13)},
    **{f"{c}月": i + 1 for i, c in enumerate("一二三四五六七八九十")},
    "十一月": 11,
    "十二月": 12,
}


SPLIT_TOLERANCE = 0.001  # how far from 100% the shares of a split line may add up

ONE_ADDRESS = r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+"


@dataclass
class RawSheet:
    """Cells of one sheet as text, in grid order; row 0 is Excel row `first_row`."""

    name: str
    cells: pd.DataFrame
    first_row: int = 1
    # Dates arrive as Excel's serial numbers (Excel on the web hands xlwings Lite its cells so):
    # a number in a date column is then a date as Excel keeps it, not a conversion to report.
    serial_dates: bool = False


class WorkbookReader(Protocol):
    """Where the input sheets come from: a workbook file, an open workbook, cells in memory."""

    @property
    def name(self) -> str:
        """What the user calls this workbook (its file name)."""
        ...

    def sheet_names(self) -> list[str]: ...

    def read_sheet(self, name: str) -> RawSheet:
        """One sheet's cells as text, placed where they sit on the sheet."""
        ...


@dataclass(frozen=True)
class CleanedActuals:
    """The Actuals sheet read and cleaned: what a cache keeps from one refresh to the next."""

    frame: pd.DataFrame
    columns: frozenset[str]  # the contract columns the sheet has
    issues: pd.DataFrame  # the problems found on it, in ISSUE_COLUMNS
    # The number format of each cell style when cleaned. Styles added since (each refresh adds
    # its own) cannot change these cells; a style changed in place can.
    formats: tuple[str, ...] = ()

    def still_read_the_same(self, formats: tuple[str, ...]) -> bool:
        return formats[: len(self.formats)] == self.formats


@dataclass(frozen=True)
class ActualsKey:
    """What decides the cleaned actuals: `cells`, the reader's fingerprint of the sheet's cells,
    and `reading`, a digest of the sheet's name and the settings that change how cells are read."""

    cells: str
    reading: str


class ActualsCache(Protocol):
    """Cleaned actuals kept between refreshes, by a key that says what they were made from."""

    def load(self, key: ActualsKey) -> CleanedActuals | None: ...

    def save(self, key: ActualsKey, cleaned: CleanedActuals) -> None: ...


def actuals_key(fingerprint: str, sheet: str, settings: Settings) -> ActualsKey:
    """The key of the Actuals sheet `sheet` whose cells the reader fingerprints as `fingerprint`,
    read with `settings` (Date Order, `Alias:` headers)."""
    facts = [sheet, settings.date_order, sorted(settings.header_aliases.items())]
    return ActualsKey(fingerprint, hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode()).hexdigest())


class PushedActuals(Protocol):
    """Actuals kept in an engine that sums them where they are (a reader's `pushed_actuals`):
    each target's actual comes back, not the rows."""

    columns: frozenset[str]  # the contract columns the source has
    issues: pd.DataFrame  # the problems found in it, in ISSUE_COLUMNS
    count: int  # its rows

    def sales(self, team: pd.DataFrame | None, groups: dict[str, list[tuple[str, str]]]) -> Sales: ...

    def clean_rows(self) -> pd.DataFrame:
        """The usable rows, cleaned as `_clean_actuals` cleans a sheet's."""
        ...


class LazyRows:
    """The clean Actuals rows, read when first wanted: actuals summed in an engine are read row by
    row only for the outputs about each sale (KPIs, dashboard, emails)."""

    def __init__(self, load: Callable[[], pd.DataFrame]) -> None:
        self._load: Callable[[], pd.DataFrame] | None = load
        self._frame: pd.DataFrame | None = None

    def get(self) -> pd.DataFrame:
        if self._frame is None:
            assert self._load is not None
            self._frame, self._load = self._load(), None
        return self._frame


@dataclass
class Table:
    """One input sheet's rows under contract column keys, plus each row's Excel row number."""

    sheet: str
    frame: pd.DataFrame
    letters: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    serial_dates: bool = False  # see RawSheet

    def report(
        self,
        issues: Issues,
        severity: str,
        where: pd.Series,
        key: str,
        problem: str,
        action: str,
        values: pd.Series | str | None = None,
        detail: pd.Series | str = "",
        rows: pd.DataFrame | None = None,
    ) -> None:
        """Report the rows picked by `where` (of this sheet's rows, or of `rows` derived from them),
        showing each one's value: column `key`, the `values` given, or one text for all."""
        rows = self.frame if rows is None else rows
        source = rows[key] if values is None else values
        shown = [source] * int(where.sum()) if isinstance(source, str) else source[where]
        issues.add_many(
            severity,
            self.sheet,
            rows["row"][where],
            self.label(key),
            shown,
            problem,
            action,
            detail if isinstance(detail, str) else detail[where],
            self.letters.get(key, ""),
        )

    def label(self, key: str) -> str:
        """A column as the user knows it: its header as written on the sheet."""
        return self.headers.get(key) or next(
            (c.header for s in schema.INPUT_SHEETS for c in s.columns if c.key == key), key
        )


@dataclass
class Inputs:
    settings: Settings
    targets: pd.DataFrame
    actual_rows: LazyRows
    team: pd.DataFrame | None
    calendar: Calendar
    issues: Issues
    sheet_names: dict[str, str]
    actual_columns: frozenset[str]
    targets_sheet: Table  # where the Targets columns are, for warnings about targets
    pipeline: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    # (member, group) pairs of the Products and Customers sheets, by dimension, loops broken.
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    pushed: PushedActuals | None = None
    # Every input sheet but Actuals as read (cell text under column keys, with row numbers), by
    # sheet key: for checks that compare the sheets' names with one another.
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def actuals(self) -> pd.DataFrame:
        """The clean Actuals rows (read now, if the actuals are summed in an engine)."""
        return self.actual_rows.get()

    def actuals_count(self) -> int:
        return self.pushed.count if self.pushed is not None else len(self.actuals)

    def departed(self, as_of: dt.date) -> set[str]:
        """Folded names of reps whose End Date is before `as_of` (People who leave): they keep their
        Tracking rows but are left out of everything about the present or the future."""
        if self.team is None:
            return set()
        left = self.team["end_date"].notna() & (self.team["end_date"] < pd.Timestamp(as_of))
        return {schema.normalise(rep) for rep in self.team.loc[left, "rep"]}

    def sales(self) -> Sales:
        """The sales, ready to be summed by target: in the engine that keeps them, or in memory."""
        if self.pushed is not None:
            return self.pushed.sales(self.team, self.groups)
        return SalesIndex(self.actuals, "order_id" in self.actual_columns, self.groups)

    def report_targets(
        self,
        where: pd.Series,
        key: str,
        problem: str,
        rows: pd.DataFrame | None = None,
        detail: pd.Series | str = "",
    ) -> None:
        """A warning about target rows (of the clean targets, or of `rows` carrying their row numbers)."""
        rows = self.targets if rows is None else rows
        self.targets_sheet.report(
            self.issues, WARNING, where, key, problem, "warning", detail=detail, rows=rows
        )


def load_inputs(reader: WorkbookReader, cache: ActualsCache | None = None) -> Inputs:
    """Read and clean every input sheet. Raises UnusableWorkbook for what cannot be worked around.

    With a `cache`, and a reader that can fingerprint a sheet's cells (`fingerprint(name)`), the
    cleaned Actuals are kept and reused while the cells and the settings that read them stay the same.
    """
    issues = Issues()
    found = schema.find_sheets(reader.sheet_names())
    read = reader.read_sheet
    settings = _settings(found, read, issues)
    try:
        return _load_inputs(found, read, settings, issues, reader, cache)
    except SalesTrackError as error:
        error.language = error.language or settings.language
        raise


def _load_inputs(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    settings: Settings,
    issues: Issues,
    reader: WorkbookReader,
    cache: ActualsCache | None,
) -> Inputs:
    for sheet in schema.INPUT_SHEETS:
        if sheet.required_sheet and sheet.key not in found:
            raise UnusableWorkbook(
                "no_sheet",
                sheet=sheet.name,
                aliases=" / ".join(sheet.aliases),
                columns=[sheet.column(k).header for k in sheet.required],
            )
    for ignored, used in schema.ignored_sheets(reader.sheet_names()):
        issues.add(ERROR, ignored, None, "", "", "sheet_shadowed", "sheet_not_read", {"used": used})
    # Cells far outside a sheet's data, which the reader set aside rather than fill the grid to reach.
    for sheet_name, row, column in getattr(reader, "stray_cells", ()):
        letter = schema.column_letter(column - 1)
        issues.add(WARNING, sheet_name, row, letter, "", "stray_cell", "cell_ignored", letter=letter)

    tables: dict[str, Table] = {}

    def table(sheet: schema.Sheet) -> Table | None:
        located = _table(found, read, sheet, settings, issues)
        if located is not None:
            tables[sheet.key] = located
        return located

    targets_table = table(schema.TARGETS)
    assert targets_table is not None
    pushed_actuals = getattr(reader, "pushed_actuals", None)
    pushed: PushedActuals | None = pushed_actuals(settings) if callable(pushed_actuals) else None
    if pushed is None:
        cleaned = _cleaned_actuals(found, read, settings, reader, cache)
        found_issues, columns = cleaned.issues, cleaned.columns
    else:
        found_issues, columns = pushed.issues, pushed.columns
    if not found_issues.empty:
        issues.parts.append(found_issues)
    team_table = table(schema.TEAM)
    pipeline_table, costs_table, survey_table = (
        table(schema.PIPELINE),
        table(schema.COSTS),
        table(schema.SURVEY),
    )
    products_table, customers_table = table(schema.PRODUCTS), table(schema.CUSTOMERS)
    actual_examples = example_rows("actuals", cleaned.frame) if pushed is None else pd.Series(dtype=bool)
    examples_aside = _set_examples_aside(
        tables,
        Table(found.get("actuals", ""), cleaned.frame if pushed is None else pd.DataFrame()),
        actual_examples,
        issues,
    )
    calendar = _calendar(found, read, settings, issues)
    team = _clean_team(team_table, settings, issues) if team_table else None

    def rows() -> pd.DataFrame:
        # A pushed source's rows are read only now, cleaned by the engine.
        frame = cleaned.frame if pushed is None else pushed.clean_rows()
        if examples_aside and actual_examples.any():
            frame = frame[~actual_examples.to_numpy()].reset_index(drop=True)
        # A row's blank Team and Region come from the Team sheet through its Rep, once, here.
        return fill_from_team(frame, team)

    return Inputs(
        settings=settings,
        targets=_clean_targets(targets_table, settings, calendar, issues),
        actual_rows=LazyRows(rows),
        pushed=pushed,
        team=team,
        calendar=calendar,
        issues=issues,
        sheet_names=found,
        actual_columns=columns,
        pipeline=fill_from_team(_clean_pipeline(pipeline_table, settings, issues), team)
        if pipeline_table
        else None,
        costs=_clean_costs(costs_table, settings, issues) if costs_table else None,
        survey=fill_from_team(_clean_survey(survey_table, settings, issues), team) if survey_table else None,
        targets_sheet=targets_table,
        groups={
            dimension: _group_pairs(group_table, dimension, issues)
            for dimension, group_table in (("product", products_table), ("customer", customers_table))
            if group_table is not None
        },
        tables=tables,
    )


def _set_examples_aside(
    tables: dict[str, Table], actuals: Table, actual_examples: pd.Series, issues: Issues
) -> bool:
    """Report the example rows `salestrack new` wrote; once the manager's own rows exist (on
    Targets or Actuals) they are left out of every sheet, so the template's spend and survey never
    count. Returns whether they are left out: a workbook of nothing but examples keeps them, to
    show what the sheets do."""
    marked = {key: example_rows(key, table.frame) for key, table in tables.items()}
    targets = marked.get("targets", pd.Series(dtype=bool))
    own = bool((~actual_examples).any() or (~targets).any())
    action = "row_skipped" if own else "warning"
    for key, table in [*tables.items(), ("actuals", actuals)]:
        where = actual_examples if key == "actuals" else marked[key]
        if where.any():
            first = next(column for column in table.frame.columns if column != "row")
            table.report(issues, WARNING, where, first, "example_row", action, values="")
            if own and key != "actuals":
                table.frame = table.frame[~where].reset_index(drop=True)
    return own


def _cleaned_actuals(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    settings: Settings,
    reader: WorkbookReader,
    cache: ActualsCache | None,
) -> CleanedActuals:
    """The Actuals sheet cleaned, from the cache when its cells and reading settings are unchanged."""
    name = found["actuals"]
    fingerprint, cell_formats = getattr(reader, "fingerprint", None), getattr(reader, "cell_formats", None)
    marker = fingerprint(name) if cache is not None and callable(fingerprint) else None
    key = actuals_key(marker, name, settings) if marker else None
    formats: tuple[str, ...] = cell_formats() if key is not None and callable(cell_formats) else ()
    if cache is not None and key is not None:
        kept = cache.load(key)
        if kept is not None and kept.still_read_the_same(formats):
            return kept
    own = Issues()
    table = _table(found, read, schema.ACTUALS, settings, own)
    assert table is not None
    frame = _clean_actuals(table, settings, own)
    cleaned = CleanedActuals(frame, frozenset(table.frame.columns), own.frame(), formats)
    if cache is not None and key is not None:
        cache.save(key, cleaned)
    return cleaned


def actuals_layout(names: list[str], settings: Settings, source: str) -> tuple[dict[str, str], Table]:
    """For actuals whose first row is `names` (the columns of `source`, as the user named it): the
    column holding each Actuals column, by key, and the empty table that words their problems
    (as an Actuals sheet's). Raises UnusableWorkbook, naming the source, when Date or Amount is
    missing."""
    located = schema.find_header([names], schema.ACTUALS, settings.header_aliases)
    if located is None:
        missing = schema.missing_columns([names], schema.ACTUALS, settings.header_aliases)
        raise UnusableWorkbook("actuals_no_header", source=source, columns=missing)
    table = _locate(RawSheet(schema.ACTUALS.name, pd.DataFrame([names])), schema.ACTUALS, settings, Issues())
    assert table is not None
    return {key: names[position] for position, key in located[1].items()}, table


def actuals_problems(table: Table, rows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The problems the Actuals rules find in `rows` (cell text by column key, and `row`, the row
    number to report), worded as for a sheet, in ISSUE_COLUMNS."""
    found = Issues()
    _clean_actuals(dataclasses.replace(table, frame=rows.reset_index(drop=True)), settings, found)
    return found.frame()


def _table(
    found: dict[str, str],
    read: Callable[[str], RawSheet],
    sheet: schema.Sheet,
    settings: Settings,
    issues: Issues,
) -> Table | None:
    if sheet.key not in found:
        return None
    return _locate(read(found[sheet.key]), sheet, settings, issues)


def load_settings(reader: WorkbookReader) -> Settings:
    """Just the Settings sheet (defaults where there is none), e.g. for the workbook's language."""
    return _settings(schema.find_sheets(reader.sheet_names()), reader.read_sheet, Issues())


def load_calendar(reader: WorkbookReader) -> Calendar:
    """The weekend, holidays and seasonality that pacing uses, reading only the sheets they live on."""
    found = schema.find_sheets(reader.sheet_names())
    issues = Issues()
    return _calendar(found, reader.read_sheet, _settings(found, reader.read_sheet, issues), issues)


def _calendar(
    found: dict[str, str], read: Callable[[str], RawSheet], settings: Settings, issues: Issues
) -> Calendar:
    holidays, makeup_days = _holidays(
        _table(found, read, schema.HOLIDAYS, settings, issues), settings, issues
    )
    return Calendar(
        weekmask=settings.weekmask,
        holidays=holidays,
        month_weights=_month_weights(_table(found, read, schema.SEASONALITY, settings, issues), issues),
        makeup_days=makeup_days,
    )


def _settings(found: dict[str, str], read: Callable[[str], RawSheet], issues: Issues) -> Settings:
    if "settings" not in found:
        return Settings()
    return read_settings(_settings_pairs(read(found["settings"])), issues, found["settings"])


def _settings_pairs(raw: RawSheet) -> list[tuple[object, object, int]]:
    rows = raw.cells.head(schema.HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    located = schema.find_header(rows, schema.SETTINGS)
    if located:
        index, mapping = located
        key_col = next(p for p, k in mapping.items() if k == "setting")
        value_col = next(p for p, k in mapping.items() if k == "value")
        start = index + 1
    else:
        # A Settings sheet without headers is just key/value pairs in its first two columns.
        key_col, value_col, start = 0, 1, 0
    if raw.cells.shape[1] <= max(key_col, value_col):
        return []
    body = raw.cells.iloc[start:]
    return [
        (key, value, raw.first_row + start + offset)
        for offset, (key, value) in enumerate(
            zip(body.iloc[:, key_col], body.iloc[:, value_col], strict=True)
        )
    ]


def _locate(raw: RawSheet, sheet: schema.Sheet, settings: Settings, issues: Issues) -> Table | None:
    rows = raw.cells.head(schema.HEADER_SEARCH_ROWS).to_numpy(dtype=object).tolist()
    located = schema.find_header(rows, sheet, settings.header_aliases)
    if located is None:
        facts = {
            "sheet": raw.name,
            "columns": schema.missing_columns(rows, sheet, settings.header_aliases),
            "rows": schema.HEADER_SEARCH_ROWS,
        }
        if sheet.required_sheet:
            raise UnusableWorkbook("no_header", **facts)
        issues.add(WARNING, raw.name, None, "", "", "sheet_ignored", "warning", facts)
        return None
    index, mapping = located
    body = raw.cells.iloc[index + 1 :, list(mapping)]
    body.columns = list(mapping.values())
    body = body.assign(row=np.arange(len(body)) + raw.first_row + index + 1)
    body = body[~_blank_rows(body.drop(columns="row"))].reset_index(drop=True)
    # Positions count within the cells read; the cells' own labels say where they sit on the sheet.
    letters = {
        key: schema.column_letter(int(raw.cells.columns[position])) for position, key in mapping.items()
    }
    headers = {key: " ".join(str(rows[index][position]).split()) for position, key in mapping.items()}
    return Table(raw.name, body, letters, headers, raw.serial_dates)


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """True for rows whose every cell is blank."""
    # Each column is looked at only where the ones before were all blank: a million filled rows
    # cost one column's look, not one per column.
    maybe = np.arange(len(frame))
    for column in frame.columns:
        if not len(maybe):
            break
        maybe = maybe[blank(frame[column].iloc[maybe]).to_numpy(dtype=bool)]
    mask = np.zeros(len(frame), dtype=bool)
    mask[maybe] = True
    return pd.Series(mask, index=frame.index)


def _report(issues: Issues, table: Table, key: str, parsed: Parsed, bad: tuple[str, str, str]) -> None:
    """Report unreadable values (with the given severity and action) and converted ones."""
    severity, problem, action = bad
    outside = parsed.outside if parsed.outside is not None else pd.Series(False, index=parsed.bad.index)
    table.report(issues, severity, parsed.bad & ~outside, key, problem, action)
    table.report(issues, severity, outside, key, f"{parsed.kind}_outside", action)
    converted = parsed.converted
    if parsed.kind == "date" and table.serial_dates and converted.any():
        converted = converted & pd.to_numeric(table.frame[key], errors="coerce").isna().to_numpy()
    if not converted.any():
        return
    # Only the converted cells are rendered: on a million clean rows this costs nothing.
    changed = parsed.values[converted]
    if parsed.kind == "date":
        shown = changed.dt.strftime("%Y-%m-%d")
    else:
        shown = changed.map(lambda v: f"{v:,.4f}".rstrip("0").rstrip("."))
    read_as = pd.Series("", index=converted.index, dtype=object)
    read_as[converted] = shown.to_numpy(dtype=object)
    table.report(issues, INFO, converted, key, f"converted_{parsed.kind}", "converted", detail=read_as)


def _read_dates(
    table: Table, key: str, settings: Settings, issues: Issues, bad: tuple[str, str, str]
) -> Parsed:
    """Parse a date column and report what could not be read and what was converted."""
    parsed = by_distinct(lambda text: parse_dates(text, settings.date_order), table.frame[key])
    _report(issues, table, key, parsed, bad)
    return parsed


def _read_numbers(table: Table, key: str, issues: Issues, bad: tuple[str, str, str]) -> Parsed:
    """Parse a number column and report what could not be read and what was converted."""
    parsed = by_distinct(parse_numbers, table.frame[key])
    _report(issues, table, key, parsed, bad)
    return parsed


def _no_text(index: pd.Index) -> pd.Series:
    """A text column of blanks: where pandas keeps text in Arrow, straight from Arrow's null array
    (a million rows of a dimension the sheet lacks in 5 ms rather than 18)."""
    if pd.StringDtype().storage == "pyarrow":
        return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string())), index=index)
    return pd.Series(pd.NA, index=index, dtype="string")


def _text_column(frame: pd.DataFrame, key: str) -> pd.Series:
    """A text column stripped, with blanks as missing."""
    if key not in frame:
        return _no_text(frame.index)
    text = frame[key].astype("string").str.strip()
    return text.mask(text.eq(""))


def _periods(table: Table, settings: Settings, issues: Issues, keep: pd.Series | None = None) -> pd.DataFrame:
    """The Period column parsed: label, start and end per row, with unreadable ones reported."""
    frame = table.frame
    labels = _text_column(frame, "period")
    found: dict[str, tuple[str | None, object, object]] = {}
    for text in labels.dropna().unique():
        try:
            period = parse_period(text, settings.fiscal_year_start_month)
            found[text] = (period.label, pd.Timestamp(period.start), pd.Timestamp(period.end))
        except ValueError:
            found[text] = (None, pd.NaT, pd.NaT)
    spans = pd.DataFrame(
        [found.get(v, (None, pd.NaT, pd.NaT)) if pd.notna(v) else (None, pd.NaT, pd.NaT) for v in labels],
        columns=["period", "start", "end"],
        index=frame.index,
    )
    spans["start"], spans["end"] = pd.to_datetime(spans["start"]), pd.to_datetime(spans["end"])
    bad = spans["period"].isna()
    reported = bad & keep if keep is not None else bad
    table.report(issues, ERROR, reported, "period", "period_unreadable", "row_skipped")
    return spans


def _clean_targets(table: Table, settings: Settings, calendar: Calendar, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    keep = pd.Series(True, index=frame.index)

    target = _read_numbers(table, "target", issues, (ERROR, "target_unreadable", "row_skipped"))
    not_positive = ~target.bad & (target.values.isna() | (target.values <= 0))
    table.report(issues, ERROR, not_positive, "target", "target_not_positive", "row_skipped")
    keep &= ~target.bad & ~not_positive

    spans = _periods(table, settings, issues, keep)
    bad_period = spans["period"].isna()
    keep &= ~bad_period

    metric_text = _text_column(frame, "metric")
    metric = metric_text.map(lambda v: METRICS.get(schema.normalise(v)) if pd.notna(v) else "Revenue")
    bad_metric = metric.isna()
    table.report(
        issues, ERROR, bad_metric & keep, "metric", "metric_unknown", "row_skipped", values=metric_text
    )
    keep &= ~bad_metric

    pacing_text = _text_column(frame, "pacing")
    pacing = pacing_text.map(
        lambda v: PACING_ALIASES.get(schema.normalise(v)) if pd.notna(v) else settings.pacing
    )
    bad_pacing = pacing.isna() & keep
    table.report(issues, WARNING, bad_pacing, "pacing", "pacing_unknown", "default_used", values=pacing_text)
    pacing = pacing.fillna(settings.pacing)

    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "period": spans["period"],
            "start": spans["start"],
            "end": spans["end"],
            "metric": metric,
            "target": target.values,
            "pacing": pacing.astype(object),
        }
    )
    for dimension in schema.DIMENSIONS:
        clean[dimension] = _text_column(frame, dimension).astype(object)
    split_text = _text_column(frame, "split")
    split = split_text.map(lambda v: SPLITS.get(schema.normalise(v)) if pd.notna(v) else 0)
    table.report(issues, WARNING, split.isna() & keep, "split", "split_unknown", "warning", values=split_text)
    clean["split"] = split.fillna(0).astype(int)
    clean = clean[keep].reset_index(drop=True)

    duplicated = clean.duplicated(["period", "metric", *schema.DIMENSIONS], keep="first")
    table.report(issues, WARNING, duplicated, "target", "target_duplicate", "warning", rows=clean)
    return _spread(clean, settings, calendar, table, issues)


SPLITS = {
    **{name: 1 for name in ("month", "monthly", "months", "按月", "月", "月度")},
    **{name: 3 for name in ("quarter", "quarterly", "quarters", "按季", "按季度", "季", "季度")},
}
TARGET_KEY = ["period", "metric", *schema.DIMENSIONS]


def _spread(
    targets: pd.DataFrame, settings: Settings, calendar: Calendar, table: Table, issues: Issues
) -> pd.DataFrame:
    """Each row with a Split keeps its place and is followed by one target per month or quarter
    of its period, weighted by the Seasonality sheet; an explicit row for a sub-period wins."""
    if not targets["split"].any():
        return targets.drop(columns="split")
    weights = calendar.weights()
    parts = []
    for _, row in targets.iterrows():  # one pass over target rows (a few thousand), not sales
        parts.append(row.to_frame().T)
        if row["split"]:
            parts.append(_sub_targets(row, int(row["split"]), weights, settings.fiscal_year_start_month))
    spread = pd.concat(parts, ignore_index=True)
    explicit = spread["spread"].ne(True)
    folded = [spread[c].map(lambda v: "" if is_missing(v) else schema.normalise(v)) for c in TARGET_KEY]
    keys = pd.Series(list(zip(*folded, strict=True)), index=spread.index)
    overridden = ~explicit & keys.isin(set(keys[explicit]))
    wins = explicit & keys.isin(set(keys[overridden]))
    table.report(issues, WARNING, wins.to_numpy(), "period", "spread_overridden", "warning", rows=spread)
    result = spread[~overridden.to_numpy()].drop(columns=["split", "spread"]).reset_index(drop=True)
    return result.astype({column: targets[column].dtype for column in result.columns})


def _sub_targets(row: pd.Series, months: int, weights: np.ndarray, fiscal_start: int) -> pd.DataFrame:
    """The months or quarters of one target row's period, each with its share of the target."""
    start, end = row["start"], row["end"]
    firsts = pd.date_range(start, end, freq=f"{months}MS")
    if len(firsts) <= 1:
        return pd.DataFrame(columns=row.index)
    fiscal = str(row["period"]).startswith("FY")
    month_weight = weights[(pd.date_range(start, end, freq="MS").month - 1).to_numpy()]
    total = month_weight.sum()
    rows = []
    for index, first in enumerate(firsts):
        share = (
            month_weight[index * months : (index + 1) * months].sum() / total if total else 1 / len(firsts)
        )
        label = _sub_label(first, months, fiscal, fiscal_start)
        period = parse_period(label, fiscal_start)
        rows.append(
            row.to_dict()
            | {
                "period": period.label,
                "start": pd.Timestamp(period.start),
                "end": pd.Timestamp(period.end),
                "target": row["target"] * share,
                "split": 0,
                "spread": True,
            }
        )
    return pd.DataFrame(rows)


def _sub_label(first: pd.Timestamp, months: int, fiscal: bool, fiscal_start: int) -> str:
    if months == 1:
        return f"{first.year}-{first.month:02d}"
    if fiscal:
        offset = (first.month - fiscal_start) % 12
        fiscal_year = first.year + (1 if fiscal_start > 1 and first.month >= fiscal_start else 0)
        return f"FY{fiscal_year}-Q{offset // 3 + 1}"
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def _clean_actuals(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    dates = _read_dates(table, "date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    amount = _read_numbers(table, "amount", issues, (ERROR, "amount_unreadable", "row_skipped"))
    missing_date = dates.values.isna() & ~dates.bad
    missing_amount = amount.values.isna() & ~amount.bad
    table.report(issues, ERROR, missing_date, "date", "date_missing", "row_skipped", values="")
    table.report(
        issues, ERROR, missing_amount & ~missing_date, "amount", "amount_missing", "row_skipped", values=""
    )

    clean = pd.DataFrame({"row": frame["row"], "date": dates.values, "amount": amount.values})
    if "units" in frame:
        units = _read_numbers(table, "units", issues, (WARNING, "units_unreadable", "treated_blank"))
        clean["units"] = units.values
    else:
        clean["units"] = np.nan
    clean["order_id"] = _text_column(frame, "order_id")
    for dimension in schema.DIMENSIONS:
        clean[dimension] = _text_column(frame, dimension)
    clean["share"] = _shares(table, issues) if "allocated" in frame else 1.0
    keep = clean["date"].notna() & clean["amount"].notna()
    clean = clean[keep].reset_index(drop=True)
    clean["line"] = line_codes(clean)
    _check_splits(table, clean, issues)
    return clean


def _shares(table: Table, issues: Issues) -> pd.Series:
    """Allocated %: 50%, 50 and 0.5 all mean one half; blank means the whole line."""
    parsed = _read_numbers(table, "allocated", issues, (WARNING, "share_unreadable", "treated_whole"))
    share = parsed.values.where(parsed.values <= 1, parsed.values / 100)
    outside = share.notna() & ((share <= 0) | (share > 1))
    table.report(issues, WARNING, outside, "allocated", "share_outside", "treated_whole")
    return share.mask(outside).fillna(1.0)


def _check_splits(table: Table, actuals: pd.DataFrame, issues: Issues) -> None:
    """Warn where the shares of one split line do not add up to 100%."""
    codes = line_codes(actuals)
    split = codes >= 0
    if not split.any():
        return
    total = pd.Series(actuals["share"].to_numpy()[split]).groupby(codes[split]).transform("sum")
    off = pd.Series(False, index=actuals.index)
    off[split] = (total - 1).abs().to_numpy() > SPLIT_TOLERANCE
    if not off.any():
        return
    # Worded only for the rows warned about: a million shared lines must stay cheap.
    shown = pd.Series("", index=actuals.index, dtype=object)
    shown[split] = total.to_numpy()
    shown[off] = shown[off].map(lambda v: f"{v:.0%}")
    shares = actuals["share"].where(off).map(lambda v: f"{v:.0%}", na_action="ignore")
    table.report(
        issues, WARNING, off, "allocated", "split_not_whole", "warning", shares, detail=shown, rows=actuals
    )


def _clean_team(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    clean = pd.DataFrame({"row": frame["row"]})
    for key in ("rep", "email", "team", "region", "manager", "manager_email"):
        clean[key] = _text_column(frame, key)
    for key in ("email", "manager_email"):
        # One address per cell: a list would send one person's figures to several.
        not_one = clean[key].notna() & ~clean[key].str.fullmatch(ONE_ADDRESS).fillna(False).astype(bool)
        table.report(issues, WARNING, not_one, key, "email_not_one_address", "treated_blank", rows=clean)
        clean[key] = clean[key].mask(not_one)
    for key in ("start_date", "end_date"):
        if key in frame:
            parsed = parse_dates(frame[key], settings.date_order)
            if key == "end_date" and parsed.late is not None and parsed.outside is not None:
                # 9999-12-31 is how many HR systems write "still employed": blank, not a problem.
                parsed.bad &= ~parsed.late
                parsed.outside &= ~parsed.late
            _report(issues, table, key, parsed, (WARNING, "date_unreadable", "treated_blank"))
            clean[key] = parsed.values
        else:
            clean[key] = pd.NaT
    no_rep = clean["rep"].isna()
    table.report(issues, WARNING, no_rep, "rep", "rep_missing", "row_skipped", values="", rows=clean)
    clean = clean[~no_rep]
    repeated = clean["rep"].map(schema.normalise).duplicated()
    table.report(issues, WARNING, repeated, "rep", "rep_duplicate", "row_skipped", rows=clean)
    return clean[~repeated].reset_index(drop=True)


def _group_pairs(table: Table, member: str, issues: Issues) -> list[tuple[str, str]]:
    """(member, group) pairs in sheet order; a pair that would close a loop is reported and left out."""
    frame = table.frame
    members, groups = _text_column(frame, member), _text_column(frame, "group")
    parents: dict[str, set[str]] = {}
    pairs: list[tuple[str, str]] = []
    loops = pd.Series(False, index=frame.index)
    for index, child, parent in zip(frame.index, members, groups, strict=True):
        if pd.isna(child) or pd.isna(parent):
            continue
        above, frontier = {schema.normalise(parent)}, [schema.normalise(parent)]
        while frontier:
            frontier = [p for f in frontier for p in parents.get(f, ()) if p not in above]
            above.update(frontier)
        if schema.normalise(child) in above:
            loops[index] = True
            continue
        parents.setdefault(schema.normalise(child), set()).add(schema.normalise(parent))
        pairs.append((str(child), str(parent)))
    table.report(issues, WARNING, loops, "group", "group_loop", "row_skipped")
    return pairs


def _month_weights(table: Table | None, issues: Issues) -> dict[int, float]:
    if table is None:
        return {}
    frame = table.frame
    months = _text_column(frame, "month").map(_month_number)
    weights = _read_numbers(table, "weight", issues, (WARNING, "weight_unreadable", "row_skipped"))
    bad_month = months.isna()
    table.report(issues, WARNING, bad_month, "month", "month_unreadable", "row_skipped")
    negative = weights.values < 0
    table.report(issues, WARNING, negative, "weight", "weight_negative", "row_skipped")
    usable = ~bad_month & weights.values.notna() & ~negative
    result = {int(m): float(w) for m, w in zip(months[usable], weights.values[usable], strict=True)}
    # Months left out of the sheet weigh nothing, which would stall seasonal pacing there.
    if result:
        for month in set(range(1, 13)) - set(result):
            issues.add(WARNING, table.sheet, None, table.label("month"), month, "month_absent", "warning")
    return result


def _month_number(value: object) -> float:
    if is_missing(value):
        return np.nan
    text = schema.normalise(value)
    if text in _MONTH_NAMES:
        return _MONTH_NAMES[text]
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number if number.is_integer() and 1 <= number <= 12 else np.nan


HOLIDAY_TYPES = {
    **{name: "holiday" for name in ("holiday", "节假日", "假", "休", "假日", "休息")},
    **{name: "workday" for name in ("workday", "working day", "工作日", "补班", "班", "上班")},
}


def _holidays(
    table: Table | None, settings: Settings, issues: Issues
) -> tuple[tuple[np.datetime64, ...], tuple[np.datetime64, ...]]:
    """Non-working days, and make-up working days (Type workday) that fall on the weekend."""
    if table is None:
        return (), ()
    dates = _read_dates(table, "date", settings, issues, (WARNING, "date_unreadable", "row_skipped"))
    type_text = _text_column(table.frame, "type")
    kind = type_text.map(lambda v: HOLIDAY_TYPES.get(schema.normalise(v)) if pd.notna(v) else "holiday")
    unknown = kind.isna() & dates.values.notna()
    table.report(issues, WARNING, unknown, "type", "holiday_type_unknown", "default_used", values=type_text)
    kind = kind.fillna("holiday")
    days = dates.values.to_numpy().astype("datetime64[D]")
    found = dates.values.notna().to_numpy()
    off = np.unique(days[found & (kind == "holiday").to_numpy()])
    worked = days[found & (kind == "workday").to_numpy()]
    # A make-up day on a weekday is a working day already; only weekend ones add to the count.
    weekend = ~np.is_busday(worked, weekmask=settings.weekmask) if len(worked) else np.zeros(0, bool)
    makeup = np.unique(np.setdiff1d(worked[weekend], off))
    return tuple(off), tuple(makeup)


PIPELINE_STATUSES = {
    "open": "open",
    "进行中": "open",
    "跟进中": "open",
    "打开": "open",
    "won": "won",
    "赢单": "won",
    "已成交": "won",
    "成交": "won",
    "lost": "lost",
    "丢单": "lost",
    "输单": "lost",
    "失败": "lost",
}
SURVEY_SCALES = {"csat": "CSAT", "满意度": "CSAT", "nps": "NPS", "净推荐值": "NPS"}


def _clean_pipeline(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    amount = _read_numbers(table, "amount", issues, (ERROR, "amount_unreadable", "row_skipped"))
    close = _read_dates(table, "close_date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    created = (
        _read_dates(table, "created", settings, issues, (WARNING, "date_unreadable", "treated_blank"))
        if "created" in frame
        else None
    )
    status_text = _text_column(frame, "status")
    status = status_text.map(lambda v: PIPELINE_STATUSES.get(schema.normalise(v)) if pd.notna(v) else None)
    bad_status = status.isna() & amount.values.notna() & close.values.notna()
    table.report(
        issues, ERROR, bad_status, "status", "pipeline_status_unknown", "row_skipped", values=status_text
    )
    chance = pd.Series(np.nan, index=frame.index)
    if "probability" in frame:
        probability = _read_numbers(
            table, "probability", issues, (WARNING, "probability_unreadable", "treated_blank")
        )
        # A value above 1 is a percentage typed as 60 rather than 0.6 or 60%.
        chance = probability.values.where(probability.values <= 1, probability.values / 100)
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "opportunity": _text_column(frame, "opportunity"),
            "rep": _text_column(frame, "rep"),
            "stage": _text_column(frame, "stage"),
            "amount": amount.values,
            "probability": chance,
            "created": created.values if created is not None else pd.NaT,
            "close_date": close.values,
            "status": status,
            "source": _text_column(frame, "source"),
        }
    )
    keep = clean["amount"].notna() & clean["close_date"].notna() & clean["status"].notna()
    return clean[keep].reset_index(drop=True)


def _clean_costs(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    clean = pd.DataFrame(
        {"row": frame["row"], "team": _text_column(frame, "team"), "region": _text_column(frame, "region")}
    )
    spans = _periods(table, settings, issues)
    bad = spans["period"].isna()
    clean[["period", "start", "end"]] = spans
    spend = pd.Series(0.0, index=frame.index)
    for key in ("marketing_spend", "sales_spend"):
        if key in frame:
            parsed_spend = _read_numbers(table, key, issues, (WARNING, "spend_unreadable", "treated_blank"))
            spend = spend + parsed_spend.values.fillna(0.0)
    clean["spend"] = spend
    return clean[~bad].reset_index(drop=True)


def _clean_survey(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    frame = table.frame
    dates = _read_dates(table, "date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    score = _read_numbers(table, "score", issues, (ERROR, "score_unreadable", "row_skipped"))
    scale_text = _text_column(frame, "scale")
    # Object dtype: a column of only blanks maps to Arrow's null type, which takes no strings.
    scale = scale_text.map(lambda v: SURVEY_SCALES.get(schema.normalise(v)) if pd.notna(v) else None)
    scale = scale.astype(object)
    # Without a Scale, scores above 5 can only be NPS; 1 to 5 are read as CSAT.
    guessed = scale.isna() & score.values.notna()
    scale = scale.where(~guessed, np.where(score.values > 5, "NPS", "CSAT"))
    missing = guessed & scale_text.isna()
    table.report(issues, INFO, missing, "scale", "scale_guessed", "converted", values="", detail=scale)
    unknown = guessed & scale_text.notna()
    table.report(
        issues, WARNING, unknown, "scale", "scale_unknown", "converted", values=scale_text, detail=scale
    )
    limits = np.where(scale == "NPS", 10, 5)
    out_of_range = score.values.notna() & ((score.values < 0) | (score.values > limits))
    table.report(issues, ERROR, out_of_range, "score", "score_out_of_range", "row_skipped")
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "date": dates.values,
            "customer": _text_column(frame, "customer"),
            "rep": _text_column(frame, "rep"),
            "score": score.values,
            "scale": scale,
        }
    )
    keep = clean["date"].notna() & clean["score"].notna() & ~out_of_range
    return clean[keep].reset_index(drop=True)
