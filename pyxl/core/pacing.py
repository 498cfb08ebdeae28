"""How much of a period has elapsed by the as-of date, by the three pacing methods.

All functions take numpy arrays of datetime64[D] period bounds, one element per target,
and work on every target at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Calendar:
    """What pacing needs besides the period: the weekend, holidays and month weights."""

    weekmask: str = "1111100"
    holidays: Sequence[np.datetime64] = ()
    month_weights: Mapping[int, float] = field(default_factory=dict)
    # Make-up working days (调休): weekend days worked in exchange for a longer holiday.
    makeup_days: Sequence[np.datetime64] = ()

    def weights(self) -> np.ndarray:
        """Weight of each calendar month 1..12; equal where no Seasonality sheet was given."""
        if not self.month_weights:
            return np.ones(12)
        return np.array([float(self.month_weights.get(m, 0.0)) for m in range(1, 13)])

    def workdays(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Working days in [first, last], both included; 0 where last < first."""
        if "1" not in self.weekmask:
            return np.zeros(np.broadcast(first, last).shape, dtype=np.int64)
        count = np.busday_count(
            first, last + DAY, weekmask=self.weekmask, holidays=np.asarray(self.holidays, "M8[D]")
        )
        extra = np.sort(np.asarray(self.makeup_days, "M8[D]"))
        if len(extra):
            count = count + np.searchsorted(extra, last, "right") - np.searchsorted(extra, first, "left")
        return np.where(last < first, 0, count)


def _day(value: np.datetime64 | dt.date) -> np.datetime64:
    """One date as a numpy day."""
    day: np.datetime64 = np.datetime64(np.asarray(value, dtype="datetime64[D]").item(), "D")
    return day


def _as_days(values: object) -> np.ndarray:
    return np.atleast_1d(np.asarray(values, dtype="datetime64[D]"))


def linear_fraction(start: np.ndarray, end: np.ndarray, as_of: np.datetime64) -> np.ndarray:
    """(t - s + 1) / (e - s + 1), clipped to [0, 1]."""
    start, end = _as_days(start), _as_days(end)
    elapsed = (_day(as_of) - start).astype(np.int64) + 1
    length = (end - start).astype(np.int64) + 1
    return np.clip(elapsed / length, 0.0, 1.0)


def workday_fraction(
    start: np.ndarray, end: np.ndarray, as_of: np.datetime64, calendar: Calendar
) -> np.ndarray:
    """W(s, t) / W(s, e); linear where the period has no working day."""
    start, end = _as_days(start), _as_days(end)
    t = _day(as_of)
    done = calendar.workdays(start, np.minimum(np.maximum(t, start - DAY), end))
    total = calendar.workdays(start, end)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(total > 0, done / np.maximum(total, 1), np.nan)
    return np.where(total > 0, fraction, linear_fraction(start, end, t))


def seasonal_fraction(
    start: np.ndarray, end: np.ndarray, as_of: np.datetime64, calendar: Calendar
) -> np.ndarray:
    """Σ w_m g_m / Σ w_m over the months of each period; linear where all weights are 0."""
    start, end = _as_days(start), _as_days(end)
    owner, month, month_start, month_end = _months(start, end)
    share = linear_fraction(month_start, month_end, _day(as_of))
    weight = calendar.weights()[month.astype(np.int64) % 12]
    numerator = np.bincount(owner, weight * share, minlength=len(start))
    denominator = np.bincount(owner, weight, minlength=len(start))
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = numerator / denominator
    return np.where(denominator > 0, fraction, linear_fraction(start, end, _day(as_of)))


def _months(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each period's calendar months, one element each: the period it belongs to, the month, and
    the part of the month inside the period (first and last day)."""
    first = start.astype("datetime64[M]")
    months = (end.astype("datetime64[M]") - first).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(start)), months)
    offset = np.arange(months.sum()) - np.repeat(np.cumsum(months) - months, months)
    month = first[owner] + offset.astype("timedelta64[M]")
    month_start = np.maximum(month.astype("datetime64[D]"), start[owner])
    month_end = np.minimum((month + 1).astype("datetime64[D]") - DAY, end[owner])
    return owner, month, month_start, month_end


def _periods(
    start: np.ndarray, end: np.ndarray, methods: Sequence[str] | np.ndarray, as_of: np.datetime64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.datetime64]:
    """Periods as numpy days, a pacing method for each, and the as-of day."""
    start, end = _as_days(start), _as_days(end)
    return start, end, np.broadcast_to(np.asarray(methods, dtype=object), start.shape), _day(as_of)


def elapsed_fraction(
    start: np.ndarray,
    end: np.ndarray,
    as_of: np.datetime64,
    methods: Sequence[str] | np.ndarray,
    calendar: Calendar,
) -> np.ndarray:
    """The elapsed fraction f of each period: 0 before it starts, 1 from its last day on."""
    start, end, methods, t = _periods(start, end, methods, as_of)
    fraction = linear_fraction(start, end, t)
    for method, compute in (("workdays", workday_fraction), ("seasonal", seasonal_fraction)):
        chosen = methods == method
        if chosen.any():
            fraction[chosen] = compute(start[chosen], end[chosen], t, calendar)
    fraction = np.where(t < start, 0.0, fraction)
    return np.where(t >= end, 1.0, fraction)


def days_left(
    start: np.ndarray,
    end: np.ndarray,
    as_of: np.datetime64,
    methods: Sequence[str] | np.ndarray,
    calendar: Calendar,
) -> np.ndarray:
    """Pacing days in [max(s, t + 1), e]: working days for workdays, else calendar days."""
    start, end, methods, t = _periods(start, end, methods, as_of)
    first = np.maximum(start, t + DAY)
    calendar_days = np.maximum((end - first).astype(np.int64) + 1, 0)
    working_days = calendar.workdays(first, end)
    left = np.where(methods == "workdays", working_days, calendar_days)
    return np.where(t >= end, 0, left).astype(np.int64)


def period_units(
    start: np.ndarray, end: np.ndarray, methods: Sequence[str] | np.ndarray, calendar: Calendar
) -> np.ndarray:
    """How big each period is in its pacing method's own units: working days for workdays, the
    Seasonality weights of the months it covers for seasonal, else calendar days. Two periods'
    totals compare at the same daily (or weighted) rate by the ratio of their units."""
    start, end, methods, _ = _periods(start, end, methods, np.datetime64("1970-01-01"))
    days = ((end - start).astype(np.int64) + 1).astype(float)
    units = days.copy()
    workdays = methods == "workdays"
    if workdays.any():
        count = calendar.workdays(start[workdays], end[workdays]).astype(float)
        units[workdays] = np.where(count > 0, count, days[workdays])
    seasonal = methods == "seasonal"
    if seasonal.any():
        weighted = _month_weight_sum(start[seasonal], end[seasonal], calendar)
        units[seasonal] = np.where(weighted > 0, weighted, days[seasonal])
    return units


def _month_weight_sum(start: np.ndarray, end: np.ndarray, calendar: Calendar) -> np.ndarray:
    """Σ over each period's months of the month's weight times the share of it covered."""
    owner, month, month_start, month_end = _months(start, end)
    whole = (month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")
    covered = (month_end - month_start).astype(np.int64) + 1
    weight = calendar.weights()[month.astype(np.int64) % 12]
    return np.bincount(owner, weight * covered / whole.astype(np.int64), minlength=len(start))
