import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from conftest import basic_sheets, inputs_from
from hypothesis import given, settings
from hypothesis import strategies as st

from pyxl.core import formulas
from pyxl.core.kpis import KPI_COLUMNS, _rows_by_key, annual_churn, churn_from_history, kpi_table, year_factor
from pyxl.core.schema import normalise
from pyxl.core.tracking import track
from pyxl.views import i18n

D = dt.date
AS_OF = D(2025, 5, 15)


def sheets():
    return {
        "Targets": [["Period", "Rep", "Target"], ["2025-05", "Ann", 1000], ["2025-05", None, 3000]],
        "Actuals": [
            ["Date", "Rep", "Customer", "Amount"],
            [D(2024, 3, 10), "Ann", "C1", 100],
            [D(2024, 4, 10), "Bob", "C4", 50],
            [D(2025, 4, 1), "Bob", "C1", 50],
            [D(2025, 5, 2), "Ann", "c1 ", 300],
            [D(2025, 5, 3), "Ann", "C2", 200],
            [D(2025, 5, 20), "Bob", "C3", 500],
        ],
        "Team": [["Rep", "Team", "Region"], ["Ann", "East", "China"], ["Bob", "West", "China"]],
        "Costs": [
            ["Period", "Team", "Marketing Spend", "Sales Spend"],
            ["2025-05", "East", 100, 200],
            ["2025-05", "West", 50, 50],
            ["2025-Q2", "East", 1000, 0],
        ],
        "Pipeline": [
            ["Opportunity", "Rep", "Amount", "Probability", "Created", "Close Date", "Status"],
            ["O1", "Ann", 1000, 1, D(2025, 4, 20), D(2025, 5, 5), "won"],
            ["O2", "Bob", 2000, 0, D(2025, 5, 2), D(2025, 5, 10), "Lost"],
            ["O3", "Ann", 4000, 60, D(2025, 5, 3), D(2025, 5, 25), "open"],
            ["O4", "Bob", 500, 0.5, D(2025, 5, 4), D(2025, 6, 10), "进行中"],
            ["O5", "Ann", 300, 0.2, D(2025, 5, 5), D(2025, 5, 10), "open"],
        ],
        "Survey": [
            ["Date", "Rep", "Score", "Scale"],
            [D(2025, 5, 2), "Ann", 5, "CSAT"],
            [D(2025, 5, 3), "Bob", 3, "CSAT"],
            [D(2025, 5, 4), "Ann", 10, "NPS"],
            [D(2025, 5, 5), "Ann", 9, "NPS"],
            [D(2025, 5, 6), "Bob", 2, "NPS"],
            [D(2025, 5, 20), "Ann", 1, "CSAT"],
        ],
    }


def kpis(data=None):
    return kpi_table(track(inputs_from(data or sheets()), AS_OF))


def one(table, level, name, period="2025-05"):
    found = table[(table["Level"] == level) & (table["Name"] == name) & (table["Period"] == period)]
    assert len(found) == 1
    return found.iloc[0]


def test_columns_and_rows():
    table = kpis()
    assert list(table.columns[: len(KPI_COLUMNS)]) == KPI_COLUMNS
    assert [(r.Level, r.Name) for r in table.itertuples()] == [
        ("Company", "All"),
        ("Team", "East"),
        ("Team", "West"),
        ("Region", "China"),
    ]


def test_company_by_hand():
    row = one(kpis(), "Company", "All")
    assert row["Revenue"] == 500 and row["Customers"] == 2 and row["New Customers"] == 1
    assert row["Spend"] == 400 and row["CAC"] == 400  # the 2025-Q2 row is not the month itself
    # Churn: of last year's {C1, C4}, C4 did not buy again -> 0.5. 15 days scaled to 365.
    assert row["CLTV"] == pytest.approx(500 / 2 * 365 / 15 / 0.5)
    assert row["LTV:CAC"] == pytest.approx(row["CLTV"] / 400)
    assert (row["Won"], row["Lost"], row["Win Rate"]) == (1, 1, 0.5)
    assert row["Open Pipeline"] == 4000  # O3 only: O4 closes after May, O5 before the as-of date
    assert row["Coverage"] == pytest.approx(4000 / 2500)
    assert row["Weighted Forecast"] == pytest.approx(500 + 4000 * 0.6)
    assert row["Responses"] == 5 and row["CSAT"] == 0.5
    assert row["NPS"] == pytest.approx(100 * (2 / 3 - 1 / 3))
    assert (row["Leads"], row["Conversion"]) == (4, 0)


def test_team_by_hand_with_blanks_and_notes():
    row = one(kpis(), "Team", "East")
    assert (row["Revenue"], row["Spend"], row["CAC"]) == (500, 300, 300)
    # Churn is the workbook's one figure (as the Annual Churn setting would be): 0.5.
    assert row["CLTV"] == pytest.approx(500 / 2 * 365 / 15 / 0.5)
    # Coverage divides by the period's Company Revenue gap, as the contract says.
    assert row["Win Rate"] == 1.0 and row["Coverage"] == pytest.approx(4000 / 2500)
    assert (row["Responses"], row["CSAT"], row["NPS"]) == (3, 1.0, 100.0)
    west = one(kpis(), "Team", "West")
    assert (
        west["Revenue"] == 0 and math.isnan(west["CAC"]) and "no new customers" in i18n.notes(west["Notes"])
    )
    region = one(kpis(), "Region", "China")
    # Costs by team roll up to the teams' region: East and West are both in China.
    assert region["Spend"] == 400


def test_settings_for_margin_and_churn():
    data = sheets() | {"Settings": [["Setting", "Value"], ["Gross Margin", "60%"], ["Annual Churn", 0.25]]}
    row = one(kpis(data), "Company", "All")
    assert row["CLTV"] == pytest.approx(500 / 2 * 365 / 15 * 0.6 / 0.25)


def test_coverage_uses_the_company_rollup_and_is_blank_only_without_either():
    data = sheets()
    data["Targets"] = data["Targets"][:2]
    assert one(kpis(data), "Company", "All")["Coverage"] > 0  # Ann's target rolls up to the company
    del data["Team"]
    row = one(kpis(data), "Company", "All")
    assert math.isnan(row["Coverage"]) and "no Company Revenue target" in i18n.notes(row["Notes"])


def test_spend_that_cannot_be_split_is_blank_with_a_note_never_zero():
    data = sheets()
    data["Costs"] = [["Period", "Marketing Spend"], ["2025-05", 500]]
    team = one(kpis(data), "Team", "East")
    assert math.isnan(team["Spend"]) and "name no team" in i18n.notes(team["Notes"])
    assert one(kpis(data), "Company", "All")["Spend"] == 500


def test_without_the_optional_sheets_figures_are_blank_not_errors():
    data = {k: v for k, v in sheets().items() if k in ("Targets", "Actuals")}
    row = kpi_table(track(inputs_from(data), AS_OF)).iloc[0]
    for column in ("Spend", "CAC", "Win Rate", "Open Pipeline", "Coverage", "CSAT", "NPS"):
        assert math.isnan(row[column]), column
    assert row["Revenue"] == 500


def test_bad_rows_in_the_new_sheets_are_reported():
    data = sheets()
    data["Pipeline"].append(["O6", "Ann", 100, 0.5, D(2025, 5, 1), D(2025, 5, 9), "maybe"])
    data["Survey"].append([D(2025, 5, 2), "Ann", 7, "CSAT"])
    issues = inputs_from(data).issues.frame()
    assert {"pipeline_status_unknown", "score_out_of_range"} <= set(issues["problem"])


def test_churn_and_year_scaling():
    dates = np.array(["2024-01-01", "2023-12-01", "2025-01-01"], "M8[D]")
    assert annual_churn(dates, np.array(["a", "b", "a"]), D(2025, 1, 31)) == 0.5
    assert math.isnan(annual_churn(dates[:0], np.array([]), D(2025, 1, 31)))
    assert year_factor(D(2025, 1, 1), D(2025, 12, 31)) == 1.0
    assert year_factor(D(2024, 1, 1), D(2024, 12, 31)) == 1.0


def test_kpi_cell_functions():
    assert formulas.cac(400, 1) == 400 and math.isnan(formulas.cac(400, 0))
    assert formulas.win_rate(1, 1) == 0.5 and math.isnan(formulas.win_rate(0, 0))
    assert formulas.conversion(1, 4) == 0.25
    assert formulas.cltv(1000, 0.5, 0.6) == pytest.approx(1200)
    assert formulas.csat([[5], [3], [None]]) == 0.5
    assert formulas.nps([10, 9, 2]) == pytest.approx(100 / 3)


@given(st.lists(st.integers(0, 10), max_size=40))
def test_nps_and_csat_stay_in_range(scores):
    value = formulas.nps(scores)
    assert math.isnan(value) if not scores else -100 <= value <= 100
    csat_scores = [min(max(s, 1), 5) for s in scores]
    share = formulas.csat(csat_scores)
    assert math.isnan(share) if not scores else 0 <= share <= 1


@given(st.integers(0, 50), st.integers(0, 50))
def test_win_rate_is_a_share(won, lost):
    rate = formulas.win_rate(won, lost)
    assert math.isnan(rate) if won + lost == 0 else 0 <= rate <= 1


def test_churn_is_measured_on_less_than_two_years_of_history_and_annualised():
    """Eight months of sales: two windows of four months; of a, b, c only c bought again."""
    days = np.array(["2025-01-10", "2025-02-10", "2025-03-10", "2025-06-01", "2025-08-30"], "M8[D]")
    customers = np.array(["a", "b", "c", "c", "c"])
    as_of = D(2025, 8, 31)
    assert math.isnan(annual_churn(days, customers, as_of))  # the contract's year-on-year window
    rate, shortened = churn_from_history(days, customers, as_of)
    window = ((np.datetime64(as_of) - days.min()).astype(int) + 1) // 2
    assert shortened and rate == pytest.approx(1 - (1 / 3) ** (365 / window))
    # With two years the contract's measure stands, unshortened.
    assert churn_from_history(days - np.timedelta64(365, "D"), customers, as_of) == (
        annual_churn(days - np.timedelta64(365, "D"), customers, as_of),
        False,
    )
    rate, shortened = churn_from_history(days[-1:], customers[-1:], as_of)  # one day: too little
    assert math.isnan(rate) and not shortened


def test_cltv_notes_name_what_is_missing():
    data = sheets()
    data["Actuals"] = [[row[0], row[1], row[3]] for row in data["Actuals"]]  # no Customer column
    data["Actuals"][0] = ["Date", "Rep", "Amount"]
    row = one(kpis(data), "Company", "All")
    assert math.isnan(row["CLTV"]) and "add a Customer column" in i18n.notes(row["Notes"])
    assert "请添加客户列" in i18n.notes(row["Notes"], "zh")
    short = sheets()
    short["Actuals"] = [short["Actuals"][0], *short["Actuals"][4:]]  # three weeks of sales
    row = one(kpis(short), "Company", "All")
    assert math.isnan(row["CLTV"]) and "set Annual Churn in Settings" in i18n.notes(row["Notes"])
    row = one(kpis(), "Company", "All")  # fourteen months: the contract's measure, no note
    assert row["CLTV"] > 0 and "CLTV" not in i18n.notes(row["Notes"])


@given(
    st.lists(
        st.sampled_from(["East", "east ", " EAST", "West", "w\test", None, "北区", "北区 "]), max_size=40
    ),
    st.randoms(use_true_random=False),
)
def test_rows_are_found_under_each_folded_team_in_the_given_order(values, random):
    order = list(range(len(values)))
    random.shuffle(order)
    expected: dict[str, list[int]] = {}
    for position, row in enumerate(order):
        if values[row] is not None:
            expected.setdefault(normalise(values[row]), []).append(position)
    found = _rows_by_key("team", pd.Series(values, dtype=object), np.array(order, dtype=np.int64))
    assert {key: rows.tolist() for key, rows in found.items()} == expected


@settings(max_examples=10, deadline=None)  # a whole tracking run each
@given(st.randoms(use_true_random=False))
def test_kpis_do_not_depend_on_the_order_of_the_sales_rows(random):
    """Rows are sorted by day inside, with shared lines among them: any order of the sheet gives
    the same figures."""
    data = sheets()
    data["Actuals"] = [
        ["Date", "Rep", "Customer", "Amount", "Order ID", "Allocated %"],
        *[[*row, None, None] for row in data["Actuals"][1:]],
        [D(2025, 5, 4), "Ann", "C5", 80, "S1", "50%"],
        [D(2025, 5, 4), "Bob", "C5", 80, "S1", "50%"],
    ]
    expected = kpis(data)
    body = data["Actuals"][1:]
    random.shuffle(body)
    data["Actuals"] = [data["Actuals"][0], *body]
    pd.testing.assert_frame_equal(kpis(data), expected)


def test_a_pipeline_without_a_created_column_has_no_conversion_and_no_crash():
    sheets = basic_sheets() | {
        "Pipeline": [
            ["Opportunity", "Rep", "Amount", "Close Date", "Status"],
            ["Deal", "Ann", 900, dt.date(2025, 5, 15), "won"],
        ]
    }
    kpis = kpi_table(track(inputs_from(sheets), dt.date(2025, 5, 20)))
    company = kpis[(kpis["Level"] == "Company") & (kpis["Period"] == "2025-05")].iloc[0]
    assert company["Won"] == 1 and pd.isna(company["Conversion"])
