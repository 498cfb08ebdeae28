"""Where each target stands against the past and what could still come in: the same measure a
year earlier (同比) and over the preceding period (环比), and the open pipeline weighted by its
probability that closes in what is left of the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.core.figures import safe_divide
from pyxl.core.matching import Sales
from pyxl.core.schema import DIMENSIONS, normalise_column

COMPARISON_COLUMNS = ["Weighted Pipeline", "Last Year", "Growth", "Prior Period", "Change"]
# The dimensions a Pipeline row can be matched on: its Rep, and the Team and Region the Team
# sheet gives the rep.
PIPELINE_DIMENSIONS = ("rep", "team", "region")


def last_year_windows(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The targets' windows one year earlier: [s − 1 year, min(t, e) − 1 year], 29 February
    taken as 28 February."""
    year = pd.DateOffset(years=1)
    start = pd.to_datetime(targets["start"])
    end = pd.to_datetime(targets["end"])
    elapsed_end = end.where(end <= as_of, as_of)
    return targets.assign(start=start - year, end=elapsed_end - year)


def prior_period_windows(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The preceding period of the same length (the month, quarter, half or year before), elapsed
    to the same day of it (15 May gives 15 February for a quarter), or to its last day when it is
    shorter (30 March gives 28 February); the whole of it once the target's period has ended."""
    start, end = pd.to_datetime(targets["start"]), pd.to_datetime(targets["end"])
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month + 1
    shifted = [
        (s - pd.DateOffset(months=int(n)), min(e, as_of) - pd.DateOffset(months=int(n)))
        for s, e, n in zip(start, end, months, strict=True)
    ]
    prior_start = pd.Series([first for first, _ in shifted], index=targets.index, dtype="datetime64[ns]")
    same_day = pd.Series([last for _, last in shifted], index=targets.index, dtype="datetime64[ns]")
    prior_end = start - pd.Timedelta(days=1)
    return targets.assign(
        start=prior_start, end=prior_end.where(end <= as_of, same_day.clip(upper=prior_end))
    )


def comparisons(targets: pd.DataFrame, sales: Sales, as_of: pd.Timestamp) -> pd.DataFrame:
    """Last Year and Prior Period (the actual over those windows) for target rows carrying
    start, end, metric, actual and the dimension columns; Growth and Change are worked out by
    `growth_and_change` once rollups have summed them."""
    return pd.DataFrame(
        {
            "last_year": sales.totals(last_year_windows(targets, as_of), as_of),
            "prior_period": sales.totals(prior_period_windows(targets, as_of), as_of),
        },
        index=targets.index,
    )


def growth_and_change(actual: np.ndarray, last_year: np.ndarray, prior: np.ndarray) -> pd.DataFrame:
    """Growth = A ÷ Last Year − 1 and Change = A ÷ Prior Period − 1; blank where the earlier
    figure is 0 or less (a ratio to nothing, or to returns, says nothing)."""
    last_year, prior = np.asarray(last_year, float), np.asarray(prior, float)
    return pd.DataFrame(
        {
            "Growth": safe_divide(actual, np.where(last_year > 0, last_year, np.nan)) - 1,
            "Change": safe_divide(actual, np.where(prior > 0, prior, np.nan)) - 1,
        }
    )


def weighted_pipeline(
    targets: pd.DataFrame, pipeline: pd.DataFrame | None, as_of: pd.Timestamp
) -> np.ndarray:
    """Σ Amount × Probability (a blank probability counts 0, as on the KPIs sheet) over open
    Pipeline rows closing in [t + 1, e] that match the target's Rep, Team and Region, for
    Revenue targets naming no other dimension; blank (NaN) for the rest, and for every target
    without a Pipeline sheet."""
    result = np.full(len(targets), np.nan)
    if pipeline is None:
        return result
    other = [d for d in DIMENSIONS if d not in PIPELINE_DIMENSIONS]
    usable = (targets["metric"] == "Revenue").to_numpy() & ~targets[other].notna().any(axis=1).to_numpy()
    result[usable] = 0.0
    deals = pipeline[pipeline["status"] == "open"]
    if deals.empty or not usable.any():
        return result
    deals = pd.DataFrame(
        {
            "weighted": (deals["amount"] * deals["probability"].fillna(0.0)).to_numpy(float),
            "close": deals["close_date"].to_numpy().astype("datetime64[D]"),
            **{d: normalise_column(deals[d]) for d in PIPELINE_DIMENSIONS if d in deals},
        }
    )
    wanted = targets[usable]
    windows = pd.DataFrame(
        {
            "tid": np.flatnonzero(usable),
            "end": wanted["end"].to_numpy().astype("datetime64[D]"),
            **{d: normalise_column(wanted[d]).to_numpy() for d in PIPELINE_DIMENSIONS},
        }
    )
    day_after = np.datetime64(as_of, "D") + 1
    named = windows[list(PIPELINE_DIMENSIONS)].notna()
    # Targets that name the same dimensions are matched to the deals at once, on those dimensions.
    for pattern, level in windows.groupby([named[d] for d in PIPELINE_DIMENSIONS], sort=False):
        keys = [d for d, used in zip(PIPELINE_DIMENSIONS, pattern, strict=True) if used]
        if any(key not in deals for key in keys):
            continue
        joined = (
            level[["tid", "end", *keys]].merge(deals[["weighted", "close", *keys]], on=keys, how="inner")
            if keys
            else level[["tid", "end"]].merge(deals[["weighted", "close"]], how="cross")
        )
        inside = joined[(joined["close"] >= day_after) & (joined["close"] <= joined["end"])]
        sums = inside.groupby("tid")["weighted"].sum()
        result[sums.index.to_numpy()] = sums.to_numpy()
    return result
