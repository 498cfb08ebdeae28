"""Every tracking figure from target, actual and elapsed fraction, as the contract defines them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

NOT_STARTED, ACHIEVED, MISSED = "Not started", "Achieved", "Missed"
AHEAD, ON_TRACK, BEHIND, AT_RISK = "Ahead", "On track", "Behind", "At risk"
STATUSES = (NOT_STARTED, AHEAD, ON_TRACK, BEHIND, AT_RISK, ACHIEVED, MISSED)


@dataclass(frozen=True)
class Thresholds:
    ahead: float = 1.05
    on_track: float = 0.95
    behind: float = 0.85


def safe_divide(numerator: ArrayLike, denominator: ArrayLike | None) -> NDArray[np.float64]:
    """numerator ÷ denominator, NaN (a blank figure) where the divisor is 0 or missing.

    The one rule for every ratio salestrack shows: tracking figures, KPIs and cell functions.
    Scalars give a 0-d array; `float()` of it is the figure.
    """
    top = np.asarray(numerator, dtype=float)
    bottom = np.asarray(np.nan if denominator is None else denominator, dtype=float)
    usable = np.isfinite(bottom) & (bottom != 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(usable, top / np.where(usable, bottom, 1.0), np.nan)


def status(
    actual: np.ndarray,
    target: np.ndarray,
    pace: np.ndarray,
    started: np.ndarray,
    ended: np.ndarray,
    thresholds: Thresholds = Thresholds(),
) -> np.ndarray:
    """Status words; in a running period with nothing expected yet, the target counts as on track."""
    pace = np.nan_to_num(np.asarray(pace, float), nan=1.0)
    running = np.select(
        [pace >= thresholds.ahead, pace >= thresholds.on_track, pace >= thresholds.behind],
        [AHEAD, ON_TRACK, BEHIND],
        AT_RISK,
    )
    closed = np.where(np.asarray(actual) >= np.asarray(target), ACHIEVED, MISSED)
    return np.where(~np.asarray(started), NOT_STARTED, np.where(ended, closed, running)).astype(object)


def compute(
    target: np.ndarray,
    actual: np.ndarray,
    fraction: np.ndarray,
    days_left: np.ndarray,
    started: np.ndarray,
    ended: np.ndarray,
    thresholds: Thresholds = Thresholds(),
) -> pd.DataFrame:
    """All figures for aligned arrays; blank figures are NaN."""
    target, actual = np.asarray(target, float), np.asarray(actual, float)
    fraction = np.asarray(fraction, float)
    expected = target * fraction
    pace = safe_divide(actual, expected)
    forecast = np.where(ended, actual, safe_divide(actual, fraction))
    gap = np.maximum(target - actual, 0.0)
    return pd.DataFrame(
        {
            "Target": target,
            "Actual": actual,
            "Attainment": safe_divide(actual, target),
            "Variance": actual - target,
            "Variance %": safe_divide(actual - target, target),
            "Expected": expected,
            "Pace": pace,
            "Status": status(actual, target, pace, started, ended, thresholds),
            "Forecast": forecast,
            "Forecast Attainment": safe_divide(forecast, target),
            "Gap": gap,
            "Days Left": np.asarray(days_left, np.int64),
            "Required per Day": safe_divide(gap, days_left),
        }
    )
