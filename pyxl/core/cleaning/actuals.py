"""The Actuals sheet (实际): dates, amounts, units, Order IDs, dimensions and split credit."""

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
from pyxl.core.matching import line_codes
from pyxl.core.settings import Settings

SPLIT_TOLERANCE = 0.001  # how far from 100% the shares of a split line may add up


def clean_actuals(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """Sales rows with a date and an amount, typed, each with its credited share and line code."""
    frame = table.frame
    dates = read_dates(table, "date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    amount = read_numbers(table, "amount", issues, (ERROR, "amount_unreadable", "row_skipped"))
    missing_date = dates.values.isna() & ~dates.bad
    missing_amount = amount.values.isna() & ~amount.bad
    table.report(issues, ERROR, missing_date, "date", "date_missing", "row_skipped", values="")
    table.report(
        issues, ERROR, missing_amount & ~missing_date, "amount", "amount_missing", "row_skipped", values=""
    )

    clean = pd.DataFrame({"row": frame["row"], "date": dates.values, "amount": amount.values})
    if "units" in frame:
        units = read_numbers(table, "units", issues, (WARNING, "units_unreadable", "treated_blank"))
        clean["units"] = units.values
    else:
        clean["units"] = np.nan
    clean["order_id"] = text_column(frame, "order_id")
    for dimension in schema.DIMENSIONS:
        clean[dimension] = text_column(frame, dimension)
    clean["share"] = _shares(table, issues) if "allocated" in frame else 1.0
    keep = clean["date"].notna() & clean["amount"].notna()
    clean = clean[keep].reset_index(drop=True)
    clean["line"] = line_codes(clean)
    _check_splits(table, clean, issues)
    return clean


def _shares(table: Table, issues: Issues) -> pd.Series:
    """Allocated %: 50%, 50 and 0.5 all mean one half; blank means the whole line."""
    parsed = read_numbers(table, "allocated", issues, (WARNING, "share_unreadable", "treated_whole"))
    share = parsed.values.where(parsed.values <= 1, parsed.values / 100)
    outside = share.notna() & ((share <= 0) | (share > 1))
    table.report(issues, WARNING, outside, "allocated", "share_outside", "treated_whole")
    return share.mask(outside).fillna(1.0)


def _check_splits(table: Table, actuals: pd.DataFrame, issues: Issues) -> None:
    """Warn where the shares of one split line do not add up to 100%."""
    codes = line_codes(actuals)
    split = codes >= 0
    if not split.any():
        return
    total = pd.Series(actuals["share"].to_numpy()[split]).groupby(codes[split]).transform("sum")
    off = pd.Series(False, index=actuals.index)
    off[split] = (total - 1).abs().to_numpy() > SPLIT_TOLERANCE
    if not off.any():
        return
    # Worded only for the rows warned about: a million shared lines must stay cheap.
    shown = pd.Series("", index=actuals.index, dtype=object)
    shown[split] = total.to_numpy()
    shown[off] = shown[off].map(lambda v: f"{v:.0%}")
    shares = actuals["share"].where(off).map(lambda v: f"{v:.0%}", na_action="ignore")
    table.report(
        issues,
        WARNING,
        off,
        "allocated",
        "split_not_whole",
        "warning_only",
        shares,
        detail=shown,
        rows=actuals,
    )
