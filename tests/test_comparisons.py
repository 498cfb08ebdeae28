"""Last Year (同比), Prior Period (环比) and the weighted pipeline beside each target."""

import datetime as dt

import pandas as pd
import pytest
from conftest import inputs_from

from pyxl.core.comparisons import last_year_windows, prior_period_windows
from pyxl.core.tracking import track

D = dt.date


def two_years():
    """Two years of sales, one a day: 10 a day in 2024, 12 a day in 2025, and a deal pipeline."""
    days = pd.date_range("2024-01-01", "2025-12-31")
    actuals = [["Date", "Rep", "Amount"]] + [
        [day.date(), "Ann" if day.day % 2 else "Bob", 10 if day.year == 2024 else 12] for day in days
    ]
    return {
        "Targets": [
            ["Period", "Rep", "Target"],
            ["2025-03", "Ann", 200],
            ["2025-Q2", None, 1000],
            ["2025", "Bob", 2000],
            ["2025-02", None, 300],
        ],
        "Actuals": actuals,
        "Team": [["Rep", "Team"], ["Ann", "East"], ["Bob", "East"]],
        "Pipeline": [
            ["Opportunity", "Rep", "Amount", "Probability", "Close Date", "Status"],
            ["O1", "Ann", 1000, 0.5, D(2025, 5, 20), "open"],
            ["O2", "Bob", 2000, "40%", D(2025, 6, 2), "open"],
            ["O3", "Ann", 5000, 0.9, D(2025, 5, 15), "open"],  # closes on the as-of day: not ahead
            ["O4", "Bob", 3000, 0.9, D(2025, 5, 30), "won"],
            ["O5", "Ann", 700, None, D(2025, 5, 31), "open"],
        ],
    }


MID_MAY = D(2025, 5, 15)


def rows(as_of=MID_MAY):
    table = track(inputs_from(two_years()), as_of).table
    return {(r["Level"], r["Name"], r["Period"]): r for _, r in table.iterrows()}


def test_last_year_and_growth_match_a_hand_count():
    found = rows()
    quarter = found[("Company", "All", "2025-Q2")]
    # 1 April to 15 May: 45 days; a year earlier the same 45 days at 10 a day.
    assert quarter["Actual"] == 45 * 12 and quarter["Last Year"] == 45 * 10
    assert quarter["Growth"] == pytest.approx(0.2)
    # Prior Period: 1 January to 15 February 2025, 46 days at 12.
    assert quarter["Prior Period"] == 46 * 12 and quarter["Change"] == pytest.approx(45 / 46 - 1)
    march = found[("Rep", "Ann", "2025-03")]  # ended: the whole of March, Ann's odd days
    assert march["Actual"] == 16 * 12 and march["Last Year"] == 16 * 10
    assert march["Prior Period"] == 14 * 12  # February 2025: the odd days 1..27
    year = found[("Rep", "Bob", "2025")]
    assert year["Last Year"] == pytest.approx(
        10 * sum(1 for d in pd.date_range("2024-01-01", "2024-05-15") if d.day % 2 == 0)
    )


def test_leap_day_maps_to_28_february():
    windows = last_year_windows(
        pd.DataFrame({"start": [pd.Timestamp("2025-02-01")], "end": [pd.Timestamp("2025-02-28")]}),
        pd.Timestamp("2025-03-10"),
    )
    assert windows.iloc[0]["end"] == pd.Timestamp("2024-02-28")
    leap = last_year_windows(
        pd.DataFrame({"start": [pd.Timestamp("2024-02-01")], "end": [pd.Timestamp("2024-02-29")]}),
        pd.Timestamp("2024-02-29"),
    )
    assert leap.iloc[0]["end"] == pd.Timestamp("2023-02-28")


def test_prior_period_stops_at_the_same_day_or_its_last():
    targets = pd.DataFrame(
        {
            "start": pd.to_datetime(["2025-03-01", "2025-04-01"]),
            "end": pd.to_datetime(["2025-03-31", "2025-06-30"]),
        }
    )
    on_30_march = prior_period_windows(targets, pd.Timestamp("2025-03-30"))
    assert (on_30_march.iloc[0]["start"], on_30_march.iloc[0]["end"]) == (
        pd.Timestamp("2025-02-01"),
        pd.Timestamp("2025-02-28"),
    )
    mid_may = prior_period_windows(targets, pd.Timestamp("2025-05-15"))
    assert (mid_may.iloc[1]["start"], mid_may.iloc[1]["end"]) == (
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-02-15"),
    )


def test_growth_is_blank_without_last_year():
    found = rows(D(2024, 3, 10))
    assert pd.isna(found[("Rep", "Ann", "2025-03")]["Growth"])  # not started: nothing either side


def test_weighted_pipeline_counts_open_deals_closing_in_what_is_left():
    found = rows()
    # Ann: O1 (500) and O5 (blank probability: 0); O3 closes on the as-of day; O4 is won.
    assert found[("Company", "All", "2025-Q2")]["Weighted Pipeline"] == pytest.approx(500 + 800)
    assert found[("Team rollup", "East", "2025")]["Weighted Pipeline"] == pytest.approx(800)  # its reps'
    assert found[("Rep", "Bob", "2025")]["Weighted Pipeline"] == pytest.approx(800)
    assert found[("Rep", "Ann", "2025-03")]["Weighted Pipeline"] == 0  # ended
    without = two_years()
    del without["Pipeline"]
    table = track(inputs_from(without), D(2025, 5, 15)).table
    assert table["Weighted Pipeline"].isna().all()
