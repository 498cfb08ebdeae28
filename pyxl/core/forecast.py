"""Where each target will land, with a range measured on the workbook's own history.

The forecast is the run-rate (A ÷ f, the contract's). Its 80% range comes from how the run-rate
fared on the same target's past periods: at the same point of each of the last periods of the
same kind (the same day of the previous months, quarters, …), the run-rate then is compared with
what that period finally sold. The split-conformal order statistics of final ÷ run-rate (with a
dozen periods, the smallest and the largest), times today's run-rate, are the range. A target
with too few such periods of its own borrows those of every target of the same metric and period
length; with none at all, the range is blank. Only sales up to the as-of date are ever read:
every past period ended before it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.core import pacing
from pyxl.core.comparisons import months_back, period_months
from pyxl.core.matching import Sales

RUN_RATE = "run-rate"
PERIODS_BACK = 12  # past periods of the same kind a target's range is measured on
OWN_PERIODS = 6  # fewer of its own, and a target borrows its peers' (same metric and length)
LOW_QUANTILE, HIGH_QUANTILE = 0.1, 0.9  # an 80% range
HISTORY_COLUMNS = [f"{kind}_{k}" for k in range(1, PERIODS_BACK + 1) for kind in ("partial", "final")]


def _past(start: np.ndarray, months: np.ndarray, as_of: np.datetime64, k: int) -> tuple[np.ndarray, ...]:
    """The period k periods back of each row's (its first day, the day as far into it as the
    as-of day is into this one, its last day), as days."""
    begins = months_back(start, k * months)
    cut = months_back(np.full(len(start), as_of), k * months)
    return begins, cut, months_back(start, (k - 1) * months) - 1


def history(targets: pd.DataFrame, sales: Sales, as_of: pd.Timestamp) -> pd.DataFrame:
    """For the targets running on `as_of`: what each of their last PERIODS_BACK periods of the
    same kind had sold by the same point (partial_k) and in all (final_k); NaN for a period that
    began before the first sale, or for a target not running. Summable, so rollups add their
    members' histories as they add their actuals."""
    result = pd.DataFrame(np.nan, index=targets.index, columns=HISTORY_COLUMNS)
    t = np.datetime64(as_of, "D")
    start, end = (targets[c].to_numpy().astype("datetime64[D]") for c in ("start", "end"))
    running = (start <= t) & (end > t)
    first_sale = sales.first_day()
    if not running.any() or first_sale is None:
        return result
    rows = targets[running]
    months = period_months(rows)
    past = [_past(start[running], months, t, k) for k in range(1, PERIODS_BACK + 1)]
    frames = [rows.assign(start=begins, end=cut) for begins, cut, _ in past]
    frames += [rows.assign(start=begins, end=last) for begins, _, last in past]
    totals = sales.totals(pd.concat(frames, ignore_index=True), as_of).reshape(2 * PERIODS_BACK, len(rows))
    known_from = np.datetime64(pd.Timestamp(first_sale), "D")
    for k, (begins, _, _) in enumerate(past, start=1):
        known = begins >= known_from
        result.loc[running, f"partial_{k}"] = np.where(known, totals[k - 1], np.nan)
        result.loc[running, f"final_{k}"] = np.where(known, totals[PERIODS_BACK + k - 1], np.nan)
    return result


def ranges(
    rows: pd.DataFrame, forecast: np.ndarray, as_of: pd.Timestamp, calendar: pacing.Calendar
) -> pd.DataFrame:
    """Forecast Low and High for rows carrying start, end, metric, pacing, actual and the
    HISTORY_COLUMNS; both equal the actual once a period has ended, blank before it starts or
    where no history measures the run-rate. Forecast Method names the method."""
    start, end = pd.to_datetime(rows["start"]), pd.to_datetime(rows["end"])
    ratios = _run_rate_errors(rows, as_of, calendar)
    months = period_months(rows)
    low, high = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    own = np.isfinite(ratios).sum(axis=1) >= OWN_PERIODS
    peers = pd.Series(list(zip(rows["metric"], months, strict=True)), index=rows.index)
    for group in peers[~own].unique() if (~own).any() else []:
        chosen = (peers == group).to_numpy()
        pooled = ratios[chosen][np.isfinite(ratios[chosen])]
        if len(pooled) >= OWN_PERIODS:
            bounds = conformal_bounds(pooled[np.newaxis, :])
            low[chosen & ~own], high[chosen & ~own] = bounds[0][0], bounds[1][0]
    if own.any():
        low[own], high[own] = conformal_bounds(ratios[own])
    forecast = np.asarray(forecast, float)
    low, high = np.minimum(forecast * low, forecast), np.maximum(forecast * high, forecast)
    ended = (end <= as_of).to_numpy()
    actual = rows["actual"].to_numpy(float)
    low, high = np.where(ended, actual, low), np.where(ended, actual, high)
    started = (start <= as_of).to_numpy()
    return pd.DataFrame(
        {
            "Forecast Low": np.where(started, low, np.nan),
            "Forecast High": np.where(started, high, np.nan),
            "Forecast Method": np.array([RUN_RATE if s else None for s in started], dtype=object),
        }
    )


def conformal_bounds(ratios: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per line of `ratios` (NaN where missing), the order statistics that hold a new ratio
    between them with at least 80% chance when it is like the n before it (split conformal):
    the ⌊0.1 (n + 1)⌋-th smallest and the ⌈0.9 (n + 1)⌉-th. With a dozen periods these are the
    smallest and the largest: plain percentiles of so few would hold it far less often."""
    ordered = np.sort(ratios, axis=1)  # NaN sorts last
    n = np.isfinite(ratios).sum(axis=1)
    below = np.clip(np.floor(LOW_QUANTILE * (n + 1)).astype(np.int64) - 1, 0, None)
    above = np.clip(np.ceil(HIGH_QUANTILE * (n + 1)).astype(np.int64) - 1, 0, np.maximum(n - 1, 0))
    rows = np.arange(len(ratios))
    return ordered[rows, below], ordered[rows, above]


def _run_rate_errors(rows: pd.DataFrame, as_of: pd.Timestamp, calendar: pacing.Calendar) -> np.ndarray:
    """final ÷ run-rate for each row (lines) and past period (columns): how far the run-rate at
    the same point of that period was from where it landed; NaN where it cannot say (a row not
    running, or without that history)."""
    ratios = np.full((len(rows), PERIODS_BACK), np.nan)
    measured = rows[HISTORY_COLUMNS].notna().any(axis=1).to_numpy()
    if not measured.any():
        return ratios
    chosen = rows[measured]
    t = np.datetime64(as_of, "D")
    start = chosen["start"].to_numpy().astype("datetime64[D]")
    months = period_months(chosen)
    methods = chosen["pacing"].to_numpy(dtype=object)
    for k in range(1, PERIODS_BACK + 1):
        begins, cut, ends = _past(start, months, t, k)
        fraction = np.full(len(chosen), np.nan)
        # Rows of one length share the day their past period is cut at: one pacing call each.
        for length in np.unique(months):
            same = months == length
            fraction[same] = pacing.elapsed_fraction(
                begins[same], ends[same], cut[same][0], methods[same], calendar
            )
        partial = chosen[f"partial_{k}"].to_numpy(float)
        final = chosen[f"final_{k}"].to_numpy(float)
        usable = (partial > 0) & (final > 0) & (fraction > 0)
        with np.errstate(all="ignore"):
            ratios[measured, k - 1] = np.where(usable, final * fraction / partial, np.nan)
    return ratios
