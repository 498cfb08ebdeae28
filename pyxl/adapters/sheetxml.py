"""Sheet rows as SpreadsheetML, a column at a time.

XlsxWriter spends a few microseconds on every cell: 60,000 cells of a Tracking sheet is a fifth
of a second of every refresh, and a year of History would be minutes. For sheets of plain rows
(one kind of value per column, a style per cell, a height per row) salestrack writes the rows
itself, byte for byte as XlsxWriter writes them in constant-memory mode: numbers as %.16G, dates
as Excel serial numbers, text as inline strings (so nothing typed as "=…" can become a formula),
blanks left out.
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
TEXT_LIMIT = 32767  # UTF-16 units a cell holds


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


def rows_xml(
    columns: Sequence[tuple[pd.Series, Sequence[str] | str]],
    first_row: int,
    heights: Sequence[float | None] | None = None,
) -> str:
    """`<row>` elements for aligned columns of (values, styles), from sheet row `first_row`.
    A style is a cell style's index as text ("" for none), one for the column or one per row;
    `heights` are the rows' heights in points, None for the default."""
    if not columns or columns[0][0].empty:
        return ""
    numbers = [str(row) for row in range(first_row, first_row + len(columns[0][0]))]
    cells = [
        _cells(values.reset_index(drop=True), styles, column_letter(index), numbers)
        for index, (values, styles) in enumerate(columns)
    ]
    openings = [
        f'<row r="{number}"' + ("" if height is None else _height(height)) + ">"
        for number, height in zip(numbers, heights or [None] * len(numbers), strict=True)
    ]
    # Python lists, not pandas string columns: a cell is one f-string, not ten column operations.
    return "".join(["".join(row) + "</row>" for row in zip(openings, *cells, strict=True)])


def _height(points: float) -> str:
    """A row's height attributes as XlsxWriter's set_row writes them (through whole pixels)."""
    return f' ht="{int(points * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1"'


def _cells(values: pd.Series, styles: Sequence[str] | str, letter: str, numbers: list[str]) -> list[str]:
    """One column's cells, '' where blank."""
    if isinstance(styles, str):
        looks = [f' s="{styles}"' if styles else ""] * len(numbers)
    else:
        looks = [f' s="{style}"' if style else "" for style in styles]
    kind = kind_of(values)
    if kind == TEXT:
        texts = values.astype("string").str.replace(CONTROL_CHARACTERS, "", regex=True)
        strings, present = texts.to_numpy(object, na_value=""), texts.notna().tolist()
        return [
            _text_cell(f'<c r="{letter}{number}"{look}', text) if shown else ""
            for number, look, text, shown in zip(numbers, looks, strings, present, strict=True)
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
    """The `<t>` element of an inline string (its control characters already gone), cut to what
    a cell holds, escaped and its edge spaces kept, as XlsxWriter writes it."""
    if len(text) > TEXT_LIMIT // 2:
        text = _cut(text)
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    # Excel reads _x0041_ in a cell's text as "A": the text's own such runs keep their underscore.
    escaped = _ESCAPE_LOOKALIKE.sub(r"_x005F\1", text) if "_x" in text else text
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<t" + preserve + ">" + escaped + "</t>"


def _cut(text: str) -> str:
    """`text` within TEXT_LIMIT, not splitting a character beyond U+FFFF (XlsxWriter cuts so)."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > TEXT_LIMIT:
            return text[:index]
    return text
