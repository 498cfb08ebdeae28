import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.schema import (
    ACTUALS,
    SETTINGS,
    TARGETS,
    column_letter,
    find_header,
    find_sheets,
    normalise,
    normalise_column,
)


def test_sheets_match_english_and_chinese_names_in_any_case():
    found = find_sheets([" targets ", "销售数据", "团队成员", "Other"])
    assert found == {"targets": " targets ", "actuals": "销售数据", "team": "团队成员"}


def test_header_found_below_a_banner():
    rows = [
        ["Q2 sales — confidential", None],
        [None, None],
        ["日期", "金额", "代表"],
        ["2025-05-01", "5", "A"],
    ]
    index, mapping = find_header(rows, ACTUALS)
    assert index == 2
    assert mapping == {0: "date", 1: "amount", 2: "rep"}


def test_header_needs_all_required_columns_within_ten_rows():
    rows = [[None]] * 10 + [["Period", "Target"]]
    assert find_header(rows, TARGETS) is None
    assert find_header([["Period", "Metric"]], TARGETS) is None


def test_settings_aliases_map_other_headers():
    _, mapping = find_header([["Day", "Net"]], ACTUALS, {"Day": "date", "net": "amount"})
    assert mapping == {0: "date", 1: "amount"}


def test_headers_ignore_case_and_spaces():
    assert find_header([["  setting ", "VALUE"]], SETTINGS)[1] == {0: "setting", 1: "value"}


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


@given(
    st.lists(
        st.one_of(st.none(), st.text(), st.sampled_from([" A1 ", "a\x0b1", "Straße", "\tq\n", "x\x1cy"]))
    )
)
def test_a_column_folds_as_each_value_does(values):
    """Arrow folds ASCII text, Python the rest: together they agree with `normalise`."""
    folded = normalise_column(pd.Series(values, dtype=object)).tolist()
    assert folded == [None if v is None else normalise(v) for v in values]
