"""One rounding rule for figures shown as text, and ratios never rounded across a boundary."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyxl.views.formatting import money_text, number_text, percent_text, ratio_decimals, rounded


@pytest.mark.parametrize(
    ("value", "shown"),
    [(7600.5, "$7,601"), (-7600.5, "-$7,601"), (2.5, "$3"), (0.5, "$1"), (1234.4999, "$1,234")],
)
def test_money_rounds_halves_away_from_zero_as_excel_shows_it(value, shown):
    assert money_text(value, "$") == shown


def test_numbers_round_as_their_decimal_text_reads():
    assert number_text(2.675, 2) == "2.68" and number_text(-0.4) == "0" and rounded(1.005, 2) == 1.01
    assert number_text(1.7e308) == f"{1.7e308:,.0f}"  # too large to hold a fraction: as it is


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.998, "99.8%"), (0.9996, "99.96%"), (1.0, "100%"), (1.004, "100%"), (0.87, "87%"), (1.02, "102%")],
)
def test_a_ratio_below_one_never_reads_100_percent(value, shown):
    assert percent_text(value) == shown


def test_a_pace_keeps_the_side_of_its_threshold():
    assert ratio_decimals(0.9496, 1, (0.95,)) == 2
    assert percent_text(0.9496, 1, (0.95,)) == "94.96%"
    assert ratio_decimals(0.5, 1, (0.95,)) == 1


@given(st.floats(min_value=0.0, max_value=3.0, allow_nan=False))
def test_no_ratio_is_shown_across_100_percent(value):
    shown = float(re.sub(r"[%,]", "", percent_text(value)))
    assert (shown >= 100) == (value >= 1)
    assert abs(shown / 100 - value) < 0.006  # and never far from what it is


@given(st.integers(-(10**9), 10**9), st.sampled_from([0, 1, 2]))
def test_halves_round_away_from_zero(whole, decimals):
    value = whole / 10 ** (decimals + 1)  # one digit more than shown: halves are exact here
    expected = abs(whole) // 10 + (abs(whole) % 10 >= 5)
    expected = expected * (-1 if whole < 0 and expected else 1) / 10**decimals
    assert rounded(value, decimals) == pytest.approx(expected)
