"""The Survey sheet (调查): CSAT and NPS scores."""

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
from pyxl.core.issues import ERROR, INFO, WARNING, Issues
from pyxl.core.settings import Settings

SURVEY_SCALES = {"csat": "CSAT", "满意度": "CSAT", "nps": "NPS", "净推荐值": "NPS"}


def clean_survey(table: Table, settings: Settings, issues: Issues) -> pd.DataFrame:
    """Scores with a date, each on its CSAT or NPS scale (guessed from the score when blank)."""
    frame = table.frame
    dates = read_dates(table, "date", settings, issues, (ERROR, "date_unreadable", "row_skipped"))
    score = read_numbers(table, "score", issues, (ERROR, "score_unreadable", "row_skipped"))
    scale_text = text_column(frame, "scale")
    # Object dtype: a column of only blanks maps to Arrow's null type, which takes no strings.
    scale = scale_text.map(lambda v: SURVEY_SCALES.get(schema.normalise(v)) if pd.notna(v) else None)
    scale = scale.astype(object)
    # Without a Scale, scores above 5 can only be NPS; 1 to 5 are read as CSAT.
    guessed = scale.isna() & score.values.notna()
    scale = scale.where(~guessed, np.where(score.values > 5, "NPS", "CSAT"))
    missing = guessed & scale_text.isna()
    table.report(issues, INFO, missing, "scale", "scale_guessed", "converted", values="", detail=scale)
    unknown = guessed & scale_text.notna()
    table.report(
        issues, WARNING, unknown, "scale", "scale_unknown", "converted", values=scale_text, detail=scale
    )
    limits = np.where(scale == "NPS", 10, 5)
    out_of_range = score.values.notna() & ((score.values < 0) | (score.values > limits))
    table.report(issues, ERROR, out_of_range, "score", "score_out_of_range", "row_skipped")
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "date": dates.values,
            "customer": text_column(frame, "customer"),
            "rep": text_column(frame, "rep"),
            "score": score.values,
            "scale": scale,
        }
    )
    keep = clean["date"].notna() & clean["score"].notna() & ~out_of_range
    return clean[keep].reset_index(drop=True)
