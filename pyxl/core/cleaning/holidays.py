"""The Holidays sheet (节假日): days off, and make-up working days (调休)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    read_dates,
    text_column,
)
from pyxl.core.issues import WARNING, Issues
from pyxl.core.settings import Settings

HOLIDAY_TYPES = {
    **{name: "holiday" for name in ("holiday", "节假日", "假", "休", "假日", "休息")},
    **{name: "workday" for name in ("workday", "working day", "工作日", "补班", "班", "上班")},
}


def days_off(
    table: Table | None, settings: Settings, issues: Issues
) -> tuple[tuple[np.datetime64, ...], tuple[np.datetime64, ...]]:
    """Non-working days, and make-up working days (Type workday) that fall on the weekend."""
    if table is None:
        return (), ()
    dates = read_dates(table, "date", settings, issues, (WARNING, "date_unreadable", "row_skipped"))
    type_text = text_column(table.frame, "type")
    kind = type_text.map(lambda v: HOLIDAY_TYPES.get(schema.normalise(v)) if pd.notna(v) else "holiday")
    unknown = kind.isna() & dates.values.notna()
    table.report(issues, WARNING, unknown, "type", "holiday_type_unknown", "default_used", values=type_text)
    kind = kind.fillna("holiday")
    days = dates.values.to_numpy().astype("datetime64[D]")
    found = dates.values.notna().to_numpy()
    off = np.unique(days[found & (kind == "holiday").to_numpy()])
    worked = days[found & (kind == "workday").to_numpy()]
    # A make-up day on a weekday is a working day already; only weekend ones add to the count.
    weekend = ~np.is_busday(worked, weekmask=settings.weekmask) if len(worked) else np.zeros(0, bool)
    makeup = np.unique(np.setdiff1d(worked[weekend], off))
    return tuple(off), tuple(makeup)
