import datetime as dt

import pytest

from pyxl.core.periods import parse_period
from pyxl.views import i18n

D = dt.date


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2025", "2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025.0", "2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-Q2", "2025-Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025q4", "2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025年第1季度", "2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025-05", "2025-05", D(2025, 5, 1), D(2025, 5, 31)),
        ("2024-02", "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025/2", "2025-02", D(2025, 2, 1), D(2025, 2, 28)),
        ("2025年5月", "2025-05", D(2025, 5, 1), D(2025, 5, 31)),
        # Excel turns a typed 2025-05 into the date 2025-05-01.
        ("2025-05-01 00:00:00", "2025-05", D(2025, 5, 1), D(2025, 5, 31)),
        ("FY2026", "FY2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_calendar_periods(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("FY2026", D(2025, 4, 1), D(2026, 3, 31)),
        ("FY2026-Q1", D(2025, 4, 1), D(2025, 6, 30)),
        ("FY2026-Q3", D(2025, 10, 1), D(2025, 12, 31)),
        ("FY2026-Q4", D(2026, 1, 1), D(2026, 3, 31)),
        ("fy26 q2", D(2025, 7, 1), D(2025, 9, 30)),
        # Plain periods stay calendar ones in a fiscal-April workbook.
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_fiscal_year_starting_in_april(text, start, end):
    period = parse_period(text, fiscal_start_month=4)
    assert (period.start, period.end) == (start, end)


def test_fiscal_year_starting_in_october_crosses_the_year():
    period = parse_period("FY2025-Q1", fiscal_start_month=10)
    assert (period.start, period.end) == (D(2024, 10, 1), D(2024, 12, 31))


@pytest.mark.parametrize("text", ["", "May", "2025-13", "2025-Q5", "next year", None])
def test_bad_periods_say_what_to_write(text):
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    assert "2025-Q2" in i18n.explain(caught.value)
