import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.matching import KeyCodes, actuals_by_target, daily_totals, fill_from_team
from pyxl.core.schema import DIMENSIONS

D = dt.date


def frame(rows, columns):
    data = pd.DataFrame(rows, columns=columns)
    for dimension in DIMENSIONS:
        if dimension not in data:
            data[dimension] = None
    return data


def targets(*rows):
    data = frame(rows, ["metric", "start", "end", "rep", "product"])
    data["start"], data["end"] = pd.to_datetime(data["start"]), pd.to_datetime(data["end"])
    return data


def sales(*rows):
    data = frame(rows, ["date", "rep", "product", "order_id", "amount", "units"])
    data["date"] = pd.to_datetime(data["date"])
    return data


MAY = (D(2025, 5, 1), D(2025, 5, 31))


def test_dimensions_match_ignoring_case_and_spaces_and_blank_means_any():
    result = actuals_by_target(
        targets(
            ("Revenue", *MAY, "ann", None), ("Revenue", *MAY, None, "widget"), ("Revenue", *MAY, "Zed", None)
        ),
        sales((D(2025, 5, 2), " ANN ", "Widget ", "1", 10, 1), (D(2025, 5, 3), "Bob", "WIDGET", "2", 5, 1)),
        pd.Timestamp("2025-05-31"),
        True,
    )
    assert result.tolist() == [10, 15, 0]


def test_window_runs_from_start_to_the_as_of_date():
    result = actuals_by_target(
        targets(("Revenue", *MAY, None, None)),
        sales(
            (D(2025, 4, 30), "A", "W", "1", 1, 1),
            (D(2025, 5, 1), "A", "W", "2", 2, 1),
            (D(2025, 5, 10), "A", "W", "3", 4, 1),
            (D(2025, 5, 11), "A", "W", "4", 8, 1),
        ),
        pd.Timestamp("2025-05-10"),
        True,
    )
    assert result.tolist() == [6]


def test_orders_are_distinct_even_across_days():
    rows = sales(
        (D(2025, 5, 1), "A", "W", "o1", 1, 1),
        (D(2025, 5, 1), "A", "W", "O1 ", 1, 1),
        (D(2025, 5, 2), "A", "W", "o1", 1, 1),
        (D(2025, 5, 2), "A", "W", "o2", 1, 1),
        (D(2025, 4, 30), "A", "W", "o3", 1, 1),
        (D(2025, 5, 3), "A", "W", "o3", 1, 1),
        (D(2025, 5, 3), "A", "W", None, 1, 1),
        (D(2025, 5, 3), "A", "W", None, 1, 1),
    )
    result = actuals_by_target(
        targets(("Orders", *MAY, "a", None), ("Orders", D(2025, 5, 2), D(2025, 5, 2), None, None)),
        rows,
        pd.Timestamp("2025-05-31"),
        True,
    )
    # o1, o2, o3 (its May line counts), and two lines without an Order ID.
    assert result.tolist() == [5, 2]


def test_orders_count_rows_when_there_is_no_order_id_column():
    rows = sales((D(2025, 5, 1), "A", "W", None, 1, 1), (D(2025, 5, 1), "A", "W", None, 1, 1))
    assert actuals_by_target(
        targets(("Orders", *MAY, None, None)), rows, pd.Timestamp("2025-05-31"), False
    ).tolist() == [2]


def test_units_metric_sums_units():
    rows = sales((D(2025, 5, 1), "A", "W", "1", 100, 3), (D(2025, 5, 2), "A", "W", "2", 100, None))
    assert actuals_by_target(
        targets(("Units", *MAY, None, None)), rows, pd.Timestamp("2025-05-31"), True
    ).tolist() == [3]


def test_team_and_region_fill_only_blanks():
    rows = sales((D(2025, 5, 1), "ann", "W", "1", 1, 1), (D(2025, 5, 1), "Bob", "W", "2", 1, 1))
    rows.loc[1, "team"] = "Own team"
    team = pd.DataFrame({"rep": ["Ann", "Bob"], "team": ["East", "West"], "region": ["North", None]})
    filled = fill_from_team(rows, team)
    assert filled["team"].tolist() == ["East", "Own team"]
    assert filled["region"].tolist()[0] == "North"


REPS = st.sampled_from(["Ann", "ann ", "Bob", "Cy", "陈", None])


@given(st.lists(REPS, max_size=30), st.lists(st.sampled_from(["Own", None]), max_size=30))
def test_team_and_region_filled_row_by_row_as_the_team_sheet_says(reps, own):
    """Whether every row's team comes from the Team sheet (kept as numbers for its few teams) or
    some rows name their own (kept as text), each row reads as a lookup row by row would."""
    own = (own + [None] * len(reps))[: len(reps)]
    rows = pd.DataFrame({"rep": pd.array(reps, dtype="string"), "team": pd.array(own, dtype="string")})
    team = pd.DataFrame(
        {"rep": ["Ann", "Bob", "陈"], "team": ["East", None, "华东"], "region": ["North", "South", None]}
    )
    sheet = {"ann": ("East", "North"), "bob": (None, "South"), "陈": ("华东", None)}
    filled = fill_from_team(rows, team)
    for position, (rep, mine) in enumerate(zip(reps, own, strict=True)):
        from_sheet = sheet.get(rep.strip().casefold(), (None, None)) if rep else (None, None)
        expected_team = mine if mine is not None else from_sheet[0]
        for column, expected in (("team", expected_team), ("region", from_sheet[1])):
            value = filled[column].iloc[position]
            assert (None if pd.isna(value) else value) == expected, (column, position)
    codes = KeyCodes()
    by_value = codes.encode("team", filled["team"].astype(object))
    assert (KeyCodes().encode("team", filled["team"]) == by_value).all()


def test_targets_whose_dimension_no_sale_carries_get_zero():
    rows = sales((D(2025, 5, 1), None, "W", "1", 10, 1))
    result = actuals_by_target(
        targets(("Revenue", *MAY, "Ann", None), ("Orders", *MAY, "Ann", None)),
        rows,
        pd.Timestamp("2025-05-31"),
        True,
    )
    assert result.tolist() == [0, 0]


def test_windows_outside_the_sales_history():
    rows = sales((D(2025, 5, 10), "A", "W", "1", 10, 1))
    early = targets(
        ("Revenue", D(2020, 1, 1), D(2020, 1, 31), None, None),
        ("Revenue", D(2030, 1, 1), D(2030, 1, 31), None, None),
        ("Revenue", *MAY, None, None),
    )
    assert actuals_by_target(early, rows, pd.Timestamp("2031-01-01"), True).tolist() == [0, 0, 10]


ROWS = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 3_000_000),  # far apart: the sparse path
        st.integers(20_000, 20_010),
        st.floats(-1e6, 1e6),
        st.none() | st.floats(0, 100),
    ),
    max_size=60,
)


@pytest.mark.parametrize("by", [["rep", "day"], ["day"], ["rep", "customer", "day"]])
@given(rows=ROWS)
def test_daily_totals_agree_with_pandas(by, rows):
    data = pd.DataFrame(rows, columns=["rep", "customer", "day", "amount", "units"]).astype(
        {"rep": np.int64, "customer": np.int64, "day": np.int64, "amount": float, "units": float}
    )
    expected = data.groupby(by)[["amount", "units"]].sum().reset_index()
    found = daily_totals(data, by, ["amount", "units"]).sort_values(by).reset_index(drop=True)
    assert found[by].equals(expected[by])
    for value in ("amount", "units"):
        assert np.allclose(found[value], expected[value], rtol=1e-12, atol=1e-6)
