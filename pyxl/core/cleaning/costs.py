"""The Costs sheet (成本): marketing and sales spend per period, team and region."""

from __future__ import annotations

import pandas as pd

from pyxl.core.cleaning.cells import (
    Table,
    periods,
    read_numbers,
    text_column,
)
from pyxl.core.issues import WARNING, Issues
from pyxl.core.settings import Settings


def clean_costs(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """Spend per period, team and region; rows with an unreadable Period are skipped."""
    frame = table.frame
    clean = pd.DataFrame(
        {"row": frame["row"], "team": text_column(frame, "team"), "region": text_column(frame, "region")}
    )
    spans = periods(table, settings, issues)
    bad = spans["period"].isna()
    clean[["period", "start", "end"]] = spans
    spend = pd.Series(0.0, index=frame.index)
    for key in ("marketing_spend", "sales_spend"):
        if key in frame:
            parsed_spend = read_numbers(table, key, issues, (WARNING, "spend_unreadable", "treated_blank"))
            spend = spend + parsed_spend.values.fillna(0.0)
    clean["spend"] = spend
    return clean[~bad].reset_index(drop=True)
