import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.figures import Thresholds, compute


def one(target, actual, fraction, days_left=10, started=True, ended=False, thresholds=Thresholds()):
    frame = compute(
        np.array([target]),
        np.array([actual]),
        np.array([fraction]),
        np.array([days_left]),
        np.array([started]),
        np.array([ended]),
        thresholds,
    )
    return frame.iloc[0]


def test_running_period_figures_by_hand():
    row = one(target=1000, actual=300, fraction=0.25, days_left=21)
    assert row["Attainment"] == pytest.approx(0.3)
    assert row["Variance"] == pytest.approx(-700)
    assert row["Variance %"] == pytest.approx(-0.7)
    assert row["Expected"] == pytest.approx(250)
    assert row["Pace"] == pytest.approx(1.2)
    assert row["Status"] == "Ahead"
    assert row["Forecast"] == pytest.approx(1200)
    assert row["Forecast Attainment"] == pytest.approx(1.2)
    assert row["Gap"] == pytest.approx(700)
    assert row["Required per Day"] == pytest.approx(700 / 21)


@pytest.mark.parametrize(
    ("pace", "status"),
    [
        (1.05, "Ahead"),
        (1.0499, "On track"),
        (0.95, "On track"),
        (0.9499, "Behind"),
        (0.85, "Behind"),
        (0.8499, "At risk"),
        (0.0, "At risk"),
    ],
)
def test_status_thresholds_are_inclusive(pace, status):
    assert one(target=1000, actual=500 * pace, fraction=0.5)["Status"] == status


def test_custom_thresholds():
    assert one(1000, 450, 0.5, thresholds=Thresholds(1.2, 0.9, 0.5))["Status"] == "On track"


def test_not_started_has_no_pace_or_forecast():
    row = one(target=1000, actual=0, fraction=0.0, days_left=31, started=False)
    assert row["Status"] == "Not started"
    assert math.isnan(row["Pace"]) and math.isnan(row["Forecast"])
    assert row["Expected"] == 0
    assert row["Required per Day"] == pytest.approx(1000 / 31)


def test_ended_periods_are_achieved_or_missed_with_forecast_equal_to_actual():
    achieved = one(1000, 1000, 1.0, days_left=0, ended=True)
    missed = one(1000, 999.99, 1.0, days_left=0, ended=True)
    assert (achieved["Status"], missed["Status"]) == ("Achieved", "Missed")
    assert missed["Forecast"] == pytest.approx(999.99)
    assert math.isnan(missed["Required per Day"])
    assert achieved["Gap"] == 0


def test_running_period_with_nothing_expected_yet_is_on_track():
    row = one(1000, 0, 0.0, started=True)
    assert math.isnan(row["Pace"])
    assert row["Status"] == "On track"


@given(st.floats(1, 1e9), st.floats(0, 1e9), st.floats(0, 1))
def test_gap_and_variance_agree(target, actual, fraction):
    row = one(target, actual, fraction)
    assert row["Gap"] == pytest.approx(max(-row["Variance"], 0))
    assert row["Attainment"] == pytest.approx(actual / target)
    assert row["Expected"] <= target * (1 + 1e-12)
