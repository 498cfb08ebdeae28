"""The forecast learned from the workbook's own history, and its measured range."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import inputs_from
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core import pacing
from pyxl.core.forecast import OWN_PERIODS, PATTERN, RUN_RATE, conformal_bounds
from pyxl.core.tracking import track

AS_OF = dt.date(2025, 5, 15)


def book(amounts_by_day, targets=(("2025-05", "Ann", 1000),)):
    return {
        "Targets": [["Period", "Rep", "Target"], *[list(t) for t in targets]],
        "Actuals": [["Date", "Rep", "Amount"]] + [[day, "Ann", amount] for day, amount in amounts_by_day],
    }


def steady(first=dt.date(2024, 1, 1), last=dt.date(2025, 12, 31), per_day=10.0):
    return [(day.date(), per_day) for day in pd.date_range(first, last)]


def row_of(sheets, as_of=AS_OF, period="2025-05"):
    table = track(inputs_from(sheets), as_of).table
    return table[table["Period"] == period].iloc[0]


def test_a_steady_rate_forecasts_the_run_rate_with_a_tight_range():
    row = row_of(book(steady()))
    assert row["Forecast Method"] == PATTERN
    assert row["Forecast"] == pytest.approx(310)
    assert row["Forecast Low"] == pytest.approx(310, rel=0.01) and row["Forecast High"] == pytest.approx(
        310, rel=0.01
    )


def test_sales_after_the_as_of_date_change_nothing():
    before = row_of(book(steady(last=AS_OF)))
    after = row_of(book([*steady(last=AS_OF), (dt.date(2025, 5, 20), 99999.0), (dt.date(2025, 6, 1), 5.0)]))
    for column in ("Forecast", "Forecast Low", "Forecast High", "Last Year", "Prior Period"):
        assert after[column] == pytest.approx(before[column]), column


def test_an_ended_period_lands_on_its_actual_and_a_future_one_has_no_range():
    ended = row_of(book(steady()), as_of=dt.date(2025, 6, 3))
    assert ended["Forecast"] == ended["Forecast Low"] == ended["Forecast High"] == ended["Actual"]
    future = row_of(book(steady()), as_of=dt.date(2025, 4, 3))
    assert pd.isna(future["Forecast Low"]) and pd.isna(future["Forecast Method"])


def test_without_history_the_forecast_is_the_run_rate_and_the_range_is_blank():
    row = row_of(book(steady(first=dt.date(2025, 5, 1))))
    assert row["Forecast"] == pytest.approx(310) and row["Forecast Method"] == RUN_RATE
    assert pd.isna(row["Forecast Low"]) and pd.isna(row["Forecast High"])


def month_end_rush(last_day="2025-05-15"):
    """A rep who sells half of each month in its last three days."""
    days = []
    for day in pd.date_range("2024-01-01", last_day):
        last = (day + pd.offsets.MonthEnd(0)).day
        days.append((day.date(), 100.0 if day.day > last - 3 else 10.0))
    return days


def test_a_month_end_rush_is_learned_where_the_run_rate_misses_it():
    row = row_of(book(month_end_rush()))
    assert row["Forecast Method"] == PATTERN
    assert row["Forecast"] == pytest.approx(28 * 10 + 3 * 100, rel=0.02)
    assert row["Forecast Low"] <= 580 <= row["Forecast High"]
    assert row["Actual"] / (15 / 31) < 0.6 * 580  # the run-rate's forecast


def test_a_steady_rate_on_working_days_forecasts_the_run_rate():
    days = [(d.date(), 10.0) for d in pd.bdate_range("2024-01-01", "2025-12-31")]
    sheets = book(days) | {"Settings": [["Setting", "Value"], ["Pacing", "workdays"]]}
    row = row_of(sheets)
    workdays = pacing.Calendar().workdays(np.datetime64("2025-05-01"), np.datetime64("2025-05-31"))
    assert row["Forecast Method"] == PATTERN
    assert row["Forecast"] == pytest.approx(10 * workdays)


def test_a_rep_with_two_past_months_keeps_the_run_rate():
    row = row_of(book(steady(first=dt.date(2025, 3, 1))))
    assert row["Forecast Method"] == RUN_RATE


@settings(max_examples=25)
@given(
    st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=30, max_size=30),
    st.integers(1, 28),
)
def test_the_range_always_holds_its_forecast(daily, day_of_month):
    rng = np.random.default_rng(len(daily))
    days = [
        (d.date(), daily[i % 30] * rng.uniform(0.5, 1.5))
        for i, d in enumerate(pd.date_range("2024-06-01", "2025-05-28"))
    ]
    row = row_of(book(days), as_of=dt.date(2025, 5, day_of_month))
    if pd.notna(row["Forecast Low"]):
        assert row["Forecast Low"] <= row["Forecast"] + 1e-9 <= row["Forecast High"] + 2e-9


@settings(max_examples=50)
@given(
    st.lists(st.floats(min_value=0.01, max_value=100, allow_nan=False), min_size=1, max_size=40),
    st.floats(min_value=0.01, max_value=100),
)
def test_conformal_bounds_are_order_statistics_that_scale_with_the_ratios(ratios, scale):
    values = np.array([ratios])
    low, high = conformal_bounds(values)
    assert low[0] in values and high[0] in values and low[0] <= high[0]
    n = len(ratios)
    # At most ⌊0.1 (n + 1)⌋ − 1 below the low bound and n − ⌈0.9 (n + 1)⌉ above the high one.
    assert (values < low[0]).sum() <= max(int(np.floor(0.1 * (n + 1))) - 1, 0)
    assert (values > high[0]).sum() <= max(n - int(np.ceil(0.9 * (n + 1))), 0)
    scaled_low, scaled_high = conformal_bounds(values * scale)
    assert scaled_low[0] == pytest.approx(low[0] * scale) and scaled_high[0] == pytest.approx(high[0] * scale)


@pytest.mark.parametrize("n", [OWN_PERIODS, 12, 30])
@pytest.mark.parametrize("draw", ["lognormal", "uniform", "pareto"])
def test_a_new_ratio_like_the_past_falls_inside_at_least_80_percent_of_the_time(n, draw):
    rng = np.random.default_rng(n)
    sample = {
        "lognormal": lambda size: rng.lognormal(0, 0.4, size),
        "uniform": lambda size: rng.uniform(0.5, 1.5, size),
        "pareto": lambda size: 1 + rng.pareto(2.0, size),
    }[draw]
    trials = 4000
    past, new = sample((trials, n)), sample(trials)
    low, high = conformal_bounds(past)
    coverage = ((new >= low) & (new <= high)).mean()
    assert coverage >= 0.8 - 0.02  # four thousand trials: within two points of the guarantee
