import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import inputs_from, write_book

from pyxl.cli import main
from pyxl.core.realism import estimates, suggest
from pyxl.core.tracking import track
from pyxl.views import i18n

D = dt.date
AS_OF = D(2025, 5, 15)


def steady_sales(targets):
    days = pd.date_range("2024-01-01", "2025-05-15", freq="D")
    return {
        "Targets": [["Period", "Rep", "Target"], *targets],
        "Actuals": [["Date", "Rep", "Amount"], *[[d.date(), "Ann", 100] for d in days]],
    }


def test_estimates_by_hand():
    inputs = inputs_from(steady_sales([["2025-05", "Ann", 3000]]))
    row = estimates(inputs.targets, inputs, AS_OF).iloc[0]
    assert row["Same Period Last Year"] == 3100
    # The 90 days before May 2025 against the same dates in 2024, which hold 29 February.
    assert row["Growth Factor"] == pytest.approx(9000 / 9100)
    assert row["Run-rate Estimate"] == pytest.approx(3100)
    assert row["Implied"] == pytest.approx((3100 * 9000 / 9100 + 3100) / 2)


@pytest.mark.parametrize(("target", "flagged"), [(5000, "above"), (3000, None), (2000, "below")])
def test_unrealistic_targets_are_flagged_with_the_reason(target, flagged):
    result = track(inputs_from(steady_sales([["2025-05", "Ann", target]])), AS_OF)
    issues = result.issues.frame()
    warnings = issues[issues["problem"] == "unrealistic_target"]
    if flagged is None:
        assert warnings.empty
    else:
        assert warnings["row"].tolist() == [2]
        reason = i18n.problem("unrealistic_target", "en", warnings["detail"].iloc[0], "")
        assert f"% {flagged} what history implies" in reason
        assert "90-day run-rate 3,100" in reason


def test_thresholds_come_from_settings():
    data = steady_sales([["2025-05", "Ann", 5000]]) | {
        "Settings": [["Setting", "Value"], ["Realistic Above", "80%"]]
    }
    issues = track(inputs_from(data), AS_OF).issues.frame()
    assert "unrealistic_target" not in set(issues["problem"])


def test_no_history_means_no_flag():
    data = {
        "Targets": [["Period", "Rep", "Target"], ["2025-05", "Ann", 99999]],
        "Actuals": [["Date", "Rep", "Amount"], [D(2025, 5, 2), "Ann", 1]],
    }
    issues = track(inputs_from(data), AS_OF).issues.frame()
    assert "unrealistic_target" not in set(issues["problem"])


def test_suggestions_follow_seasonality():
    data = steady_sales([["2025-05", "Ann", 3000]]) | {
        "Seasonality": [["Month", "Weight"], *[[m, 2 if m == 6 else 1] for m in range(1, 13)]]
    }
    table = suggest(inputs_from(data), "2025-06", AS_OF)
    row = table.iloc[0]
    assert (row["Level"], row["Name"], row["Period"]) == ("Rep", "Ann", "2025-06")
    assert pd.isna(row["Current Target"])
    # Run-rate: 100 a day over 30 days, doubled for June's weight; last year June 3000 x growth.
    assert row["Run-rate Estimate"] == pytest.approx(100 * 30 * 2, rel=0.02)
    assert row["Suggested"] == pytest.approx(
        round((row["Last Year x Growth"] + row["Run-rate Estimate"]) / 2, -2), rel=0.01
    )


def test_suggest_command(tmp_path):
    book = write_book(tmp_path / "s.xlsx", steady_sales([["2025-05", "Ann", 3000]]))
    result = CliRunner().invoke(
        main, ["suggest", str(book), "2025-06", "--as-of", "2025-05-15", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("Level,Name,Metric,Period,Start,End,Suggested")
    bad = CliRunner().invoke(main, ["suggest", str(book), "someday"])
    assert bad.exit_code == 2 and "is not a period" in bad.output
