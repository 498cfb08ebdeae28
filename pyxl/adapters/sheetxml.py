"""Sheet rows as SpreadsheetML, built a column at a time.

XlsxWriter spends a few microseconds on every cell: 60,000 cells of a Tracking sheet is a fifth
of a second of every refresh, and a year of History would be minutes. For sheets of plain rows
(one value per cell, a style per cell, no row heights) salestrack writes the rows itself, the way
XlsxWriter writes them in constant-memory mode: numbers as %.16G, dates as Excel serial numbers,
text as inline strings (so nothing typed as "=…" can become a formula), blanks left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import numpy as np
import pandas as pd

from pyxl.core.parsing import CONTROL_CHARACTERS
from pyxl.core.schema import column_letter

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TEXT, NUMBER, DATE = "text", "number", "date"


KINDS = {
    "string": TEXT,
    "floating": NUMBER,
    "integer": NUMBER,
    "mixed-integer-float": NUMBER,
    "decimal": NUMBER,
    "empty": NUMBER,
    "date": DATE,
    "datetime": DATE,
    "datetime64": DATE,
}


def kind_of(values: pd.Series) -> str | None:
    """What a column holds, if one kind only: text, numbers or dates; None when mixed."""
    return KINDS.get(pd.api.types.infer_dtype(values, skipna=True))


def rows_xml(columns: Sequence[tuple[pd.Series, pd.Series | str]], first_row: int) -> str:
    """`<row>` elements for aligned columns of (values, styles), from sheet row `first_row`.
    A style is a cell style's index as text ("" for none), one for the column or one per row."""
    if not columns or columns[0][0].empty:
        return ""
    rows = len(columns[0][0])
    numbers = pd.Series(np.arange(first_row, first_row + rows).astype(str))
    cells = [
        _cells(values.reset_index(drop=True), styles, column_letter(index), numbers)
        for index, (values, styles) in enumerate(columns)
    ]
    joined = reduce(lambda left, right: left + right, cells)
    return "".join('<row r="' + numbers + '">' + joined + "</row>")


def _cells(values: pd.Series, styles: pd.Series | str, letter: str, numbers: pd.Series) -> pd.Series:
    """One column's cells, '' where blank."""
    if isinstance(styles, str):
        opening = f'<c r="{letter}' + numbers + ('"' + f' s="{styles}"' if styles else '"')
    else:
        opening = (
            f'<c r="{letter}'
            + numbers
            + '"'
            + styles.reset_index(drop=True).map(lambda s: f' s="{s}"' if s else "")
        )
    kind = kind_of(values)
    if kind == TEXT:
        text = values.astype("string").str.replace(CONTROL_CHARACTERS, "", regex=True)
        text = text.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")
        spaced = text.str.match(r"^\s|.*\s$").fillna(False)
        preserve = spaced.map({True: ' xml:space="preserve"', False: ""})
        shown = opening + ' t="inlineStr"><is><t' + preserve + ">" + text + "</t></is></c>"
        present = text.notna() & (text != "")
    else:
        if kind == DATE:
            serial = (pd.to_datetime(values) - EXCEL_EPOCH).dt.days.to_numpy(dtype=float, na_value=np.nan)
        else:
            serial = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        present = pd.Series(np.isfinite(serial))
        written = pd.Series(np.char.mod("%.16G", np.where(np.isfinite(serial), serial, 0.0)))
        shown = opening + "><v>" + written + "</v></c>"
    return shown.where(present, "").astype(object).fillna("")
