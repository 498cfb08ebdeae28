"""The History sheet (历史), described as data, and read back: its rows are the contract's
Tracking columns under an As Of date, worded as the Tracking sheet words them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pyxl.core.history import AS_OF, HISTORY_COLUMNS, kept_dates
from pyxl.core.parsing import parse_dates, parse_numbers
from pyxl.core.settings import Settings
from pyxl.core.tracking import RATIO_COLUMNS
from pyxl.views import i18n
from pyxl.views.sheets import (
    COUNT,
    DATE,
    HISTORY_SHEET,
    PERCENT,
    ColumnSpec,
    SheetSpec,
    display_width,
    plain_rows,
    worded,
)

TEXT_COLUMNS = ("Level", "Name", "Period", "Metric", "Status", "Forecast Method")
DATE_COLUMNS = (AS_OF, "Start", "End")
NAME_WIDTH, LEAST_WIDTH = 28, 11


AMOUNT = "#,##0.00"
HISTORY_FORMATS = {
    **{column: DATE for column in DATE_COLUMNS},
    **{column: PERCENT for column in RATIO_COLUMNS},
    "Days Left": COUNT,
    **{column: "General" for column in TEXT_COLUMNS},
}


def history_sheet(rows: pd.DataFrame, settings: Settings) -> SheetSpec:
    """History's rows (HISTORY_COLUMNS, in the contract's words) as a sheet in the workbook's
    language. One format per column, and a title and widths that never depend on the rows: the
    sheet above its rows stays the same, so a refresh can append, and its rows can be written
    without a format per cell (adapters.historypart)."""
    language = settings.language
    columns = [
        ColumnSpec(
            i18n.column_word(name, language),
            HISTORY_FORMATS.get(name, AMOUNT),
            NAME_WIDTH
            if name == "Name"
            else max(LEAST_WIDTH, display_width(i18n.column_word(name, language)) + 3),
        )
        for name in HISTORY_COLUMNS
    ]
    return SheetSpec(
        name=i18n.sheet_name(HISTORY_SHEET, language),
        title=i18n.text("history_title", language),
        columns=columns,
        rows=plain_rows(worded(rows, language)),
        table=False,
    )


def sample_row() -> pd.DataFrame:
    """A History row with a value in every column: rendered once, it tells the style of each."""
    values = {
        column: dt.date(2000, 1, 1) if column in DATE_COLUMNS else ("x" if column in TEXT_COLUMNS else 0.0)
        for column in HISTORY_COLUMNS
    }
    return pd.DataFrame([values]).astype({"Days Left": "int64"})


def history_from_cells(cells: pd.DataFrame, language: str) -> tuple[pd.DataFrame, list[int]]:
    """History's rows read back from its cells as text (title in the first row, headers in the
    second), in the contract's words; and the sheet row numbers of rows that could not be read
    (no date under As Of), which are left out."""
    headers = {i18n.column_word(c, lang): c for c in HISTORY_COLUMNS for lang in ("en", "zh")}
    if len(cells) < 2:
        return pd.DataFrame(columns=HISTORY_COLUMNS), []
    named = [headers.get(str(h).strip()) for h in cells.iloc[1]]
    body = cells.iloc[2:].copy()
    body.columns = [name or f"_{i}" for i, name in enumerate(named)]
    body = body[[c for c in body.columns if not c.startswith("_")]]
    for column in HISTORY_COLUMNS:
        if column not in body:
            body[column] = None
    body = body[HISTORY_COLUMNS].reset_index(drop=True)
    sheet_rows = [3 + i for i in range(len(body))]
    frame = pd.DataFrame(index=body.index)
    for column in HISTORY_COLUMNS:
        values = body[column]
        if column in DATE_COLUMNS:
            frame[column] = parse_dates(values.astype("string"), "YMD").values.dt.date
        elif column in TEXT_COLUMNS:
            frame[column] = values.map(lambda v: None if v is None or not str(v).strip() else str(v).strip())
        else:
            frame[column] = parse_numbers(values.astype("string")).values.astype(float)
    frame = _in_contract_words(frame, language)
    unreadable = frame[AS_OF].isna()
    rows = [row for row, bad in zip(sheet_rows, unreadable, strict=True) if bad]
    kept = frame[~unreadable].reset_index(drop=True)
    kept["Days Left"] = kept["Days Left"].fillna(0).astype("int64")
    return kept, rows


def _in_contract_words(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Chinese levels, metrics, statuses and methods back to the contract's words."""
    back = {column: i18n.FROM_CHINESE[column] for column in ("Metric", "Status", "Forecast Method")}
    levels = i18n.FROM_CHINESE["Level"]
    frame = frame.assign(
        **{column: frame[column].map(lambda v, m=mapping: m.get(v, v)) for column, mapping in back.items()},
        Level=frame["Level"].map(
            lambda v: v if v is None else "/".join(levels.get(part, part) for part in v.split("/"))
        ),
    )
    company = frame["Level"].isin(["Company", "Company rollup"]) & (frame["Name"] == i18n.text("All", "zh"))
    frame.loc[company, "Name"] = "All"
    for column in RATIO_COLUMNS:
        frame[column] = frame[column].astype(float)
    return frame


@dataclass
class HistoryUpdate:
    """What a refresh adds to History: its snapshot, and the sheet that holds it (a file writer
    renders the sheet with `sample_row` and writes the rows itself)."""

    snapshot: pd.DataFrame
    settings: Settings
    spec: SheetSpec = field(init=False)

    def __post_init__(self) -> None:
        self.spec = history_sheet(self.snapshot, self.settings)

    def worded(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Rows as the sheet shows them, in the workbook's language."""
        return worded(rows, self.settings.language)

    @property
    def as_of(self) -> str:
        return str(self.snapshot[AS_OF].iloc[0]) if len(self.snapshot) else ""

    def merged(self, old: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
        """History rewritten whole: the rows of every other as-of date kept (thinned once they
        would outgrow a sheet), this refresh's last; and each date's row count, in order."""
        others = old[old[AS_OF].astype(str) != self.as_of]
        rows = pd.concat([others, self.snapshot], ignore_index=True)
        dates = rows[AS_OF].astype(str)
        counts = dates.value_counts(sort=False)
        kept = {str(day) for day in kept_dates(counts)}
        rows = rows[dates.isin(kept)].reset_index(drop=True)
        order = list(dict.fromkeys(rows[AS_OF].astype(str)))
        sizes = rows[AS_OF].astype(str).value_counts()
        return rows, [(day, int(sizes[day])) for day in order]

    def sheet(self, rows: pd.DataFrame) -> SheetSpec:
        """History holding `rows`, under this refresh's sheet name."""
        spec = history_sheet(rows, self.settings)
        spec.name, spec.former_names = self.spec.name, self.spec.former_names
        return spec
