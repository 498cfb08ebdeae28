"""The example rows `salestrack new` writes, and how a workbook's rows are recognised as them.

A manager who fills Targets, Actuals and Team but leaves the other sheets as they came must not
see the template's example spend and survey in the KPIs. An example row is recognised by its
values (dates aside, since `new` writes today's): once edited it is the manager's own. Holidays
(New Year's Day) and Seasonality (equal weights) are not examples: they are true as written.
"""

from __future__ import annotations

import pandas as pd

from pyxl.core.parsing import is_missing
from pyxl.core.schema import normalise

# Per sheet key, each column's example value in English and in Chinese.
EXAMPLES: dict[str, dict[str, tuple[object, object]]] = {
    "targets": {"rep": ("Ann Lee", "李伟"), "metric": ("Revenue", "销售额"), "target": (100000, 100000)},
    "actuals": {
        "amount": (12500, 12500),
        "units": (10, 10),
        "order_id": ("SO-0001", "SO-0001"),
        "rep": ("Ann Lee", "李伟"),
        "team": ("East", "华东"),
        "region": ("East Region", "华东大区"),
        "product": ("Product A", "产品A"),
        "customer": ("Acme Hospital", "瑞金医院"),
    },
    "team": {
        "rep": ("Ann Lee", "李伟"),
        "email": ("ann.lee@example.com", "ann.lee@example.com"),
        "team": ("East", "华东"),
        "region": ("East Region", "华东大区"),
        "manager": ("Maria Park", "周敏"),
        "manager_email": ("maria.park@example.com", "maria.park@example.com"),
    },
    "pipeline": {
        "opportunity": ("OPP-001", "OPP-001"),
        "rep": ("Ann Lee", "李伟"),
        "stage": ("Proposal", "方案"),
        "amount": (50000, 50000),
        "probability": (0.5, 0.5),
        "status": ("Open", "进行中"),
    },
    "costs": {"team": ("East", "华东"), "marketing_spend": (8000, 8000), "sales_spend": (12000, 12000)},
    "survey": {
        "customer": ("Acme Hospital", "瑞金医院"),
        "rep": ("Ann Lee", "李伟"),
        "score": (5, 5),
        "scale": ("CSAT", "CSAT"),
    },
    "products": {"product": ("Product A", "产品A"), "group": ("Cardiology", "心血管")},
    "customers": {"customer": ("Acme Hospital", "瑞金医院"), "group": ("Hospitals", "医院")},
    "actions": {
        "action": ("Call the top hospitals about the Q1 tender", "联系重点医院跟进一季度招标"),
        "owner": ("Maria Park", "周敏"),
        "status": ("Open", "未完成"),
    },
}


def example_value(sheet: str, column: str, language: str) -> object:
    """The example row's value of a column, in the language (None where the row leaves it blank)."""
    values = EXAMPLES.get(sheet, {}).get(column)
    return None if values is None else values[1 if language == "zh" else 0]


def example_rows(sheet: str, frame: pd.DataFrame) -> pd.Series:
    """True for the rows of `frame` (a sheet's cells or clean values under column keys) that are
    its example row as `salestrack new` wrote it, in either language."""
    wanted = EXAMPLES.get(sheet)
    found = pd.Series(False, index=frame.index)
    if not wanted or frame.empty or any(column not in frame for column in wanted):
        return found
    # A million sales rows: only those whose most telling value (the first text one) is the
    # example's, as `new` wrote it, are looked at cell by cell.
    first = next(column for column, values in wanted.items() if isinstance(values[0], str))
    candidates = frame[frame[first].isin(set(wanted[first]))]
    for row, cells in candidates.iterrows():
        found[row] = any(
            all(_same(cells[column], values[language]) for column, values in wanted.items())
            for language in (0, 1)
        )
    return found


def _same(cell: object, value: object) -> bool:
    if is_missing(cell):
        return False
    if isinstance(value, (int, float)):
        try:
            return float(str(cell).replace(",", "")) == float(value)
        except ValueError:
            return False
    return normalise(cell) == normalise(value)
