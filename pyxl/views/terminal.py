"""Tables for people in a terminal, and for tools as CSV and JSON: what `salestrack` prints."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from pyxl.core.backtest import ACCURACY_RATIOS
from pyxl.core.errors import BadArgument
from pyxl.core.parsing import FORMULA_STARTS, is_missing
from pyxl.core.periods import parse_period
from pyxl.core.schema import normalise
from pyxl.core.tracking import RATIO_COLUMNS
from pyxl.views import i18n
from pyxl.views.formatting import number_text, percent_text
from pyxl.views.sheets import display_width, plain, without_float_noise, worded


@dataclass(frozen=True)
class RowFilter:
    """The rows of a table a user asked for; every value must match some row."""

    periods: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()

    def apply(self, table: pd.DataFrame, language: str) -> pd.DataFrame:
        keep = pd.Series(True, index=table.index)
        for option, column, wanted, fold in (
            ("--period", "Period", self.periods, _period_label),
            ("--rep", "Name", self.names, _name_key),
            ("--level", "Level", self.levels, _level_key),
        ):
            if not wanted:
                continue
            values = table[column].map(lambda v, fold=fold: "" if is_missing(v) else fold(v))
            for value in wanted:
                if not (values == fold(value)).any():
                    shown = worded(table, language)[column].dropna()
                    choices = ", ".join(dict.fromkeys(str(v) for v in shown).keys())
                    error = BadArgument(
                        "filter_no_match", option=option, value=value, choices=_short(choices)
                    )
                    error.language = language
                    raise error
            keep &= values.isin({fold(value) for value in wanted})
        return table[keep]


def _level_key(value: object) -> str:
    """Rep/Product, rep/product and 销售代表/产品 are one level."""
    english = i18n.FROM_CHINESE["Level"]
    return "/".join(english.get(part.strip(), part.strip()).casefold() for part in str(value).split("/"))


def _name_key(value: object) -> str:
    """Names as they match (case and spaces aside); 全部 is the company's All."""
    folded = normalise(value)
    return "all" if folded == i18n.text("All", "zh") else folded


def _period_label(value: object) -> str:
    """2025-q2, 2025Q2 and 2025-Q2 are one period."""
    try:
        return parse_period(value).label
    except ValueError:
        return str(value).strip().casefold()


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain objects: ISO dates, fractions, None for blanks."""

    def iso(value: object) -> object:
        return value.isoformat()[:10] if isinstance(value, (dt.date, pd.Timestamp)) else plain(value)

    return [{str(key): iso(value) for key, value in row.items()} for row in table.to_dict("records")]


PERCENT_COLUMNS = (*RATIO_COLUMNS, *ACCURACY_RATIOS, "Win Rate", "Coverage", "CSAT", "Conversion")
PLAIN_RATIO_COLUMNS = ("Growth Factor", "LTV:CAC", "NPS")


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Text fields that a spreadsheet would run as a formula get a leading ' (numbers stay numbers)."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v
            )
    return safe


def aligned(table: pd.DataFrame) -> str:
    """Columns padded by display width, so Chinese names (two columns each) line up."""
    cells = [[str(c) for c in table.columns]] + [
        ["" if is_missing(v) else str(v) for v in row] for row in table.itertuples(index=False)
    ]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(table.columns))]
    lines = [
        " ".join(" " * (width - display_width(text)) + text for text, width in zip(row, widths, strict=True))
        for row in cells
    ]
    return "\n".join(lines) + "\n"


# What a manager reads first when the terminal cannot show every column.
COLUMN_PRIORITY = (
    "Level",
    "Name",
    "Period",
    "Metric",
    "Target",
    "Actual",
    "Attainment",
    "Status",
    "Pace",
    "Forecast",
    "Gap",
    "Required per Day",
    "Revenue",
    "Customers",
    "New Customers",
    "CAC",
    "CLTV",
    "Win Rate",
    "Coverage",
    "CSAT",
    "NPS",
)


def fit_to_width(shown: pd.DataFrame, width: int) -> tuple[pd.DataFrame, list[str]]:
    """The columns that fit in `width` characters, most read first, in the table's own order;
    and the names of those left out."""
    cells = shown.astype(object).where(shown.notna(), "")
    widths = {
        column: max([display_width(str(column)), *(display_width(str(v)) for v in cells[column])])
        for column in shown.columns
    }
    rank = {column: COLUMN_PRIORITY.index(column) for column in shown.columns if column in COLUMN_PRIORITY}
    kept: set[str] = set()
    used = -1  # no space before the first column
    for column in sorted(shown.columns, key=lambda c: rank.get(c, len(COLUMN_PRIORITY))):
        if used + 1 + widths[column] <= width or not kept:
            kept.add(column)
            used += 1 + widths[column]
    return shown[[c for c in shown.columns if c in kept]], [c for c in shown.columns if c not in kept]


def render_table(
    table: pd.DataFrame, output_format: str, language: str = "en", width: int | None = None
) -> str:
    """A table as csv, json (ratios as fractions, blanks as null) or aligned text for people,
    cut to the columns that fit in `width` characters when given."""
    if output_format == "csv":
        exact = without_float_noise(table)
        return csv_safe(exact).to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    if output_format == "json":
        records = table_records(without_float_noise(table))
        return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    # Words for people, as on the Tracking sheet; CSV and JSON keep the contract's.
    shown = worded(table, language).copy()
    for column in shown.columns:
        if column in PERCENT_COLUMNS:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else percent_text(v, 1))
        elif column in PLAIN_RATIO_COLUMNS:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else number_text(v, 2))
        elif pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else number_text(v))
    shown = shown.rename(columns=lambda column: i18n.column_word(column, language))
    if width is None:
        return aligned(shown)
    shown, left_out = fit_to_width(shown, width)
    if not left_out:
        return aligned(shown)
    return aligned(shown) + i18n.text("columns_left_out", language, columns=", ".join(left_out)) + "\n"
