"""Every tracking figure from target, actual and elapsed fraction, as the contract defines them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_STARTED, ACHIEVED, MISSED = "Not started", "Achieved", "Missed"
AHEAD, ON_TRACK, BEHIND, AT_RISK = "Ahead", "On track", "Behind", "At risk"
STATUSES = (NOT_STARTED, AHEAD, ON_TRACK, BEHIND, AT_RISK, ACHIEVED, MISSED)


@dataclass(frozen=True)
class Thresholds:
    ahead: float = 1.05
    on_track: float = 0.95
    behind: float = 0.85


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1), np.nan)


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
    pace = _divide(actual, expected)
    forecast = np.where(ended, actual, _divide(actual, fraction))
    gap = np.maximum(target - actual, 0.0)
    return pd.DataFrame(
        {
            "Target": target,
            "Actual": actual,
            "Attainment": _divide(actual, target),
            "Variance": actual - target,
            "Variance %": _divide(actual - target, target),
            "Expected": expected,
            "Pace": pace,
            "Status": status(actual, target, pace, started, ended, thresholds),
            "Forecast": forecast,
            "Forecast Attainment": _divide(forecast, target),
            "Gap": gap,
            "Days Left": np.asarray(days_left, np.int64),
            "Required per Day": _divide(gap, days_left),
        }
    )
