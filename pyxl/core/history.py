"""History (历史): every refresh's tracking rows kept under their as-of date, so the meeting can
say what moved. A refresh replaces its own date's rows and keeps every other date's; before
History would outgrow a sheet, older snapshots thin out rather than the refresh failing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pyxl.core.tracking import TRACKING_COLUMNS, Tracking

AS_OF = "As Of"
HISTORY_COLUMNS = [AS_OF, *TRACKING_COLUMNS]
# Rows History keeps before older snapshots thin out: below Excel's 1,048,574 under the title
# and headers, so that the sheet's XML (about 1 KB a row) stays well under the 1 GB a part may
# inflate to before salestrack refuses a workbook as a zip bomb (adapters.xlsxguard).
HISTORY_LIMIT = 750_000
RECENT_DAYS = 92  # snapshots this recent are all kept; older ones thin to week-ends, …
WEEKLY_DAYS = 366  # … and older than a year, to month-ends


def snapshot(tracking: Tracking) -> pd.DataFrame:
    """This refresh's History rows: the tracking table under its as-of date."""
    return tracking.table.assign(**{AS_OF: tracking.as_of})[HISTORY_COLUMNS]


def kept_dates(rows_by_date: pd.Series, limit: int = HISTORY_LIMIT) -> list[dt.date]:
    """The as-of dates (index: date, value: rows) History keeps, oldest first: all of them while
    they fit under `limit` rows; else those older than RECENT_DAYS before the newest thin to
    Sundays and month-ends, those older than WEEKLY_DAYS to month-ends, and if that is still too
    many, the oldest month-ends go."""
    dates = sorted(rows_by_date.index)
    if not dates or rows_by_date.sum() <= limit:
        return dates
    newest = pd.Timestamp(dates[-1])

    def wanted(day: dt.date) -> bool:
        stamp = pd.Timestamp(day)
        age = (newest - stamp).days
        month_end = stamp.is_month_end
        return age <= RECENT_DAYS or month_end or (age <= WEEKLY_DAYS and stamp.day_of_week == 6)

    kept = [day for day in dates if wanted(day)]
    while len(kept) > 1 and int(rows_by_date[kept].sum()) > limit:
        kept.pop(0)
    return kept
