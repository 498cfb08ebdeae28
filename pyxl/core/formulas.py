"""The figures behind the cell functions, on scalars or whole columns at once.

Each takes array-likes that broadcast together and returns a float or object array of the
broadcast shape; NaN means a blank figure. Dates may be datetimes or Excel serial numbers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pyxl.core import figures, pacing
from pyxl.core.errors import BadArgument
from pyxl.core.figures import safe_divide
from pyxl.core.parsing import EXCEL_EPOCH
from pyxl.core.settings import PACING_ALIASES


def numbers(values: object, name: str) -> np.ndarray:
    """Floats from cell values; blanks are NaN, text is refused."""
    array = np.asarray(values, dtype=object)
    result = np.full(array.shape, np.nan)
    for index, value in np.ndenumerate(array):
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise BadArgument("arg_not_number", name=name)
        result[index] = float(value)
    return result


def days(values: object, name: str) -> np.ndarray:
    """datetime64[D] from dates, datetimes or Excel serials."""
    array = np.asarray(values, dtype=object)
    result = np.empty(array.shape, dtype="datetime64[D]")
    for index, value in np.ndenumerate(array):
        if isinstance(value, (dt.date, pd.Timestamp)):
            result[index] = np.datetime64(pd.Timestamp(value).date(), "D")
        elif isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and value > 0:
            result[index] = np.datetime64((EXCEL_EPOCH + pd.Timedelta(days=float(value))).date(), "D")
        else:
            raise BadArgument("arg_not_date", name=name)
    return result


def method_names(values: object) -> np.ndarray:
    array = np.asarray(values, dtype=object)
    result = np.empty(array.shape, dtype=object)
    for index, value in np.ndenumerate(array):
        method = "linear" if value in (None, "") else PACING_ALIASES.get(str(value).strip().casefold())
        if method is None:
            raise BadArgument("arg_method")
        result[index] = method
    return result


def _positive_targets(target: np.ndarray) -> np.ndarray:
    if np.any(target <= 0):
        raise BadArgument("arg_target")
    return target


def attainment(actual: object, target: object) -> np.ndarray:
    a, t = np.broadcast_arrays(numbers(actual, "actual"), _positive_targets(numbers(target, "target")))
    return a / t


def variance(actual: object, target: object) -> np.ndarray:
    a, t = np.broadcast_arrays(numbers(actual, "actual"), numbers(target, "target"))
    return a - t


def variance_pct(actual: object, target: object) -> np.ndarray:
    a, t = np.broadcast_arrays(numbers(actual, "actual"), _positive_targets(numbers(target, "target")))
    return (a - t) / t


def gap(actual: object, target: object) -> np.ndarray:
    a, t = np.broadcast_arrays(numbers(actual, "actual"), numbers(target, "target"))
    return np.maximum(t - a, 0.0)


def paced(
    actual: object,
    target: object,
    start: object,
    end: object,
    as_of: object = None,
    method: object = None,
    calendar: pacing.Calendar | None = None,
) -> pd.DataFrame:
    """Every figure for each broadcast row, the way the Tracking sheet computes them."""
    calendar = calendar or pacing.Calendar()
    as_of = dt.date.today() if as_of in (None, "") else as_of
    a, t, s, e, now, m = np.broadcast_arrays(
        numbers(actual, "actual"),
        _positive_targets(numbers(target, "target")),
        days(start, "start"),
        days(end, "end"),
        days(as_of, "as_of"),
        method_names(method),
    )
    if np.any(e < s):
        raise BadArgument("arg_end_before_start")
    shape = a.shape
    a, t, s, e, now, m = (x.ravel() for x in (a, t, s, e, now, m))
    fraction = np.empty(len(a))
    left = np.empty(len(a), dtype=np.int64)
    for day in np.unique(now):  # pacing takes one as-of date at a time
        chosen = now == day
        fraction[chosen] = pacing.elapsed_fraction(s[chosen], e[chosen], day, m[chosen], calendar)
        left[chosen] = pacing.days_left(s[chosen], e[chosen], day, m[chosen], calendar)
    table = figures.compute(t, a, fraction, left, started=now >= s, ended=now >= e)
    table.attrs["shape"] = shape
    return table


def figure(table: pd.DataFrame, column: str) -> np.ndarray:
    """One figure of `paced` back in the shape of its arguments."""
    return table[column].to_numpy().reshape(table.attrs["shape"])


def cac(spend: object, new_customers: object) -> np.ndarray:
    return safe_divide(numbers(spend, "spend"), numbers(new_customers, "new_customers"))


def cltv(
    annual_revenue_per_customer: object, annual_churn: object, gross_margin: object = None
) -> np.ndarray:
    margin = 1.0 if gross_margin in (None, "") else numbers(gross_margin, "gross_margin")
    value = numbers(annual_revenue_per_customer, "annual_revenue_per_customer") * margin
    return safe_divide(value, numbers(annual_churn, "annual_churn"))


def conversion(won: object, leads: object) -> np.ndarray:
    return safe_divide(numbers(won, "won"), numbers(leads, "leads"))


def win_rate(won: object, lost: object) -> np.ndarray:
    won_, lost_ = np.broadcast_arrays(numbers(won, "won"), numbers(lost, "lost"))
    return safe_divide(won_, won_ + lost_)


def _scores(values: object, low: float, high: float, scale: str) -> np.ndarray:
    scores = numbers(values, "scores").ravel()
    scores = scores[np.isfinite(scores)]
    if np.any((scores < low) | (scores > high)):
        raise BadArgument("arg_scores", scale=scale, low=f"{low:g}", high=f"{high:g}")
    return scores


def csat(scores: object) -> float:
    """Share of 4s and 5s among CSAT scores (1-5)."""
    chosen = _scores(scores, 1, 5, "CSAT")
    return float(np.mean(chosen >= 4)) if len(chosen) else float("nan")


def nps(scores: object) -> float:
    """100 × (share of 9-10 − share of 0-6) among NPS scores (0-10)."""
    chosen = _scores(scores, 0, 10, "NPS")
    return float(100 * (np.mean(chosen >= 9) - np.mean(chosen <= 6))) if len(chosen) else float("nan")
