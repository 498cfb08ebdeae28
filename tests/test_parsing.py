import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.parsing import as_text, by_distinct, parse_dates, parse_numbers


def numbers(*values):
    return parse_numbers(pd.Series(list(values), dtype="string"))


def dates(*values, order="YMD"):
    return parse_dates(pd.Series(list(values), dtype="string"), order)


def test_numbers_stored_as_text_are_read_and_reported_as_converted():
    parsed = numbers("1626.44", "1,200", "¥1,200.50", " 300 ", "(50)", "12%", "RMB 8", "abc", None, "")
    values = parsed.values.tolist()
    assert values[:7] == pytest.approx([1626.44, 1200, 1200.5, 300, -50, 0.12, 8])
    assert parsed.converted.tolist() == [False, True, True, True, True, True, True, False, False, False]
    assert parsed.bad.tolist() == [False] * 7 + [True, False, False]
    assert np.isnan(values[8]) and np.isnan(values[9])


def test_clean_column_takes_the_fast_path_without_conversions():
    parsed = numbers("1", "2.5", None)
    assert parsed.values.tolist()[:2] == [1.0, 2.5]
    assert not parsed.converted.any() and not parsed.bad.any()


def test_dates_from_cells_serials_and_text():
    parsed = dates(
        "2025-04-05 00:00:00",
        "2025-04-05 13:45:00",
        "45752",
        "2025-04-05",
        "2025/4/5",
        "2025年4月5日",
        "2025.4.5",
        "x",
        None,
    )
    expected = pd.Timestamp("2025-04-05")
    assert parsed.values.tolist()[:7] == [expected] * 7
    assert parsed.converted.tolist()[:7] == [False, False, True, True, True, True, True]
    assert parsed.bad.tolist()[7:] == [True, False]


@pytest.mark.parametrize(("order", "day", "month"), [("DMY", 5, 4), ("MDY", 4, 5)])
def test_year_last_dates_follow_the_date_order(order, day, month):
    parsed = dates("05/04/2025", order=order)
    assert parsed.values.iloc[0] == pd.Timestamp(2025, month, day)


def test_year_last_dates_with_default_order_are_read_only_when_unambiguous():
    parsed = dates("25/04/2025", "04/25/2025", "05/04/2025")
    assert parsed.values.iloc[0] == pd.Timestamp(2025, 4, 25)
    assert parsed.values.iloc[1] == pd.Timestamp(2025, 4, 25)
    assert parsed.bad.iloc[2]


def test_impossible_dates_are_bad():
    assert dates("2025-02-30", "2025/13/1").bad.all()


def test_live_values_render_like_the_file_reader():
    rendered = as_text(
        pd.Series([dt.datetime(2025, 1, 2), dt.date(2025, 1, 3), 5.0, 2.5, "x", None], dtype=object)
    )
    assert rendered.tolist()[:5] == ["2025-01-02 00:00:00", "2025-01-03 00:00:00", "5", "2.5", "x"]
    assert pd.isna(rendered.iloc[5])


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_thousands_separators_round_trip(value):
    text = f"{value:,.2f}"
    assert numbers(text).values.iloc[0] == pytest.approx(round(value, 2))


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_serials_round_trip(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert dates(str(serial)).values.iloc[0] == pd.Timestamp(day)


MESSY = [
    "2025-01-03 00:00:00", "2025-01-03", " 2025-01-03 ", "3/1/2025", "13/1/2025", "45000", "45000.5",
    "2025年1月3日", "9999-12-31 00:00:00", "1899-01-01 00:00:00", "2025-02-30 00:00:00", "abc", "",
    "  ", None, "1,200", "¥1,200.50", "(50)", "12%", "1e309", "nan", "7", "0", "-3.5", " 300 ",
]  # fmt: skip


@given(st.lists(st.sampled_from(MESSY), min_size=20, max_size=80), st.sampled_from(["YMD", "DMY", "MDY"]))
def test_each_distinct_text_parsed_once_reads_every_row_as_parsing_them_all(cells, order):
    text = pd.Series(cells, dtype=object, index=range(100, 100 + len(cells)))
    for parse in (lambda t: parse_dates(t, order), parse_numbers):
        direct, once = parse(text), by_distinct(parse, text, sample_rows=10)
        for field in ("values", "bad", "converted", "outside", "late"):
            expected, found = getattr(direct, field), getattr(once, field)
            assert (expected is None) == (found is None)
            if expected is not None:
                pd.testing.assert_series_equal(found, expected, check_names=False)
        assert once.kind == direct.kind


def test_a_column_of_mostly_distinct_text_is_parsed_as_it_is():
    calls: list[int] = []

    def counting(text: pd.Series):
        calls.append(len(text))
        return parse_numbers(text)

    by_distinct(counting, pd.Series([str(n) for n in range(50)]), sample_rows=10)
    by_distinct(counting, pd.Series(["1", "2"] * 25), sample_rows=10)
    assert calls == [50, 3]  # all fifty; then "1", "2" and the blank
