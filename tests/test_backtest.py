"""Replaying the past: forecasts made with only what was known, scored against where periods landed."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import inputs_from, write_book
from openpyxl import load_workbook

from pyxl.cli import main
from pyxl.core import backtest
from pyxl.core.tracking import track


def sheets(amounts_by_day, periods=("2025-05",), rep="Ann", language=None):
    book = {
        "Targets": [["Period", "Rep", "Target"], *[[p, rep, 1000] for p in periods]],
        "Actuals": [["Date", "Rep", "Amount"]] + [[day, rep, amount] for day, amount in amounts_by_day],
    }
    if language:
        book["Settings"] = [["Setting", "Value"], ["Language", language]]
    return book


def daily(first="2024-01-01", last="2025-06-30", amount=lambda day: 10.0):
    return [(day.date(), amount(day)) for day in pd.date_range(first, last)]


def test_replay_days_are_sundays_and_month_ends():
    days = backtest.replay_days(dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    assert days[:3] == [dt.date(2025, 1, 5), dt.date(2025, 1, 12), dt.date(2025, 1, 19)]
    assert dt.date(2025, 1, 31) in days and dt.date(2025, 2, 28) in days
    assert all(d.weekday() == 6 or (d + dt.timedelta(days=1)).day == 1 for d in days)


def test_past_targets_move_each_target_back_by_whole_periods_once():
    inputs = inputs_from(sheets(daily(), periods=("2025-05", "2025-04", "2025-Q2")))
    moved = backtest.past_targets(inputs.targets, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    months = sorted(
        moved.loc[moved["end"] - moved["start"] < pd.Timedelta(days=40), "start"].dt.strftime("%m")
    )
    assert months == ["01", "02", "03", "04", "05"]  # April once, though two targets lead to it
    quarters = moved.loc[moved["end"] - moved["start"] > pd.Timedelta(days=40), "start"]
    assert list(quarters.dt.strftime("%Y-%m")) == ["2025-04", "2025-01"]


def test_each_replayed_forecast_is_what_track_said_that_day_with_only_the_sales_known_then():
    rng = np.random.default_rng(3)
    amounts = daily(amount=lambda day: float(rng.integers(0, 100)))
    months = ("2025-05", "2025-06")
    made = backtest.replay(inputs_from(sheets(amounts, months)), dt.date(2025, 5, 1), dt.date(2025, 6, 30))
    for day in (dt.date(2025, 5, 11), dt.date(2025, 6, 15)):
        # The same day with every later sale removed: nothing the replay saw can differ.
        known = inputs_from(sheets([(d, a) for d, a in amounts if d <= day], months))
        table = track(known, day).table
        running = table[pd.to_datetime(table["Start"]) <= pd.Timestamp(day)]
        running = running[pd.to_datetime(running["End"]) > pd.Timestamp(day)]
        replayed = made[made["As Of"] == day]
        assert len(replayed) == len(running) == 1
        assert replayed["Forecast"].iloc[0] == pytest.approx(running["Forecast"].iloc[0])
        assert replayed["Forecast High"].iloc[0] == pytest.approx(running["Forecast High"].iloc[0])
    finals = {row.Start: row.Final for row in made.itertuples()}
    may = sum(a for d, a in amounts if d.month == 5 and d.year == 2025)
    assert finals[dt.date(2025, 5, 1)] == pytest.approx(may)


def test_a_steady_rate_scores_no_error_and_the_run_rate_beside_it():
    made = backtest.replay(inputs_from(sheets(daily())), dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    scores = backtest.accuracy(made).set_index("Level")
    assert scores.loc["Rep", "WAPE"] == pytest.approx(0, abs=1e-9)
    assert scores.loc["Rep", "Run-rate WAPE"] == pytest.approx(0, abs=1e-9)
    assert scores.loc["Rep", "Within 15%"] == 1.0


def test_accuracy_by_hand():
    made = pd.DataFrame(
        {
            "Level": ["Rep", "Rep", "Team rollup"],
            "Forecast Method": ["pattern", "pattern", "run-rate"],
            "Forecast": [90.0, 120.0, 50.0],
            "Forecast Low": [80.0, np.nan, 40.0],
            "Forecast High": [110.0, np.nan, 45.0],
            "Run-rate": [50.0, 100.0, 50.0],
            "Final": [100.0, 100.0, 50.0],
        }
    )
    scores = backtest.accuracy(made).set_index("Level")
    rep = scores.loc["Rep"]
    assert rep["WAPE"] == pytest.approx(30 / 200) and rep["Bias"] == pytest.approx(10 / 200)
    assert rep["Range Held"] == 1.0  # the one ranged forecast held its final
    assert rep["Within 15%"] == 0.5  # 90 is within 15% of 100, 120 is not
    assert rep["Run-rate WAPE"] == pytest.approx(50 / 200) and rep["Run-rate Within 15%"] == 0.5
    team = scores.loc["Team"]
    assert team["Forecast Method"] == "run-rate" and team["Range Held"] == 0.0
    assert scores.loc[backtest.ALL, "Forecasts"] == 3


def test_a_month_end_rush_is_forecast_better_than_the_run_rate():
    def rush(day):
        last = (day + pd.offsets.MonthEnd(0)).day
        return 100.0 if day.day > last - 3 else 10.0

    made = backtest.replay(inputs_from(sheets(daily(amount=rush))), dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    rep = backtest.accuracy(made).set_index("Level").loc["Rep"]
    assert rep["WAPE"] < 0.5 * rep["Run-rate WAPE"]


@pytest.mark.parametrize(
    ("language", "sheet", "level"), [(None, "Forecast Accuracy", "Rep"), ("zh", "预测准确度", "销售代表")]
)
def test_backtest_command_prints_the_scores_and_writes_the_sheet(tmp_path, language, sheet, level):
    book = write_book(tmp_path / "book.xlsx", sheets(daily(), language=language))
    result = CliRunner().invoke(main, ["backtest", str(book), "--from", "2025-01-01", "--to", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "WAPE" in result.output and sheet in result.output
    written = load_workbook(book)
    assert sheet in written.sheetnames and "Targets" in written.sheetnames
    cells = [row for row in written[sheet].iter_rows(min_row=3, values_only=True)]
    assert cells[0][0] == level and cells[0][2] > 0
    again = CliRunner().invoke(main, ["backtest", str(book), "--format", "json"])
    assert again.exit_code == 0 and '"Run-rate WAPE"' in again.output
    assert load_workbook(book).sheetnames.count(sheet) == 1


def test_nothing_to_replay_says_what_to_add(tmp_path):
    book = write_book(tmp_path / "book.xlsx", sheets(daily(first="2025-05-01", last="2025-05-10")))
    result = CliRunner().invoke(main, ["backtest", str(book)])
    assert result.exit_code != 0
    assert "Nothing to replay" in result.output and "Traceback" not in result.output
