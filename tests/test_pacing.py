import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.pacing import Calendar, days_left, elapsed_fraction

D = dt.date


def f(start, end, as_of, method, calendar=Calendar()):
    return float(
        elapsed_fraction(
            np.array([start], "M8[D]"), np.array([end], "M8[D]"), np.datetime64(as_of), [method], calendar
        )[0]
    )


def left(start, end, as_of, method, calendar=Calendar()):
    return int(
        days_left(
            np.array([start], "M8[D]"), np.array([end], "M8[D]"), np.datetime64(as_of), [method], calendar
        )[0]
    )


def test_linear_counts_the_as_of_day_as_elapsed():
    assert f(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 10), "linear") == pytest.approx(10 / 31)
    assert left(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 10), "linear") == 21


def test_before_start_and_from_the_last_day():
    for method in ("linear", "workdays", "seasonal"):
        assert f(D(2025, 5, 1), D(2025, 5, 31), D(2025, 4, 30), method) == 0
        assert f(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 31), method) == 1
        assert left(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 31), method) == 0
    assert left(D(2025, 5, 1), D(2025, 5, 31), D(2025, 4, 30), "linear") == 31


def test_workdays_with_a_monday_holiday():
    # May 2025 has 22 weekdays; Monday 5 May is a holiday, leaving 21.
    # By Friday 9 May: 1, 2, 6, 7, 8, 9 worked = 6.
    calendar = Calendar(weekmask="1111100", holidays=[np.datetime64("2025-05-05")])
    assert f(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 9), "workdays", calendar) == pytest.approx(6 / 21)
    # Left from Saturday 10 May: 12-16, 19-23, 26-30 = 15 working days.
    assert left(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 9), "workdays", calendar) == 15
    # The holiday itself adds nothing: as of Monday 5 May still 2 of 21.
    assert f(D(2025, 5, 1), D(2025, 5, 31), D(2025, 5, 5), "workdays", calendar) == pytest.approx(2 / 21)


def test_workdays_with_a_friday_saturday_weekend():
    calendar = Calendar(weekmask="1111001")
    # June 2025: 30 days, Fri/Sat weekend -> 8 weekend days -> 22 working days.
    # As of Thu 5 June: 1 (Sun), 2, 3, 4, 5 = 5.
    assert f(D(2025, 6, 1), D(2025, 6, 30), D(2025, 6, 5), "workdays", calendar) == pytest.approx(5 / 22)


def test_workdays_fall_back_to_linear_when_the_period_has_no_working_day():
    calendar = Calendar(weekmask="1111100", holidays=[np.datetime64(f"2025-05-0{d}") for d in (1, 2)])
    # 1-4 May 2025: Thu, Fri holidays, then a weekend.
    assert f(D(2025, 5, 1), D(2025, 5, 4), D(2025, 5, 2), "workdays", calendar) == pytest.approx(2 / 4)


def test_seasonal_weights_the_months_of_a_quarter():
    calendar = Calendar(month_weights={4: 1.0, 5: 2.0, 6: 1.0})
    expected = (1 * 1 + 2 * 16 / 31 + 1 * 0) / 4
    assert f(D(2025, 4, 1), D(2025, 6, 30), D(2025, 5, 16), "seasonal", calendar) == pytest.approx(expected)
    assert left(D(2025, 4, 1), D(2025, 6, 30), D(2025, 5, 16), "seasonal", calendar) == 15 + 30


def test_seasonal_without_weights_is_equal_months():
    # Equal months in a year: 1 full month of 12 done by 31 January.
    assert f(D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 31), "seasonal") == pytest.approx(1 / 12)


def test_seasonal_of_a_fiscal_year_uses_calendar_month_weights():
    weights = {m: (3.0 if m == 4 else 1.0) for m in range(1, 13)}
    calendar = Calendar(month_weights=weights)
    assert f(D(2025, 4, 1), D(2026, 3, 31), D(2025, 4, 30), "seasonal", calendar) == pytest.approx(3 / 14)


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
methods = st.sampled_from(["linear", "workdays", "seasonal"])
calendars = st.builds(
    Calendar,
    weekmask=st.sampled_from(["1111100", "1111001", "0000000", "1111111"]),
    holidays=st.lists(dates.map(np.datetime64), max_size=20),
    month_weights=st.dictionaries(st.integers(1, 12), st.floats(0, 5), max_size=12),
)


@given(dates, st.integers(0, 800), dates, st.integers(0, 400), methods, calendars)
def test_fraction_stays_in_range_and_never_decreases(start, length, as_of, step, method, calendar):
    end = start + dt.timedelta(days=length)
    now = f(start, end, as_of, method, calendar)
    later = f(start, end, as_of + dt.timedelta(days=step), method, calendar)
    assert 0.0 <= now <= 1.0
    assert later >= now - 1e-12


@given(dates, st.integers(0, 800), methods, calendars)
def test_fraction_is_one_at_period_end(start, length, method, calendar):
    end = start + dt.timedelta(days=length)
    assert f(start, end, end, method, calendar) == 1.0
    assert left(start, end, end, method, calendar) == 0
