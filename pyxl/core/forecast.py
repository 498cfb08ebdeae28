"""Where each target will land, learned from the workbook's own history, with a measured range.

For a target running on the as-of date, `history` gives what each of its last PERIODS_BACK
periods of the same kind (the months, quarters, … before) had sold by the same point and in all.
From these the `pattern` forecast learns two things:

- the share of a period's total usually sold by this point (some businesses close a third of
  the month in its last days, or sell 40% of the year in Q4), as the past run-rates' total
  against the past finals' total, times the elapsed fraction f;
- the usual size of a period: recent finals, the latest weighing most, scaled to this period's
  pacing units (days, working days or Seasonality weights).

Forecast = A + (1 − share) × (what the rest of the period should sell at this period's pace,
trusted in proportion share ÷ (share + TRUST_HALF), and at the usual size otherwise). At a
constant daily rate both equal the run-rate, so the forecast is the run-rate. With fewer than
MIN_PERIODS past periods of its own the target keeps the run-rate, A ÷ f.

The 80% range comes from the method's own errors on the same target's past periods: each past
period is forecast at the same point from only the periods before it, and the split-conformal
order statistics of final ÷ forecast, times today's forecast, are the bounds. A target with too
few such periods borrows those of every target of the same metric, period length and method;
with none at all, the range is blank. Only sales up to the as-of date are ever read: every past
period ended before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pyxl.core import pacing
from pyxl.core.comparisons import months_back, period_months
from pyxl.core.matching import Sales

RUN_RATE, PATTERN = "run-rate", "pattern"
METHODS = (PATTERN, RUN_RATE)
PERIODS_BACK = 12  # past periods of the same kind a target's forecast learns from
MIN_PERIODS = 3  # fewer past periods of its own, and a target's forecast is the run-rate
# Fewer measured errors of its own, and a target borrows its peers' (same metric, length, method):
# with n errors the widest range holds a new one (n − 1) ÷ (n + 1) of the time, 80% from n = 9.
OWN_PERIODS = 9
DECAY = 0.7  # the weight of each older period's final in the usual size
TRUST_HALF = 0.25  # the share sold by which this period's own pace is trusted half
LOW_QUANTILE, HIGH_QUANTILE = 0.1, 0.9  # an 80% range
HISTORY_COLUMNS = [f"{kind}_{k}" for k in range(1, PERIODS_BACK + 1) for kind in ("partial", "final")]


def _past(start: np.ndarray, months: np.ndarray, as_of: np.datetime64, k: int) -> tuple[np.ndarray, ...]:
    """The period k periods back of each row's (its first day, the day as far into it as the
    as-of day is into this one, its last day), as days. That day is moved to the same weekday
    (at most three days either way, inside the period), so a week's rhythm (quiet weekends, a
    Friday rush) weighs the same on the past period's partial total as on today's."""
    begins, last = months_back(start, k * months), months_back(start, (k - 1) * months) - 1
    cut = months_back(np.full(len(start), as_of), k * months)
    shift = (as_of.astype(np.int64) - cut.astype(np.int64) + 3) % 7 - 3
    return begins, np.clip(cut + shift, begins, last), last


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


@dataclass(frozen=True)
class Past:
    """Per row (lines) and past period (columns, 1 to PERIODS_BACK back): sold by the same point
    (partial), sold in all (final), the elapsed fraction at that point and the period's pacing
    units. NaN where unknown."""

    partial: np.ndarray
    final: np.ndarray
    fraction: np.ndarray
    units: np.ndarray

    def since(self, k: int) -> Past:
        """The periods before the k-th one back: what was known at the same point of it."""
        return Past(self.partial[:, k:], self.final[:, k:], self.fraction[:, k:], self.units[:, k:])


def pattern_forecast(
    actual: np.ndarray, fraction: np.ndarray, units: np.ndarray, past: Past
) -> tuple[np.ndarray, np.ndarray]:
    """The pattern forecast of each row's final total from its actual, elapsed fraction and units
    now and its past periods; and how many past periods it learned from."""
    usable = np.isfinite(past.partial) & np.isfinite(past.final) & (past.fraction > 0) & (past.units > 0)
    periods = usable.sum(axis=1)
    with np.errstate(all="ignore"):
        run_rates = np.where(usable, past.partial / past.fraction, 0.0).sum(axis=1)
        finals = np.where(usable, past.final, 0.0)
        total = finals.sum(axis=1)
        share = np.clip(np.where(total > 0, fraction * run_rates / total, fraction), 0.0, 1.0)
        weights = np.where(usable, DECAY ** np.arange(usable.shape[1]), 0.0)
        scaled = np.where(usable, finals * units[:, np.newaxis] / past.units, 0.0)
        usual = (weights * scaled).sum(axis=1) / weights.sum(axis=1)
        trust = share / (share + TRUST_HALF)
        at_pace = np.where(share > 0, actual / share, 0.0)
        forecast = actual + (1 - share) * (trust * at_pace + (1 - trust) * usual)
    return np.where(periods > 0, forecast, np.nan), periods


def forecasts(
    rows: pd.DataFrame, run_rate: np.ndarray, as_of: pd.Timestamp, calendar: pacing.Calendar
) -> pd.DataFrame:
    """Forecast, Forecast Low, Forecast High and Forecast Method for rows carrying start, end,
    metric, pacing, actual and the HISTORY_COLUMNS, given each row's run-rate forecast (A ÷ f).
    All three figures equal the actual once a period has ended and are blank before it starts."""
    start, end = pd.to_datetime(rows["start"]), pd.to_datetime(rows["end"])
    t = np.datetime64(as_of, "D")
    actual = rows["actual"].to_numpy(float)
    past = _past_periods(rows, as_of, calendar)
    starts, ends = start.to_numpy().astype("datetime64[D]"), end.to_numpy().astype("datetime64[D]")
    methods = rows["pacing"].to_numpy(dtype=object)
    fraction = pacing.elapsed_fraction(starts, ends, t, methods, calendar)
    units = pacing.period_units(starts, ends, methods, calendar)
    learned, periods = pattern_forecast(actual, fraction, units, past)
    uses_pattern = periods >= MIN_PERIODS
    forecast = np.where(uses_pattern, learned, np.asarray(run_rate, float))
    errors = np.where(uses_pattern[:, np.newaxis], _pattern_errors(past), _run_rate_errors(past))
    method = np.where(uses_pattern, PATTERN, RUN_RATE)
    peers = pd.Series(list(zip(rows["metric"], period_months(rows), method, strict=True)))
    low, high = _bounds(errors, peers)
    low, high = np.minimum(forecast * low, forecast), np.maximum(forecast * high, forecast)
    ended, started = (end <= as_of).to_numpy(), (start <= as_of).to_numpy()
    figures = {
        name: np.where(started, np.where(ended, actual, values), np.nan)
        for name, values in (("Forecast", forecast), ("Forecast Low", low), ("Forecast High", high))
    }
    named = pd.Series(method, dtype=object).where(started, None)
    return pd.DataFrame({**figures, "Forecast Method": named.to_numpy()})


def _bounds(errors: np.ndarray, peers: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's low and high final ÷ forecast ratios: its own where it has OWN_PERIODS of them,
    else its peers' pooled, else NaN."""
    low, high = np.full(len(errors), np.nan), np.full(len(errors), np.nan)
    own = np.isfinite(errors).sum(axis=1) >= OWN_PERIODS
    if own.any():
        low[own], high[own] = conformal_bounds(errors[own])
    for group in peers[~own].unique() if (~own).any() else []:
        chosen = (peers == group).to_numpy()
        pooled = errors[chosen][np.isfinite(errors[chosen])]
        if len(pooled) >= OWN_PERIODS:
            bounds = conformal_bounds(pooled[np.newaxis, :])
            low[chosen & ~own], high[chosen & ~own] = bounds[0][0], bounds[1][0]
    return low, high


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


def _past_periods(rows: pd.DataFrame, as_of: pd.Timestamp, calendar: pacing.Calendar) -> Past:
    """The rows' HISTORY_COLUMNS as a Past, with each past period's elapsed fraction and units."""
    shape = (len(rows), PERIODS_BACK)
    back = range(1, PERIODS_BACK + 1)
    partial, final = (rows[[f"{kind}_{k}" for k in back]].to_numpy(float) for kind in ("partial", "final"))
    fraction, units = np.full(shape, np.nan), np.full(shape, np.nan)
    measured = np.isfinite(final).any(axis=1)
    if measured.any():
        chosen = rows[measured]
        t = np.datetime64(as_of, "D")
        start = chosen["start"].to_numpy().astype("datetime64[D]")
        months = period_months(chosen)
        methods = chosen["pacing"].to_numpy(dtype=object)
        for k in range(1, PERIODS_BACK + 1):
            begins, cut, ends = _past(start, months, t, k)
            elapsed = np.full(len(chosen), np.nan)
            # Rows of one length share the day their past period is cut at: one pacing call each.
            for length in np.unique(months):
                same = months == length
                elapsed[same] = pacing.elapsed_fraction(
                    begins[same], ends[same], cut[same][0], methods[same], calendar
                )
            fraction[measured, k - 1] = elapsed
            units[measured, k - 1] = pacing.period_units(begins, ends, methods, calendar)
    return Past(partial, final, fraction, units)


def _run_rate_errors(past: Past) -> np.ndarray:
    """final ÷ run-rate for each row and past period: how far the run-rate at the same point of
    that period was from where it landed; NaN where it cannot say."""
    usable = (past.partial > 0) & (past.final > 0) & (past.fraction > 0)
    with np.errstate(all="ignore"):
        return np.where(usable, past.final * past.fraction / past.partial, np.nan)


def _pattern_errors(past: Past) -> np.ndarray:
    """final ÷ pattern forecast for each row and past period, the forecast made at the same point
    of that period from only the periods before it; NaN where it had too few to learn from."""
    errors = np.full(past.final.shape, np.nan)
    for k in range(past.final.shape[1] - MIN_PERIODS):
        before = past.since(k + 1)
        made, periods = pattern_forecast(past.partial[:, k], past.fraction[:, k], past.units[:, k], before)
        usable = (periods >= MIN_PERIODS) & (made > 0) & (past.final[:, k] > 0)
        with np.errstate(all="ignore"):
            errors[:, k] = np.where(usable, past.final[:, k] / made, np.nan)
    return errors
