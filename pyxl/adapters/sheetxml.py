"""Sheet rows as SpreadsheetML, built a column at a time.

XlsxWriter spends a few microseconds on every cell: 60,000 cells of a Tracking sheet is a fifth
of a second of every refresh, and a year of History would be minutes. For sheets of plain rows
(one value per cell, a style per cell, no row heights) salestrack writes the rows itself, the way
XlsxWriter writes them in constant-memory mode: numbers as %.16G, dates as Excel serial numbers,
text as inline strings (so nothing typed as "=…" can become a formula), blanks left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pyxl.core.parsing import CONTROL_CHARACTERS
from pyxl.core.schema import column_letter

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TEXT, NUMBER, DATE = "text", "number", "date"
# XlsxWriter's test for text that needs xml:space="preserve" (utility._preserve_whitespace).
_EDGE_SPACE = re.compile(r"^\s|\s$")
_ESCAPE_LOOKALIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # as XlsxWriter finds them


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
    numbers = [str(row) for row in range(first_row, first_row + len(columns[0][0]))]
    cells = [
        _cells(values.reset_index(drop=True), styles, column_letter(index), numbers)
        for index, (values, styles) in enumerate(columns)
    ]
    # Python lists, not pandas string columns: a cell is one f-string, not ten column operations.
    return "".join(
        [
            '<row r="' + row[0] + '">' + "".join(row[1:]) + "</row>"
            for row in zip(numbers, *cells, strict=True)
        ]
    )


def _cells(values: pd.Series, styles: pd.Series | str, letter: str, numbers: list[str]) -> list[str]:
    """One column's cells, '' where blank."""
    if isinstance(styles, str):
        looks = [f' s="{styles}"' if styles else ""] * len(numbers)
    else:
        looks = [f' s="{style}"' if style else "" for style in styles]
    kind = kind_of(values)
    if kind == TEXT:
        texts = values.astype("string").str.replace(CONTROL_CHARACTERS, "", regex=True)
        return [
            _text_cell(f'<c r="{letter}{number}"{look}', text) if text else ""
            for number, look, text in zip(numbers, looks, texts.to_numpy(object, na_value=""), strict=True)
        ]
    if kind == DATE:
        serial = (pd.to_datetime(values) - EXCEL_EPOCH).dt.days.to_numpy(dtype=float, na_value=np.nan)
    else:
        serial = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(serial).tolist()
    return [
        f'<c r="{letter}{number}"{look}><v>{value:.16G}</v></c>' if shown else ""
        for number, look, value, shown in zip(numbers, looks, serial.tolist(), finite, strict=True)
    ]


def _text_cell(opening: str, text: str) -> str:
    """An inline string cell."""
    return opening + ' t="inlineStr"><is>' + text_element(text) + "</is></c>"


def text_element(text: str) -> str:
    """The `<t>` element of an inline string (its control characters already gone), escaped and
    its edge spaces kept, as XlsxWriter writes it."""
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    # Excel reads _x0041_ in a cell's text as "A": the text's own such runs keep their underscore.
    escaped = _ESCAPE_LOOKALIKE.sub(r"_x005F\1", text) if "_x" in text else text
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<t" + preserve + ">" + escaped + "</t>"
