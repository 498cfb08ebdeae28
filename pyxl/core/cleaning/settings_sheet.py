"""The Settings sheet (设置): its Setting and Value pairs, with or without headers."""

from __future__ import annotations

from pyxl.core import schema
from pyxl.core.cleaning.cells import RawSheet


def settings_pairs(raw: RawSheet) -> list[tuple[object, object, int]]:
    """(setting, value, row) for each row: under its headers, or the first two columns without them."""
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
