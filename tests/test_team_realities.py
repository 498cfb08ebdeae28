"""The contract's "Team realities": split credit, half-years, groups, spread targets, make-up days."""

import datetime as dt
import math

import numpy as np
import pytest
from conftest import D, inputs_from
from hypothesis import given
from hypothesis import strategies as st

from pyxl.core.kpis import kpi_table
from pyxl.core.periods import parse_period
from pyxl.core.realism import suggest
from pyxl.core.tracking import track
from pyxl.udfs import track_lookup
from pyxl.views import i18n
from pyxl.views.sheets import quality_rows

END_OF_MAY = dt.date(2025, 5, 31)


def row(table, name, period=None, level=None):
    chosen = table[table["Name"] == name]
    if period:
        chosen = chosen[chosen["Period"] == period]
    if level:
        chosen = chosen[chosen["Level"] == level]
    assert len(chosen) == 1, chosen
    return chosen.iloc[0]


def problems(inputs_or_tracking, language="en"):
    return quality_rows(inputs_or_tracking.issues.frame(), language)


# Split credit -------------------------------------------------------------------------------


def shared_order_sheets():
    """ERPNext's case (frappe/erpnext#4046): two reps share an order of 20 half and half."""
    return {
        "Targets": [
            ["Period", "Rep", "Team", "Target"],
            ["2025-05", "Ann", None, 50],
            ["2025-05", "Bob", None, 50],
            ["2025-05", None, "East", 100],
            ["2025-05", None, None, 100],
        ],
        "Actuals": [
            ["Date", "Rep", "Order ID", "Amount", "Units", "分配比例"],
            [D(2025, 5, 3), "Ann", "SO-1", 20, 2, "50%"],
            [D(2025, 5, 3), "Bob", "SO-1", 20, 2, 50],
            [D(2025, 5, 4), "Ann", "SO-2", 5, 1, None],
        ],
        "Team": [["Rep", "Team"], ["Ann", "East"], ["Bob", "East"]],
    }


def test_each_rep_is_credited_their_share_and_a_territory_counts_the_line_once():
    table = track(inputs_from(shared_order_sheets()), END_OF_MAY).table
    bob = row(table, "Bob")
    assert (bob["Target"], bob["Actual"], bob["Variance"]) == (50, 10, -40)
    assert row(table, "Ann", level="Rep")["Actual"] == 15
    assert row(table, "East", level="Team")["Actual"] == 25
    assert row(table, "All", level="Company")["Actual"] == 25
    assert row(table, "East", level="Team rollup")["Actual"] == 25  # the members' credited shares


def test_orders_count_for_every_rep_who_shares_them():
    sheets = shared_order_sheets()
    sheets["Targets"] = [
        ["Period", "Metric", "Rep", "Target"],
        ["2025-05", "Orders", "Bob", 2],
        ["2025-05", "Orders", None, 2],
    ]
    table = track(inputs_from(sheets), END_OF_MAY).table
    assert row(table, "Bob")["Actual"] == 1 and row(table, "All", level="Company")["Actual"] == 2


def test_shares_not_adding_up_are_warned_and_units_are_credited_too():
    sheets = shared_order_sheets()
    sheets["Actuals"][2][5] = "40%"
    inputs = inputs_from(sheets)
    warned = problems(inputs)
    split = warned[warned["Problem"].str.contains("add up to 90%")]
    assert split["Row"].tolist() == [2, 3]
    assert sorted(inputs.actuals["share"]) == [0.4, 0.5, 1.0]


def test_a_team_that_keys_in_divided_rows_keeps_its_figures():
    sheets = shared_order_sheets()
    sheets["Actuals"] = [
        ["Date", "Rep", "Order ID", "Amount"],
        [D(2025, 5, 3), "Ann", "SO-1", 10],
        [D(2025, 5, 3), "Bob", "SO-1", 10],
    ]
    table = track(inputs_from(sheets), END_OF_MAY).table
    assert row(table, "Bob")["Actual"] == 10 and row(table, "All", level="Company")["Actual"] == 20


def test_kpis_count_a_shared_line_once_for_the_company():
    kpis = kpi_table(track(inputs_from(shared_order_sheets()), END_OF_MAY))
    company = kpis[(kpis["Level"] == "Company") & (kpis["Period"] == "2025-05")].iloc[0]
    team = kpis[(kpis["Level"] == "Team") & (kpis["Period"] == "2025-05")].iloc[0]
    assert company["Revenue"] == 25 and team["Revenue"] == 25


@given(
    st.lists(
        st.tuples(st.integers(1, 28), st.integers(1, 500), st.sampled_from([None, 0.5, 0.25])),
        min_size=1,
        max_size=12,
    )
)
def test_splitting_lines_between_reps_never_changes_the_company_total(lines):
    plain, split = (
        [["Date", "Rep", "Order ID", "Amount", "Allocated %"]],
        [["Date", "Rep", "Order ID", "Amount", "Allocated %"]],
    )
    for index, (day, amount, share) in enumerate(lines):
        order = f"O{index}"
        plain.append([D(2025, 5, day), "Ann", order, amount, None])
        if share is None:
            split.append([D(2025, 5, day), "Ann", order, amount, None])
        else:  # the line shared by Ann and Bob, shares adding to 100%
            split.append([D(2025, 5, day), "Ann", order, amount, share])
            split.append([D(2025, 5, day), "Bob", order, amount, 1 - share])
    targets = [
        ["Period", "Rep", "Target"],
        ["2025-05", None, 1000],
        ["2025-05", "Ann", 500],
        ["2025-05", "Bob", 500],
    ]
    whole = track(inputs_from({"Targets": targets, "Actuals": plain}), END_OF_MAY).table
    shared = track(inputs_from({"Targets": targets, "Actuals": split}), END_OF_MAY).table
    assert row(shared, "All")["Actual"] == pytest.approx(row(whole, "All")["Actual"])
    credited = row(shared, "Ann")["Actual"] + row(shared, "Bob")["Actual"]
    assert credited == pytest.approx(row(whole, "All")["Actual"])


# Half-years ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fiscal", "label", "start", "end"),
    [
        ("2025-H1", 1, "2025-H1", D(2025, 1, 1), D(2025, 6, 30)),
        ("2025-H2", 1, "2025-H2", D(2025, 7, 1), D(2025, 12, 31)),
        ("2025年上半年", 1, "2025-H1", D(2025, 1, 1), D(2025, 6, 30)),
        ("2025年下半年", 1, "2025-H2", D(2025, 7, 1), D(2025, 12, 31)),
        ("FY2026-H1", 4, "FY2026-H1", D(2025, 4, 1), D(2025, 9, 30)),
        ("FY2026-H2", 4, "FY2026-H2", D(2025, 10, 1), D(2026, 3, 31)),
    ],
)
def test_half_years(text, fiscal, label, start, end):
    period = parse_period(text, fiscal)
    assert (period.label, period.start, period.end) == (label, start, end)


def test_half_years_work_in_targets_suggest_and_cell_functions():
    sheets = {
        "Targets": [["Period", "Rep", "Target"], ["2025年上半年", "Ann", 600]],
        "Actuals": [["Date", "Rep", "Amount"]]
        + [
            [D(year, m, 10), "Ann", 100]
            for year, months in ((2024, 12), (2025, 5))
            for m in range(1, months + 1)
        ],
    }
    tracking = track(inputs_from(sheets), D(2025, 5, 31))
    ann = row(tracking.table, "Ann")
    assert (ann["Period"], ann["Actual"]) == ("2025-H1", 500)
    assert track_lookup(tracking.table, "ann", "2025-H1", "Actual") == 500
    suggested = suggest(tracking.inputs, "2025-H2", D(2025, 5, 31))
    assert suggested["Period"].tolist() == ["2025-H2"]


# Groups -------------------------------------------------------------------------------------


def grouped_sheets():
    return {
        "Targets": [
            ["Period", "Metric", "Product", "Customer", "Target"],
            ["2025-05", None, "Cardio", None, 50],
            ["2025-05", None, "Statins", None, 50],
            ["2025-05", None, "Lipitor", None, 10],
            ["2025-05", "Orders", "Cardio", None, 3],
            ["2025-05", None, None, "Hospitals", 100],
        ],
        "Actuals": [
            ["Date", "Product", "Customer", "Order ID", "Amount"],
            [D(2025, 5, 3), "Lipitor", "Ruijin", "O1", 20],
            [D(2025, 5, 3), "zocor ", "Ruijin", "O1", 7],
            [D(2025, 5, 4), "Aspirin", "Pharmacy 9", "O2", 5],
            [D(2025, 5, 4), "Other", "Huashan", "O3", 100],
        ],
        "产品": [
            ["产品", "产品组"],
            ["Lipitor", "Statins"],
            ["Zocor", "Statins"],
            ["Statins", "Cardio"],
            ["Aspirin", "Cardio"],
        ],
        "Customers": [
            ["Customer", "Group"],
            ["Ruijin", "Shanghai hospitals"],
            ["Huashan", "Shanghai hospitals"],
            ["Shanghai hospitals", "Hospitals"],
        ],
    }


def test_a_group_target_counts_every_member_below_it_and_a_member_only_itself():
    table = track(inputs_from(grouped_sheets()), END_OF_MAY).table
    revenue = table[table["Metric"] == "Revenue"].set_index("Name")["Actual"]
    assert (revenue["Cardio"], revenue["Statins"], revenue["Lipitor"], revenue["Hospitals"]) == (
        32,
        27,
        20,
        127,
    )
    orders = table[table["Metric"] == "Orders"].iloc[0]
    assert orders["Actual"] == 2  # O1 holds two products of the group: one order


def test_a_loop_in_the_groups_is_reported_and_broken():
    sheets = grouped_sheets()
    sheets["产品"].append(["Cardio", "Lipitor"])
    tracking = track(inputs_from(sheets), END_OF_MAY)
    loops = problems(tracking)
    assert loops[loops["Problem"].str.contains("loop")]["Row"].tolist() == [6]
    revenue = tracking.table[tracking.table["Metric"] == "Revenue"]
    assert row(revenue, "Cardio")["Actual"] == 32
    zh = problems(tracking, "zh")
    assert zh["Problem"].str.contains("循环").any()


@given(
    st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.integers(1, 100)), min_size=1, max_size=15)
)
def test_a_group_target_equals_the_sum_of_its_members_sales(sales):
    members = {"A": "G1", "B": "G1", "C": "G2", "D": "G2"}
    sheets = {
        "Targets": [["Period", "Product", "Target"], ["2025-05", "Top", 100], ["2025-05", "G1", 100]],
        "Actuals": [["Date", "Product", "Amount"]] + [[D(2025, 5, 1), p, a] for p, a in sales],
        "Products": [
            ["Product", "Group"],
            *[[m, g] for m, g in members.items()],
            ["G1", "Top"],
            ["G2", "Top"],
        ],
    }
    table = track(inputs_from(sheets), END_OF_MAY).table.set_index("Name")["Actual"]
    assert table["Top"] == sum(a for _, a in sales)
    assert table["G1"] == sum(a for p, a in sales if members[p] == "G1")


# Spreading ----------------------------------------------------------------------------------


def test_the_contracts_spread_example():
    weights = [[m, 8] for m in range(1, 11)] + [[11, 10], [12, 10]]
    sheets = {
        "Targets": [
            ["Period", "Rep", "Target", "分解"],
            ["2025", "Ann", 120000, "按月"],
            ["2025", "Bob", 120000, "quarter"],
        ],
        "Actuals": [["Date", "Rep", "Amount"], [D(2025, 1, 5), "Ann", 10]],
        "Seasonality": [["Month", "Weight"], *weights],
    }
    targets = inputs_from(sheets).targets
    ann = targets[targets["rep"] == "Ann"].set_index("period")["target"]
    bob = targets[targets["rep"] == "Bob"].set_index("period")["target"]
    assert ann["2025-01"] == 9600 and bob["2025-Q4"] == 33600
    assert list(ann.index) == ["2025", *[f"2025-{m:02d}" for m in range(1, 13)]]  # right after its row
    assert targets.loc[targets["period"] == "2025-01", "row"].tolist() == [2]


def test_an_explicit_row_wins_over_a_spread_one():
    sheets = {
        "Targets": [
            ["Period", "Rep", "Target", "Split"],
            ["2025-Q1", "Ann", 3000, "month"],
            ["2025-02", "ann", 500, None],
        ],
        "Actuals": [["Date", "Rep", "Amount"], [D(2025, 2, 5), "Ann", 10]],
    }
    inputs = inputs_from(sheets)
    february = inputs.targets[inputs.targets["period"] == "2025-02"]
    assert february["target"].tolist() == [500]
    assert problems(inputs)["Problem"].str.contains("replaces the share").any()


@given(
    st.integers(1, 10**7),
    st.sampled_from(["month", "quarter"]),
    st.lists(st.integers(0, 20), min_size=12, max_size=12),
)
def test_spread_targets_sum_to_the_rows_target(target, split, weights):
    sheets = {
        "Targets": [["Period", "Target", "Split"], ["2025", target, split]],
        "Actuals": [["Date", "Amount"], [D(2025, 1, 5), 10]],
        "Seasonality": [["Month", "Weight"], *[[m + 1, w] for m, w in enumerate(weights)]],
    }
    targets = inputs_from(sheets).targets
    spread = targets[targets["period"] != "2025"]
    assert spread["target"].sum() == pytest.approx(target)


# Make-up working days -----------------------------------------------------------------------


def national_day(pacing="workdays"):
    return {
        "Targets": [["Period", "Rep", "Target", "Pacing"], ["2025-10", "Li", 18000, pacing]],
        "Actuals": [["Date", "Rep", "Amount"], [D(2025, 10, 9), "Li", 6000]],
        "Holidays": [["日期", "名称", "类型"]]
        + [[D(2025, 10, d), "国庆节", "节假日"] for d in range(1, 9)]
        + [[D(2025, 9, 28), "补班", "补班"], [D(2025, 10, 11), "补班", "班"]],
    }


def test_make_up_days_are_working_days_and_holidays_are_not():
    inputs = inputs_from(national_day())
    october = np.array(["2025-10-01"], "M8[D]"), np.array(["2025-10-31"], "M8[D]")
    assert inputs.calendar.workdays(*october)[0] == 18
    ann = row(track(inputs, D(2025, 10, 15)).table, "Li")
    assert ann["Expected"] == pytest.approx(18000 * 6 / 18)
    assert ann["Days Left"] == 12


def test_an_unknown_holiday_type_is_read_as_a_holiday_with_a_warning():
    sheets = national_day()
    sheets["Holidays"].append([D(2025, 10, 20), "x", "maybe"])
    inputs = inputs_from(sheets)
    assert (
        inputs.calendar.workdays(np.array(["2025-10-01"], "M8[D]"), np.array(["2025-10-31"], "M8[D]"))[0]
        == 17
    )
    assert problems(inputs)["Problem"].str.contains("holiday or workday").any()


def test_every_rule_is_worded_in_both_languages():
    for key in (
        "split_not_whole",
        "group_loop",
        "spread_overridden",
        "holiday_type_unknown",
        "share_outside",
    ):
        english, chinese = i18n.TEXT[key]
        assert english and chinese and english != chinese
    assert not math.isnan(row(track(inputs_from(national_day()), D(2025, 10, 15)).table, "Li")["Pace"])


# People who leave ---------------------------------------------------------------------------


def test_a_rep_who_left_keeps_past_rows_but_nothing_present_or_future():
    from pyxl.views.dashboard import dashboard_sheet
    from pyxl.views.summaries import plan_summaries

    sheets = {
        "Targets": [
            ["Period", "Rep", "Target"],
            ["2025-04", "Carl", 100],
            ["2025-05", "Carl", 100],
            ["2025-05", "Ann", 100],
        ],
        "Actuals": [["Date", "Rep", "Amount"], [D(2025, 4, 3), "Carl", 50], [D(2025, 5, 3), "Ann", 60]],
        "Team": [
            ["Rep", "Email", "Team", "Manager", "Manager Email", "End Date"],
            ["Carl", "carl@example.com", "East", "Mia", "mia@example.com", D(2025, 4, 30)],
            ["Ann", "ann@example.com", "East", "Mia", "mia@example.com", "9999-12-31"],
        ],
    }
    tracking = track(inputs_from(sheets), D(2025, 5, 15))
    assert set(tracking.table.loc[tracking.table["Name"] == "Carl", "Period"]) == {"2025-04", "2025-05"}
    assert row(tracking.table, "East", "2025-04", level="Team rollup")["Actual"] == 50
    assert row(tracking.table, "East", "2025-05", level="Team rollup")["Target"] == 100  # Ann only
    plan = plan_summaries(tracking)
    assert [s.recipient.name for s in plan.summaries if s.kind == "rep"] == ["Ann"]
    digest = next(s for s in plan.summaries if s.kind == "manager")
    assert {r["name"] for r in digest.rows} == {"Ann"} and digest.members == ["Ann"]
    assert "Carl" not in set(suggest(tracking.inputs, "2025-06", D(2025, 5, 15))["Name"])
    dashboard = dashboard_sheet(tracking, kpi_table(tracking))
    charted = {r[0] for block in dashboard.blocks for r in block.rows}
    assert "Carl" not in charted and "Ann" in charted
