"""How an input sheet's cells become a table: its header found, blank rows dropped, dates, numbers,
text and periods read, and every unreadable or converted value reported by sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from pyxl.core import schema
from pyxl.core.errors import UnusableWorkbook
from pyxl.core.issues import ERROR, INFO, WARNING, Issues
from pyxl.core.parsing import Parsed, blank, by_distinct, cell_text, parse_dates, parse_numbers
from pyxl.core.periods import parse_period
from pyxl.core.settings import Settings


@dataclass
class TypedRows:
    """A sheet's rows under its header row, read by a reader that found that row first: a number
    column as float64 and a date column as datetime64 where every cell of it is one, as text
    otherwise; columns labelled as the sheet's cells are. `text()` gives every cell of the sheet
    as text instead, for a header elsewhere (named by an alias the reader did not know)."""

    header: int
    frame: pd.DataFrame
    text: Callable[[], pd.DataFrame]


@dataclass
class RawSheet:
    """Cells of one sheet as text, in grid order; row 0 is Excel row `first_row`. With `typed`,
    `cells` holds only the sheet's first rows, to find the header in."""

    name: str
    cells: pd.DataFrame
    first_row: int = 1
    # Dates arrive as Excel's serial numbers (Excel on the web hands xlwings Lite its cells so):
    # a number in a date column is then a date as Excel keeps it, not a conversion to report.
    serial_dates: bool = False
    typed: TypedRows | None = None


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


def locate(raw: RawSheet, sheet: schema.Sheet, settings: Settings, issues: Issues) -> Table | None:
    """The sheet's rows under contract column keys, from the first of its first rows holding the
    required headers; None (with a warning) for an optional sheet without them."""
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
        issues.add(WARNING, raw.name, None, "", "", "sheet_ignored", "warning_only", facts)
        return None
    index, mapping = located
    typed = raw.typed
    if typed is not None and index != typed.header:
        return locate(
            RawSheet(raw.name, typed.text(), raw.first_row, raw.serial_dates), sheet, settings, issues
        )
    rows_below = raw.cells.iloc[index + 1 :] if typed is None else typed.frame
    body = rows_below.iloc[:, list(mapping)]
    body.columns = list(mapping.values())
    body = body.assign(row=np.arange(len(body)) + raw.first_row + index + 1)
    body = body[~blank_rows(body.drop(columns="row"))].reset_index(drop=True)
    # Positions count within the cells read; the cells' own labels say where they sit on the sheet.
    letters = {
        key: schema.column_letter(int(raw.cells.columns[position])) for position, key in mapping.items()
    }
    headers = {key: " ".join(str(rows[index][position]).split()) for position, key in mapping.items()}
    return Table(raw.name, body, letters, headers, raw.serial_dates)


def blank_rows(frame: pd.DataFrame) -> pd.Series:
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


def report(issues: Issues, table: Table, key: str, parsed: Parsed, bad: tuple[str, str, str]) -> None:
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


def read_dates(
    table: Table, key: str, settings: Settings, issues: Issues, bad: tuple[str, str, str]
) -> Parsed:
    """Parse a date column and report what could not be read and what was converted."""
    parsed = by_distinct(lambda text: parse_dates(text, settings.date_order), table.frame[key])
    report(issues, table, key, parsed, bad)
    return parsed


def read_numbers(table: Table, key: str, issues: Issues, bad: tuple[str, str, str]) -> Parsed:
    """Parse a number column and report what could not be read and what was converted."""
    parsed = by_distinct(parse_numbers, table.frame[key])
    report(issues, table, key, parsed, bad)
    return parsed


def no_text(index: pd.Index) -> pd.Series:
    """A text column of blanks: where pandas keeps text in Arrow, straight from Arrow's null array
    (a million rows of a dimension the sheet lacks in 5 ms rather than 18)."""
    if pd.StringDtype().storage == "pyarrow":
        return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string())), index=index)
    return pd.Series(pd.NA, index=index, dtype="string")


def text_column(frame: pd.DataFrame, key: str) -> pd.Series:
    """A text column stripped, with blanks as missing."""
    if key not in frame:
        return no_text(frame.index)
    text = cell_text(frame[key]).str.strip()
    return text.mask(text.eq(""))


def periods(table: Table, settings: Settings, issues: Issues, keep: pd.Series | None = None) -> pd.DataFrame:
    """The Period column parsed: label, start and end per row, with unreadable ones reported."""
    frame = table.frame
    labels = text_column(frame, "period")
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
