"""The Pipeline sheet (销售漏斗): open, won and lost deals with amounts, probabilities and dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    read_dates,
    read_numbers,
    text_column,
)
from pyxl.core.issues import ERROR, WARNING, Issues
from pyxl.core.settings import Settings

PIPELINE_STATUSES = {
    "open": "open",
    "进行中": "open",
    "跟进中": "open",
    "打开": "open",
    "won": "won",
    "赢单": "won",
    "已成交": "won",
    "成交": "won",
    "lost": "lost",
    "丢单": "lost",
    "输单": "lost",
    "失败": "lost",
}


def clean_pipeline(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """Deals with an amount, a close date and a known status; probabilities above 1 read as percentages."""
    frame = table.frame
    amount = read_numbers(table, "amount", issues, (ERROR, "amount_unreadable", "row_skipped"))
    close = read_dates(table, "close_date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    created = (
        read_dates(table, "created", settings, issues, (WARNING, "date_unreadable", "treated_blank"))
        if "created" in frame
        else None
    )
    status_text = text_column(frame, "status")
    status = status_text.map(lambda v: PIPELINE_STATUSES.get(schema.normalise(v)) if pd.notna(v) else None)
    bad_status = status.isna() & amount.values.notna() & close.values.notna()
    table.report(
        issues, ERROR, bad_status, "status", "pipeline_status_unknown", "row_skipped", values=status_text
    )
    chance = pd.Series(np.nan, index=frame.index)
    if "probability" in frame:
        probability = read_numbers(
            table, "probability", issues, (WARNING, "probability_unreadable", "treated_blank")
        )
        # A value above 1 is a percentage typed as 60 rather than 0.6 or 60%.
        chance = probability.values.where(probability.values <= 1, probability.values / 100)
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "opportunity": text_column(frame, "opportunity"),
            "rep": text_column(frame, "rep"),
            "stage": text_column(frame, "stage"),
            "amount": amount.values,
            "probability": chance,
            "created": created.values if created is not None else pd.NaT,
            "close_date": close.values,
            "status": status,
            "source": text_column(frame, "source"),
        }
    )
    keep = clean["amount"].notna() & clean["close_date"].notna() & clean["status"].notna()
    return clean[keep].reset_index(drop=True)
