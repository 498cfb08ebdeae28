"""The forecast's range, measured on the workbook's own history."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import inputs_from
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core.forecast import RUN_RATE
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
    assert row["Forecast Method"] == RUN_RATE
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


def test_without_history_the_range_is_blank():
    row = row_of(book(steady(first=dt.date(2025, 5, 1))))
    assert row["Forecast"] == pytest.approx(310)
    assert pd.isna(row["Forecast Low"]) and pd.isna(row["Forecast High"])


def test_a_month_end_rush_widens_the_range_upward():
    """A rep who sells half of each month in its last three days: mid-month the run-rate is far
    too low, and the range (from the past months' own errors) says so."""
    days = []
    for day in pd.date_range("2024-01-01", "2025-05-15"):
        last = (day + pd.offsets.MonthEnd(0)).day
        days.append((day.date(), 100.0 if day.day > last - 3 else 10.0))
    row = row_of(book(days))
    assert row["Forecast High"] > 1.5 * row["Forecast"]
    assert row["Forecast Low"] >= row["Forecast"] * 0.99


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
