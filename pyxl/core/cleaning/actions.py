"""The Actions sheet (行动): what was agreed in the sales meeting, who owns it, when it is due,
and whether it is done."""

from __future__ import annotations

import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import Table, read_dates, text_column
from pyxl.core.issues import WARNING, Issues
from pyxl.core.settings import Settings

OPEN, DONE = "Open", "Done"
ACTION_STATUSES = {
    **{word: OPEN for word in ("open", "未完成", "进行中", "待办", "todo", "to do", "in progress")},
    **{word: DONE for word in ("done", "已完成", "完成", "closed", "关闭", "complete", "completed")},
}


def clean_actions(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """Actions with their owner, due date, status (Open where blank) and done date; a row
    without an Action is skipped, an unknown Status is taken as Open, an unreadable date as blank."""
    frame = table.frame
    action = text_column(frame, "action")
    no_action = action.isna()
    table.report(issues, WARNING, no_action, "action", "action_missing", "row_skipped", values="")
    treated_blank = (WARNING, "date_unreadable", "treated_blank")
    dates = {
        key: read_dates(table, key, settings, issues, treated_blank).values if key in frame else pd.NaT
        for key in ("due", "done")
    }
    status_text = text_column(frame, "status")
    status = status_text.map(lambda v: ACTION_STATUSES.get(schema.normalise(v)) if pd.notna(v) else OPEN)
    unknown = status.isna() & ~no_action
    table.report(
        issues, WARNING, unknown, "status", "action_status_unknown", "default_used", values=status_text
    )
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "action": action.astype(object),
            "owner": text_column(frame, "owner").astype(object),
            "due": dates["due"],
            "status": status.fillna(OPEN).astype(object),
            "done": dates["done"],
            "rep": text_column(frame, "rep").astype(object),
            "team": text_column(frame, "team").astype(object),
        }
    )
    return clean[~no_action].reset_index(drop=True)


def overdue(actions: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Open actions whose Due is before the as-of date (逾期)."""
    return (actions["status"] == OPEN) & actions["due"].notna() & (actions["due"] < as_of)
