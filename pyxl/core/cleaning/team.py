"""The Team sheet (团队成员): reps, their teams, regions, managers, email addresses and dates."""

from __future__ import annotations

import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    report,
    text_column,
)
from pyxl.core.issues import WARNING, Issues
from pyxl.core.parsing import parse_dates
from pyxl.core.settings import Settings

ONE_ADDRESS = r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+"


def clean_team(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """One row per rep, with one email address per cell and readable start and end dates."""
    frame = table.frame
    clean = pd.DataFrame({"row": frame["row"]})
    for key in ("rep", "email", "team", "region", "manager", "manager_email"):
        clean[key] = text_column(frame, key)
    for key in ("email", "manager_email"):
        # One address per cell: a list would send one person's figures to several.
        not_one = clean[key].notna() & ~clean[key].str.fullmatch(ONE_ADDRESS).fillna(False).astype(bool)
        table.report(issues, WARNING, not_one, key, "email_not_one_address", "treated_blank", rows=clean)
        clean[key] = clean[key].mask(not_one)
    for key in ("start_date", "end_date"):
        if key in frame:
            parsed = parse_dates(frame[key], settings.date_order)
            if key == "end_date" and parsed.late is not None and parsed.outside is not None:
                # 9999-12-31 is how many HR systems write "still employed": blank, not a problem.
                parsed.bad &= ~parsed.late
                parsed.outside &= ~parsed.late
            report(issues, table, key, parsed, (WARNING, "date_unreadable", "treated_blank"))
            clean[key] = parsed.values
        else:
            clean[key] = pd.NaT
    no_rep = clean["rep"].isna()
    table.report(issues, WARNING, no_rep, "rep", "rep_missing", "row_skipped", values="", rows=clean)
    clean = clean[~no_rep]
    repeated = clean["rep"].map(schema.normalise).duplicated()
    table.report(issues, WARNING, repeated, "rep", "rep_duplicate", "row_skipped", rows=clean)
    return clean[~repeated].reset_index(drop=True)
