"""The History sheet (历史), described as data, and read back: its rows are the contract's
Tracking columns under an As Of date, worded as the Tracking sheet words them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pyxl.core.history import AS_OF, HISTORY_COLUMNS, kept_dates
from pyxl.core.parsing import parse_dates, parse_numbers
from pyxl.core.settings import Settings
from pyxl.core.tracking import RATIO_COLUMNS
from pyxl.views import i18n
from pyxl.views.sheets import HISTORY_SHEET, ColumnSpec, SheetSpec, display_width, figures_sheet

TEXT_COLUMNS = ("Level", "Name", "Period", "Metric", "Status", "Forecast Method")
DATE_COLUMNS = (AS_OF, "Start", "End")
NAME_WIDTH, LEAST_WIDTH = 28, 11


def history_sheet(rows: pd.DataFrame, settings: Settings) -> SheetSpec:
    """History's rows (HISTORY_COLUMNS) as a sheet. Its title and column widths never depend on
    the rows, so the part of the sheet above them stays the same and a refresh can append."""
    language = settings.language
    spec = figures_sheet(
        rows,
        settings,
        i18n.sheet_name(HISTORY_SHEET, language),
        i18n.text("history_title", language),
    )
    spec.table = False
    spec.columns = [
        ColumnSpec(
            column.header,
            column.number_format,
            NAME_WIDTH if name == "Name" else max(LEAST_WIDTH, display_width(column.header) + 3),
        )
        for name, column in zip(HISTORY_COLUMNS, spec.columns, strict=True)
    ]
    return spec


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
    back: dict[str, dict[str, str]] = {
        "Metric": {zh: en for en, zh in i18n.METRIC_WORDS.items()},
        "Status": {zh: en for en, zh in i18n.STATUS_WORDS.items()},
        "Forecast Method": {zh: en for en, zh in i18n.METHOD_WORDS.items()},
    }
    levels = {zh: en for en, zh in i18n.LEVEL_WORDS.items()}
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
    """What a refresh adds to History: its snapshot, and the sheet that holds just that."""

    snapshot: pd.DataFrame
    settings: Settings
    spec: SheetSpec = field(init=False)

    def __post_init__(self) -> None:
        self.spec = history_sheet(self.snapshot, self.settings)

    @property
    def as_of(self) -> str:
        return str(self.snapshot[AS_OF].iloc[0]) if len(self.snapshot) else ""

    def merged(self, old: pd.DataFrame) -> tuple[SheetSpec, list[tuple[str, int]]]:
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
        spec = history_sheet(rows, self.settings)
        spec.name = self.spec.name
        spec.former_names = self.spec.former_names
        return spec, [(day, int(sizes[day])) for day in order]
