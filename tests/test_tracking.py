import datetime as dt

import pytest
from conftest import basic_sheets, inputs_from
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core.tracking import TRACKING_COLUMNS, track

D = dt.date


def tracked(sheets=None, as_of=None):
    return track(inputs_from(sheets or basic_sheets()), as_of or D(2025, 5, 15))


def row(table, level, name, period, metric="Revenue"):
    found = table[
        (table["Level"] == level)
        & (table["Name"] == name)
        & (table["Period"] == period)
        & (table["Metric"] == metric)
    ]
    assert len(found) == 1, found
    return found.iloc[0]


def test_columns_follow_the_contract():
    assert list(tracked().table.columns) == TRACKING_COLUMNS


def test_rep_month_by_hand():
    ann = row(tracked().table, "Rep", "Ann", "2025-05")
    # 300 + 100 on 1 May, 200 on 10 May (rep typed " ANN "); 999 on 31 May is after the as-of date.
    assert ann["Actual"] == pytest.approx(600)
    assert (ann["Start"], ann["End"]) == (D(2025, 5, 1), D(2025, 5, 31))
    assert ann["Expected"] == pytest.approx(1000 * 15 / 31)
    assert ann["Pace"] == pytest.approx(600 / (1000 * 15 / 31))
    assert ann["Status"] == "Ahead"
    assert ann["Forecast"] == pytest.approx(600 * 31 / 15)
    assert ann["Days Left"] == 16
    assert ann["Required per Day"] == pytest.approx(400 / 16)


def test_other_metrics_and_levels():
    table = tracked().table
    assert row(table, "Rep", "Bob", "2025-05")["Status"] == "At risk"
    assert row(table, "Product", "Widget", "2025-Q2", "Units")["Actual"] == pytest.approx(14)
    assert row(table, "Rep", "ann", "2025-05", "Orders")["Actual"] == 2
    assert row(table, "Company", "All", "2025")["Actual"] == pytest.approx(650)


def test_rollups_follow_the_targets():
    table = tracked().table
    assert table["Level"].tolist()[:5] == ["Rep", "Rep", "Product", "Rep", "Company"]
    team = row(table, "Team rollup", "East", "2025-05")
    assert (team["Target"], team["Actual"]) == (3000, 600)
    assert row(table, "Team rollup", "East", "2025-05", "Orders")["Actual"] == 2
    assert row(table, "Region rollup", "China", "2025-05")["Target"] == 3000
    assert row(table, "Company rollup", "All", "2025-05")["Target"] == 3000
    assert len(table) == 11


def test_after_the_period_end():
    ann = row(tracked(as_of=D(2025, 6, 1)).table, "Rep", "Ann", "2025-05")
    assert ann["Actual"] == pytest.approx(1599)
    assert ann["Status"] == "Achieved"
    assert ann["Forecast"] == pytest.approx(1599)
    assert ann["Days Left"] == 0


def test_as_of_comes_from_settings_when_not_given():
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    assert track(inputs_from(sheets)).as_of == D(2025, 5, 15)


def test_team_and_region_come_from_the_team_sheet():
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", None, None, 500])
    sheets["Targets"][0].append("Team")
    sheets["Targets"][-1] = ["2025-05", "Revenue", None, None, 500, "east"]
    table = tracked(sheets).table
    assert row(table, "Team", "east", "2025-05")["Actual"] == pytest.approx(600)


def test_explicit_team_target_that_differs_from_members_is_warned():
    sheets = basic_sheets()
    sheets["Targets"][0].append("Team")
    sheets["Targets"].append(["2025-05", "Revenue", None, None, 2500, "East"])
    result = tracked(sheets)
    issues = result.issues.frame()
    mismatch = issues[issues["problem"] == "rollup_mismatch"]
    assert mismatch["row"].tolist() == [7]
    assert mismatch["detail"].tolist() == ["3,000.00"]


def test_fiscal_workdays_pacing_from_settings_and_row_override():
    sheets = basic_sheets() | {
        "Settings": [["Setting", "Value"], ["Fiscal Year Start Month", 4], ["Pacing", "workdays"]],
        "Holidays": [["Date", "Name"], [D(2025, 5, 5), "Holiday"]],
    }
    sheets["Targets"][0].append("Pacing")
    sheets["Targets"].append(["FY2026", "Revenue", None, None, 12000, "linear"])
    table = tracked(sheets).table
    ann = row(table, "Rep", "Ann", "2025-05")
    # Working days 1 May..15 May minus the 5th: 1,2,6,7,8,9,12,13,14,15 = 10 of 21.
    assert ann["Expected"] == pytest.approx(1000 * 10 / 21)
    fiscal = row(table, "Company", "All", "FY2026")
    assert (fiscal["Start"], fiscal["End"]) == (D(2025, 4, 1), D(2026, 3, 31))
    assert fiscal["Expected"] == pytest.approx(12000 * 45 / 365)


amounts = st.lists(
    st.tuples(
        st.sampled_from(["Ann", "Bob", "Cy", "Di"]), st.integers(1, 28), st.floats(0, 1e6, allow_nan=False)
    ),
    max_size=30,
)
targets = st.lists(
    st.tuples(st.sampled_from(["Ann", "Bob", "Cy", "Di"]), st.floats(1, 1e6)),
    min_size=1,
    max_size=4,
    unique_by=lambda t: t[0],
)


@settings(max_examples=30, deadline=None)
@given(amounts, targets)
def test_a_rollup_is_the_sum_of_its_members(sales, rep_targets):
    sheets = {
        "Targets": [["Period", "Rep", "Target"], *[["2025-05", rep, t] for rep, t in rep_targets]],
        "Actuals": [["Date", "Rep", "Amount"], *[[D(2025, 5, d), rep, a] for rep, d, a in sales]],
        "Team": [["Rep", "Team", "Region"], ["Ann", "T1", "R"], ["Bob", "T1", "R"], ["Cy", "T2", "R"]],
    }
    table = tracked(sheets).table
    reps = table[table["Level"] == "Rep"]
    company = row(table, "Company rollup", "All", "2025-05")
    assert company["Target"] == pytest.approx(reps["Target"].sum())
    assert company["Actual"] == pytest.approx(reps["Actual"].sum())
    for team, members in (("T1", {"Ann", "Bob"}), ("T2", {"Cy"})):
        chosen = reps[reps["Name"].isin(members)]
        rolled = table[(table["Level"] == "Team rollup") & (table["Name"] == team)]
        if chosen.empty:
            assert rolled.empty
        else:
            assert rolled["Target"].iloc[0] == pytest.approx(chosen["Target"].sum())
            assert rolled["Actual"].iloc[0] == pytest.approx(chosen["Actual"].sum())


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["2025-02", "2025-Q2", "2025", "2024-02"]),
    st.sampled_from(["linear", "workdays", "seasonal"]),
    st.floats(1, 1e7),
)
def test_expected_equals_target_at_period_end(period, method, target):
    data = {
        "Targets": [["Period", "Target", "Pacing"], [period, target, method]],
        "Actuals": [["Date", "Amount"], [D(2025, 1, 5), 10]],
        "Holidays": [["Date"], [D(2025, 2, 3)], [D(2025, 6, 30)]],
    }
    inputs = inputs_from(data)
    end = inputs.targets["end"].iloc[0].date()
    row = track(inputs, end).table.iloc[0]
    assert row["Expected"] == pytest.approx(target)
    assert row["Days Left"] == 0


def test_tracking_twice_reports_each_problem_once():
    data = basic_sheets()
    data["Targets"][0].append("Team")
    data["Targets"].append(["2025-05", "Revenue", None, None, 2500, "East"])
    inputs = inputs_from(data)
    first = track(inputs, D(2025, 5, 15)).issues.frame()
    second = track(inputs, D(2025, 5, 15)).issues.frame()
    assert len(first) == len(second) == 1


def test_rollups_leave_out_reps_outside_their_start_and_end_dates():
    data = basic_sheets()
    data["Team"] = [
        ["Rep", "Team", "Region", "Start Date", "End Date"],
        ["Ann", "East", "China", D(2024, 1, 1), None],
        ["Bob", "East", "China", D(2024, 1, 1), D(2025, 4, 30)],
    ]
    table = tracked(data).table
    assert row(table, "Team rollup", "East", "2025-05")["Target"] == 1000  # Bob left in April
    assert row(table, "Rep", "Bob", "2025-05")["Target"] == 2000  # his own row stays
