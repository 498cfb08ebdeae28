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


def months_back(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Each day moved back by its number of months, to the month's last day where that month is
    shorter (31 March less a month is 28 February; 29 February less a year, 28 February)."""
    days = np.asarray(days, dtype="datetime64[D]")
    month = days.astype("datetime64[M]")
    into = (days - month.astype("datetime64[D]")).astype(np.int64)
    earlier = month - np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    first = earlier.astype("datetime64[D]")
    length = ((earlier + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first + np.minimum(into, length - 1).astype("timedelta64[D]")


def period_months(targets: pd.DataFrame) -> np.ndarray:
    """Each period's length in months (1, 3, 6 or 12; every period starts on a month)."""
    start = targets["start"].to_numpy().astype("datetime64[M]")
    end = targets["end"].to_numpy().astype("datetime64[M]")
    return (end - start).astype(np.int64) + 1


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy().astype("datetime64[D]")


def last_year_windows(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The targets' windows one year earlier: [s − 1 year, min(t, e) − 1 year], 29 February
    taken as 28 February."""
    elapsed_end = np.minimum(_days(targets["end"]), np.datetime64(as_of, "D"))
    return targets.assign(start=months_back(_days(targets["start"]), 12), end=months_back(elapsed_end, 12))


def prior_period_windows(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The preceding period of the same length (the month, quarter, half or year before), elapsed
    to the same day of it (15 May gives 15 February for a quarter), or to its last day when it is
    shorter (30 March gives 28 February); the whole of it once the target's period has ended."""
    start, end, t = _days(targets["start"]), _days(targets["end"]), np.datetime64(as_of, "D")
    months = period_months(targets)
    prior_end = start - 1
    same_day = np.minimum(months_back(np.minimum(end, t), months), prior_end)
    return targets.assign(start=months_back(start, months), end=np.where(end <= t, prior_end, same_day))


def comparisons(targets: pd.DataFrame, sales: Sales, as_of: pd.Timestamp) -> pd.DataFrame:
    """Last Year and Prior Period (the actual over those windows) for target rows carrying
    start, end, metric and the dimension columns, summed in one pass; Growth and Change are
    worked out by `growth_and_change` once rollups have summed them."""
    windows = pd.concat(
        [last_year_windows(targets, as_of), prior_period_windows(targets, as_of)], ignore_index=True
    )
    totals = sales.totals(windows, as_of).reshape(2, len(targets))
    return pd.DataFrame({"last_year": totals[0], "prior_period": totals[1]}, index=targets.index)


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
