"""Each output sheet described once, as data: values, number formats, widths and highlights.

The file adapter and the live adapter both render these descriptions; neither keeps its own
copy of the formatting.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pyxl.core.backtest import ACCURACY_RATIOS, ALL
from pyxl.core.figures import ACHIEVED, AHEAD, AT_RISK, BEHIND, MISSED, NOT_STARTED, ON_TRACK
from pyxl.core.issues import ERROR, INFO, WARNING
from pyxl.core.parsing import is_missing
from pyxl.core.rollups import COMPANY
from pyxl.core.settings import Settings
from pyxl.core.tracking import Tracking
from pyxl.views import i18n
from pyxl.views.formatting import ratio_decimals

TRACKING_SHEET, QUALITY_SHEET, KPIS_SHEET = "Tracking", "Data Quality", "KPIs"
DASHBOARD_SHEET, DEFINITIONS_SHEET = "Dashboard", "Definitions"
ACCURACY_SHEET, HISTORY_SHEET = "Forecast Accuracy", "History"
# What a refresh writes, in order.
OUTPUT_SHEETS = (TRACKING_SHEET, QUALITY_SHEET, KPIS_SHEET, DASHBOARD_SHEET, DEFINITIONS_SHEET, HISTORY_SHEET)
# The contract's own output sheets are always replaced; the others only where salestrack wrote them.
CONTRACT_OUTPUTS = (TRACKING_SHEET, QUALITY_SHEET)
OUTPUT_MARKER = "SalesTrackOutput"  # a sheet-scoped defined name on every sheet salestrack writes

GREEN = ("C6EFCE", "006100")
AMBER = ("FFEB9C", "9C5700")
RED = ("FFC7CE", "9C0006")
GREY = ("EDEDED", "595959")
STATUS_TONES = {
    AHEAD: "good",
    ON_TRACK: "good",
    ACHIEVED: "good",
    BEHIND: "warn",
    AT_RISK: "bad",
    MISSED: "bad",
    NOT_STARTED: "idle",
}
TONE_COLOURS = {"good": GREEN, "warn": AMBER, "bad": RED, "idle": GREY}
STATUS_COLOURS = {status: TONE_COLOURS[tone] for status, tone in STATUS_TONES.items()}
HEADER_FILL, HEADER_FONT = "1F4E78", "FFFFFF"
BAR_COLOUR = "5B9BD5"

EXCEL_MAX_ROWS = 1_048_576
PERCENT, DATE, COUNT, DECIMAL = "0.0%", "yyyy-mm-dd", "#,##0", "#,##0.00"


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    number_format: str = "General"
    width: float = 10.0
    wrap: bool = False  # long text in a narrow column, on as many lines as it needs


@dataclass(frozen=True)
class Highlight:
    """Fill and font colour for cells of a column whose value equals `text`."""

    column: int
    text: str
    fill: str
    font: str


@dataclass(frozen=True)
class Block:
    """A small table placed below the main one, e.g. the data behind a chart."""

    top: int  # Excel row of its header
    headers: list[str]
    rows: list[list[object]]
    formats: list[str]

    @property
    def bottom(self) -> int:
        return self.top + max(len(self.rows), 1)


@dataclass(frozen=True)
class Chart:
    """A native chart of a block: column 0 gives the categories, `series` the values."""

    kind: str  # "bar" (horizontal), "column" or "line"
    title: str
    block: int
    series: tuple[int, ...]
    anchor: str  # top-left cell, e.g. "A6"
    line_series: tuple[int, ...] = ()  # drawn as lines over the bars (a target line)
    percent: bool = False
    width_cm: float = 15.0
    height_cm: float = 7.5


# Landscape A4 with Excel's default margins holds about 130 character units at 100%; below 70%
# printed text gets hard to read.
PRINTABLE_WIDTH = 130
SMALLEST_PRINT_SCALE = 0.7
NOTE_WIDTH = 45
DEFINITION_WIDTH = 90
VALUE_WIDTH, PROBLEM_WIDTH = 24, 70


@dataclass
class SheetSpec:
    """One output sheet: a title in row 1, headers in row 2, values from row 3."""

    name: str
    title: str
    columns: list[ColumnSpec]
    rows: list[list[object]]
    cell_formats: dict[int, list[str]] = field(default_factory=dict)
    highlights: list[Highlight] = field(default_factory=list)
    data_bars: list[int] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    table: bool = True  # frozen header and autofilter; off for the dashboard
    value_size: int | None = None  # a bigger font for the values row of KPI tiles
    key_columns: int = 0  # printed again at the left of every page across (Level, Name, …)
    # Names salestrack wrote this sheet under before (another language's): such a sheet of
    # its own is replaced and renamed rather than left beside this one.
    former_names: tuple[str, ...] = ()

    title_row = 1
    header_row = 2
    first_data_row = 3

    @property
    def value_row_height(self) -> float:
        """Points: the height of a tiles' row, tall enough to show its large figures whole (0:
        no tiles)."""
        return self.value_size * 1.8 if self.value_size else 0.0

    def pages_wide(self) -> int:
        """Pages across when printed: one where the sheet fits at a readable scale, else as many
        as keep the text at that scale, each repeating the key columns."""
        total = sum(column.width for column in self.columns)
        per_page = PRINTABLE_WIDTH / SMALLEST_PRINT_SCALE
        if total <= per_page:
            return 1
        repeated = sum(column.width for column in self.columns[: self.key_columns])
        return math.ceil((total - repeated) / (per_page - repeated))

    def lines(self, row: int) -> int:
        """Lines the row takes: its wrapped cells' text broken at the column widths. Readers do
        not all grow a row for wrapped text themselves, so the renderer sets the height."""
        cells = zip(self.rows[row], self.columns, strict=False)
        return max([1] + [wrapped_lines(v, c.width) for v, c in cells if c.wrap and isinstance(v, str)])

    def format_of(self, column: int, row: int) -> str:
        """Number format of a data cell (row counts from 0)."""
        overrides = self.cell_formats.get(column)
        return overrides[row] if overrides else self.columns[column].number_format

    def formats(self, column: int) -> list[str]:
        """Number format of each data cell of a column."""
        return self.cell_formats.get(column) or [self.columns[column].number_format] * len(self.rows)


def ratio_boundaries(settings: Settings) -> dict[str, tuple[float, ...]]:
    """Where each ratio changes its meaning: 100% of the target, and for Pace the status thresholds."""
    pace = (settings.behind_threshold, settings.on_track_threshold, settings.ahead_threshold, 1.0)
    return {"Attainment": (1.0,), "Forecast Attainment": (1.0,), "Pace": pace}


def ratio_formats(values: pd.Series, boundaries: tuple[float, ...]) -> list[str]:
    """A percentage format per cell: one decimal, or as many more as keep a ratio from showing on
    the other side of a boundary (99.96% of a missed target would show as 100.0%)."""
    return [
        PERCENT if not math.isfinite(v) else "0." + "0" * ratio_decimals(v, 1, boundaries) + "%"
        for v in values.to_numpy(dtype=float)
    ]


def money_format(symbol: str, decimals: int = 0) -> str:
    """#,##0 with the currency symbol (`Settings.currency_symbol`) in front, if any."""
    body = COUNT if decimals == 0 else DECIMAL
    return f'"{symbol}"{body}' if symbol else body


def display_width(text: str) -> int:
    """Width in Excel character units: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide, broken at spaces as Excel does
    (a word wider than the column, like Chinese text without spaces, is broken anywhere)."""
    room = max(int(width) - 2, 1)  # the cell's padding
    if 2 * len(text) <= room:  # fits even if every character is wide
        return 1
    lines, used = 1, 0
    for word in re.findall(r"\S+\s*", text):
        size = display_width(word.rstrip())
        if used and used + size > room:
            lines, used = lines + 1, 0
        while size > room:
            lines, size = lines + 1, size - room
        used += size + 1
    return lines


def shown(value: object, number_format: str) -> str:
    """Roughly what Excel shows for a value in a format, to size columns."""
    if is_missing(value):
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return "2025-12-31"
    if isinstance(value, (int, float)):
        if number_format.endswith("%"):
            return f"{value:.1%}"
        prefix = number_format.split('"')[1] if number_format.startswith('"') else ""
        decimals = 2 if number_format.endswith(".00") else 0
        return f"{prefix}{value:,.{decimals}f}"
    return str(value)


def fit_widths(spec: SheetSpec, limit: float = 60) -> None:
    """Set each column's width to fit its header and the widest value it shows.

    Per number format only the largest and smallest numbers can be the widest, so each column
    costs one pass, not one formatting per cell.
    """
    for index, column in enumerate(spec.columns):
        texts: set[str] = set()
        extremes: dict[str, list[float]] = {}
        for row, number_format in zip(spec.rows, spec.formats(index), strict=False):
            value = row[index]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                bounds = extremes.setdefault(number_format, [value, value])
                if value < bounds[0]:
                    bounds[0] = value
                elif value > bounds[1]:
                    bounds[1] = value
            elif value is not None:
                texts.add(value if isinstance(value, str) else shown(value, column.number_format))
        candidates = [column.header, *texts]
        candidates += [shown(v, f) for f, bounds in extremes.items() for v in bounds]
        widest = max(display_width(text) for text in candidates)
        spec.columns[index] = ColumnSpec(column.header, column.number_format, min(max(widest + 3, 8), limit))


def plain(value: object) -> object:
    """A value as a plain Python object: numpy scalars unwrapped, NaN and infinities as None (a blank)."""
    if is_missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def plain_rows(table: pd.DataFrame) -> list[list[object]]:
    """The table's rows of `plain` values, converted a column at a time: a sheet of tens of
    thousands of cells is otherwise a noticeable part of a refresh."""
    columns = []
    for _, values in table.items():
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"  # pandas' own: as is
        if kind == "f":
            numbers = values.to_numpy()
            cells = numbers.astype(object)
            cells[~np.isfinite(numbers)] = None
            columns.append(cells.tolist())
        elif kind in "iu":
            columns.append(values.tolist())
        else:
            columns.append([plain(v) for v in values.tolist()])
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(len(table))]


KPI_MONEY_COLUMNS = ("Revenue", "Spend", "CAC", "CLTV", "Open Pipeline", "Weighted Forecast")
# Tracking figures in the target's own measure: money for Revenue, a count for Units and Orders.
AMOUNT_COLUMNS = (
    "Target",
    "Actual",
    "Variance",
    "Expected",
    "Forecast",
    "Gap",
    "Forecast Low",
    "Forecast High",
    "Last Year",
    "Prior Period",
)
# Money as the contract allows it in CSV and JSON: rounded to cents.
MONEY_COLUMNS = (
    *AMOUNT_COLUMNS,
    "Required per Day",
    "Weighted Pipeline",
    *KPI_MONEY_COLUMNS,
    "Suggested",
    "Current Target",
    "Same Period Last Year",
    "Last Year x Growth",
    "Run-rate Estimate",
    "Implied",
)


def without_float_noise(table: pd.DataFrame) -> pd.DataFrame:
    """Money rounded to cents and every other figure to 12 significant digits, so no output shows
    sums' binary noise (676552.3500000001); the sheets round through number formats instead."""
    exact = table.copy()
    for column in exact.columns:
        if not pd.api.types.is_float_dtype(exact[column]):
            continue
        if column in MONEY_COLUMNS:
            exact[column] = exact[column].round(2)
        else:
            exact[column] = exact[column].map(lambda v: float(f"{v:.12g}") if math.isfinite(v) else v)
    return exact


def worded(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """A table's words as people read them in the language: Status, Metric, Level and the
    company's Name; CSV and JSON keep the contract's."""
    if language != "zh":
        return table
    shown = table.copy()
    for column, word in (
        ("Status", i18n.status_word),
        ("Metric", i18n.metric_word),
        ("Forecast Method", i18n.method_word),
    ):
        if column in shown:
            shown[column] = shown[column].map(lambda v, word=word: v if is_missing(v) else word(v, language))
    if "Level" in shown:
        if "Name" in shown:
            company = shown["Level"].isin([COMPANY.level, COMPANY.rollup])
            shown.loc[company, "Name"] = i18n.text("All", language)
        shown["Level"] = shown["Level"].map(lambda level: i18n.level_word(level, language))
    return shown


def tracking_sheet(tracking: Tracking) -> SheetSpec:
    """The Tracking sheet: one row per target and rollup, statuses coloured, attainment as bars."""
    settings = tracking.settings
    language = settings.language
    table = worded(tracking.table, language)
    money, money_per_day = money_format(settings.currency_symbol), money_format(settings.currency_symbol, 2)
    formats = {
        "Start": DATE,
        "End": DATE,
        "Attainment": PERCENT,
        "Variance %": PERCENT,
        "Pace": PERCENT,
        "Forecast Attainment": PERCENT,
        "Days Left": COUNT,
        "Growth": PERCENT,
        "Change": PERCENT,
        "Weighted Pipeline": money,
    }
    columns = [
        ColumnSpec(i18n.column_word(h, language), formats.get(h, money if h in AMOUNT_COLUMNS else "General"))
        for h in table.columns
    ]
    revenue = (tracking.table["Metric"] == "Revenue").tolist()
    position = list(table.columns).index
    per_metric = {position(h): [money if r else COUNT for r in revenue] for h in AMOUNT_COLUMNS}
    per_metric[position("Required per Day")] = [money_per_day if r else DECIMAL for r in revenue]
    for column, boundaries in ratio_boundaries(settings).items():
        per_metric[position(column)] = ratio_formats(tracking.table[column], boundaries)
    status_column = position("Status")
    spec = SheetSpec(
        name=i18n.sheet_name(TRACKING_SHEET, language),
        title=i18n.text("tracking_title", language, as_of=tracking.as_of.isoformat()),
        columns=columns,
        rows=plain_rows(table),
        cell_formats=per_metric,
        highlights=[
            Highlight(status_column, i18n.status_word(status, language), *colours)
            for status, colours in STATUS_COLOURS.items()
        ],
        data_bars=[position("Attainment")],
        key_columns=4,  # Level, Name, Period, Metric
    )
    fit_widths(spec)
    return spec


def quality_rows(issues: pd.DataFrame, language: str) -> pd.DataFrame:
    """Issues as the user reads them, in the workbook's language."""
    if issues.empty:
        return pd.DataFrame(
            columns=["Severity", "Sheet", "Row", "Column", "Cell", "Value", "Problem", "Action"]
        )
    problem = [
        i18n.problem(p, language, d, v)
        for p, d, v in zip(issues["problem"], issues["detail"], issues["value"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Severity": issues["severity"].map(lambda s: i18n.text(s, language)),
            "Sheet": issues["sheet"],
            "Row": issues["row"].astype("Int64"),
            "Column": issues["column"],
            "Cell": [
                f"{letter}{int(row)}" if letter and pd.notna(row) else ""
                for letter, row in zip(issues["letter"], issues["row"], strict=True)
            ],
            "Value": issues["value"],
            "Problem": problem,
            "Action": issues["action"].map(lambda a: i18n.text(a, language)),
        }
    )


NOTES_SHOWN = 1000


def _fewer_notes(issues: pd.DataFrame, language: str) -> pd.DataFrame:
    """Every error and warning, but at most NOTES_SHOWN notes of each kind per column.

    A column of a million numbers typed as text would otherwise fill the sheet with a million
    identical notes; `salestrack validate` still lists them all.
    """
    notes = issues["severity"] == INFO
    rank = issues[notes].groupby(["sheet", "column", "problem"], sort=False).cumcount()
    hidden = pd.Series(False, index=issues.index)
    hidden[rank.index] = (rank >= NOTES_SHOWN).to_numpy()
    if not hidden.any():
        return issues
    summary = issues[hidden].groupby(["sheet", "column", "problem"], sort=False).size().reset_index(name="n")
    extra = pd.DataFrame(
        {
            "severity": INFO,
            "sheet": summary["sheet"],
            "row": None,
            "column": summary["column"],
            "value": "",
            "problem": "more_notes",
            "action": "converted",
            "letter": "",
            "detail": [
                f"{n:,} ({i18n.text(p, language, detail='…', value='')})"
                for n, p in zip(summary["n"], summary["problem"], strict=True)
            ],
        }
    )
    return pd.concat([issues[~hidden], extra], ignore_index=True)


def quality_sheet(tracking: Tracking) -> SheetSpec:
    """The Data Quality sheet: every problem with its sheet, row, column, value and what was done."""
    language = tracking.settings.language
    issues = tracking.issues.frame()
    counts = issues["severity"].value_counts()
    readable = quality_rows(_fewer_notes(issues, language), language)
    as_of = tracking.as_of.isoformat()
    title = (
        i18n.text("quality_clean", language, as_of=as_of)
        if issues.empty
        else i18n.text(
            "quality_title",
            language,
            as_of=as_of,
            errors=counts.get(ERROR, 0),
            warnings=counts.get(WARNING, 0),
            infos=counts.get(INFO, 0),
        )
    )
    columns = [ColumnSpec(i18n.text(h, language), "0" if h == "Row" else "General") for h in readable.columns]
    room = EXCEL_MAX_ROWS - SheetSpec.first_data_row  # one row kept for the note below
    rows = [
        [None if pd.isna(v) else (int(v) if i == 2 else v) for i, v in enumerate(row)]
        for row in readable.head(room).itertuples(index=False)
    ]
    if len(readable) > room:
        left_out = i18n.text("quality_truncated", language, count=f"{len(readable) - room:,}")
        rows.append([None, None, None, None, None, None, left_out, None])
    spec = SheetSpec(
        name=i18n.sheet_name(QUALITY_SHEET, language),
        title=title,
        columns=columns,
        rows=rows,
        highlights=[
            Highlight(0, i18n.text(ERROR, language), *RED),
            Highlight(0, i18n.text(WARNING, language), *AMBER),
        ],
    )
    fit_widths(spec, limit=120)
    # Problems are sentences and values are whatever was typed: they wrap, so a printed page
    # holds every column beside the sheet, row and cell it names.
    for index, width in ((5, VALUE_WIDTH), (6, PROBLEM_WIDTH)):
        column = spec.columns[index]
        spec.columns[index] = ColumnSpec(
            column.header, column.number_format, min(column.width, width), wrap=True
        )
    return spec


KPI_FORMATS = {
    "Start": DATE,
    "End": DATE,
    "Customers": COUNT,
    "New Customers": COUNT,
    "Won": COUNT,
    "Lost": COUNT,
    "Win Rate": PERCENT,
    "Coverage": PERCENT,
    "CSAT": PERCENT,
    "NPS": "0",
    "Responses": COUNT,
    "LTV:CAC": '0.0"x"',
    "Leads": COUNT,
    "Conversion": PERCENT,
}


def kpi_rows(kpis: pd.DataFrame, language: str) -> pd.DataFrame:
    """The KPI table as people read it: Notes worded in the language."""
    if "Notes" not in kpis:
        return kpis
    return kpis.assign(Notes=kpis["Notes"].map(lambda keys: i18n.notes(keys, language)))


def kpis_sheet(tracking: Tracking, kpis: pd.DataFrame) -> SheetSpec:
    """The KPIs sheet: one row per period and Company, Team and Region; blanks carry a note."""
    money = money_format(tracking.settings.currency_symbol)
    language = tracking.settings.language
    columns = [
        ColumnSpec(
            i18n.column_word(h, language), money if h in KPI_MONEY_COLUMNS else KPI_FORMATS.get(h, "General")
        )
        for h in kpis.columns
    ]
    spec = SheetSpec(
        name=i18n.sheet_name(KPIS_SHEET, language),
        title=i18n.text("kpis_title", language, as_of=tracking.as_of.isoformat()),
        columns=columns,
        rows=plain_rows(worded(kpi_rows(kpis, language), language)),
        key_columns=3,  # Level, Name, Period
    )
    fit_widths(spec)
    if "Notes" in kpis:
        notes = list(kpis.columns).index("Notes")
        column = spec.columns[notes]
        spec.columns[notes] = ColumnSpec(column.header, width=min(column.width, NOTE_WIDTH), wrap=True)
    return spec


def definitions_sheet(language: str) -> SheetSpec:
    """How each figure is worked out, in the workbook's language."""
    rows = [
        [name_zh if language == "zh" else name, zh if language == "zh" else en]
        for name, name_zh, en, zh in i18n.DEFINITIONS
    ]
    spec = SheetSpec(
        name=i18n.sheet_name(DEFINITIONS_SHEET, language),
        title=i18n.text("definitions_title", language),
        columns=[ColumnSpec(i18n.text("Figure", language)), ColumnSpec(i18n.text("Definition", language))],
        rows=[list[object](row) for row in rows],
    )
    fit_widths(spec)
    # Wrapped at a width a landscape page prints at full size, however long a definition is.
    spec.columns[1] = ColumnSpec(spec.columns[1].header, width=DEFINITION_WIDTH, wrap=True)
    return spec


def accuracy_sheet(accuracy: pd.DataFrame, language: str, first: dt.date, last: dt.date) -> SheetSpec:
    """The Forecast Accuracy sheet: the replayed forecasts' scores by level and method, the
    run-rate's beside them (pyxl.core.backtest)."""
    columns = [
        ColumnSpec(i18n.column_word(h, language), PERCENT if h in ACCURACY_RATIOS else COUNT)
        if h not in ("Level", "Forecast Method")
        else ColumnSpec(i18n.column_word(h, language))
        for h in accuracy.columns
    ]
    forecasts = int(accuracy["Forecasts"].iloc[-1]) if len(accuracy) else 0
    shown = worded(accuracy, language)
    shown["Level"] = shown["Level"].replace({ALL: i18n.text("All", language)})
    spec = SheetSpec(
        name=i18n.sheet_name(ACCURACY_SHEET, language),
        title=i18n.text("accuracy_title", language, forecasts=f"{forecasts:,}", first=first, last=last),
        columns=columns,
        rows=plain_rows(shown),
        key_columns=2,
    )
    fit_widths(spec)
    return spec


EMAIL_PREVIEW_SHEET = "Email Preview"
MESSAGE_WIDTH = 80


@dataclass(frozen=True)
class Preview:
    """One summary as it would be sent."""

    kind: str  # "rep" or "manager"
    name: str
    email: str | None
    subject: str
    text: str


def email_preview_sheet(previews: list[Preview], as_of: dt.date, language: str) -> SheetSpec:
    """Each rep's and manager's summary as it would be sent, one a row: for xlwings Lite, which
    can neither send mail nor write files."""
    headers = ("Kind", "Name", "Email", "Subject", "Message")
    spec = SheetSpec(
        name=i18n.sheet_name(EMAIL_PREVIEW_SHEET, language),
        title=i18n.text("email_preview_title", language, count=len(previews), as_of=as_of.isoformat()),
        columns=[ColumnSpec(i18n.text(h, language)) for h in headers],
        rows=[
            [i18n.text(f"kind_{p.kind}", language), p.name, p.email, p.subject, p.text.strip()]
            for p in previews
        ],
        key_columns=2,
    )
    fit_widths(spec)
    spec.columns[-1] = ColumnSpec(spec.columns[-1].header, width=MESSAGE_WIDTH, wrap=True)
    return spec


OWN_SUFFIX = "(SalesTrack)"


def settle_names(specs: list[SheetSpec], existing: dict[str, bool]) -> list[SheetSpec]:
    """Give way to the user's own sheets: an output whose name a sheet salestrack did not write
    already has (a user's own "Dashboard", say) is written as "<name> (SalesTrack)" instead.
    A sheet salestrack wrote under the output's name in another language is named as the one
    to replace, so a workbook whose Language changed keeps one of each output.

    `existing` maps each sheet name in the workbook to whether salestrack wrote it.
    """
    folded = {name.casefold(): owned for name, owned in existing.items()}
    contract = {name for output in CONTRACT_OUTPUTS for name in i18n.sheet_names_of(output)}
    for spec in specs:
        english = next((n for n, zh in i18n.SHEET_NAMES.items() if spec.name in (n, zh)), spec.name)
        others = [n for n in i18n.sheet_names_of(english) if n != spec.name]
        candidates = [*others, *(f"{n} {OWN_SUFFIX}" for n in i18n.sheet_names_of(english))]
        if spec.name not in contract and not folded.get(spec.name.casefold(), True):
            spec.name = f"{spec.name} {OWN_SUFFIX}"
        spec.former_names = tuple(
            n for n in candidates if folded.get(n.casefold()) and n.casefold() != spec.name.casefold()
        )
    return specs
