"""The Seasonality sheet (季节性): a weight for each calendar month."""

from __future__ import annotations

import numpy as np

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    read_numbers,
    text_column,
)
from pyxl.core.issues import WARNING, Issues
from pyxl.core.parsing import is_missing

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


def month_weights(table: Table | None, issues: Issues) -> dict[int, float]:
    """Each calendar month's weight (1 to 12); empty without the sheet."""
    if table is None:
        return {}
    frame = table.frame
    months = text_column(frame, "month").map(_month_number)
    weights = read_numbers(table, "weight", issues, (WARNING, "weight_unreadable", "row_skipped"))
    bad_month = months.isna()
    table.report(issues, WARNING, bad_month, "month", "month_unreadable", "row_skipped")
    negative = weights.values < 0
    table.report(issues, WARNING, negative, "weight", "weight_negative", "row_skipped")
    usable = ~bad_month & weights.values.notna() & ~negative
    result = {int(m): float(w) for m, w in zip(months[usable], weights.values[usable], strict=True)}
    # Months left out of the sheet weigh nothing, which would stall seasonal pacing there.
    if result:
        for month in set(range(1, 13)) - set(result):
            issues.add(
                WARNING, table.sheet, None, table.label("month"), month, "month_absent", "warning_only"
            )
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
