import datetime as dt

import pandas as pd
import pytest
from conftest import basic_sheets, inputs_from

from pyxl.core.tracking import track
from pyxl.views.summaries import (
    _records,
    current_rows,
    movers,
    next_steps,
    outcomes,
    plan_summaries,
    risk_sorted,
)

D = dt.date


def tracking(sheets=None, as_of=None):
    return track(inputs_from(sheets or basic_sheets()), as_of or D(2025, 5, 15))


def test_each_rep_with_an_address_gets_a_summary_and_each_manager_a_digest():
    plan = plan_summaries(tracking())
    kinds = [(s.kind, s.recipient.email) for s in plan.summaries]
    assert kinds == [("rep", "ann@example.com"), ("rep", "bob@example.com"), ("manager", "mia@example.com")]
    ann = plan.summaries[0]
    assert [(r["period"], r["metric"]) for r in ann.rows] == [("2025-05", "Revenue"), ("2025-05", "Orders")]
    assert ann.periods == ["2025-05"]


def test_a_rep_without_an_address_is_reported():
    sheets = basic_sheets()
    sheets["Team"][2][1] = None
    plan = plan_summaries(tracking(sheets))
    assert [r.name for r in plan.missing] == ["Bob"]
    assert "bob@example.com" not in {s.recipient.email for s in plan.summaries}


def test_manager_digest_puts_the_worst_risk_first_and_carries_the_rollup():
    digest = plan_summaries(tracking()).summaries[-1]
    assert digest.rows[0]["status"] == "At risk"
    assert digest.rows[0]["name"] == "Bob"
    assert {(r["name"], r["metric"]) for r in digest.rollups} == {("East", "Revenue"), ("East", "Orders")}


def test_next_step_in_orders_of_average_size():
    rows = tracking().table
    ann = current_rows(rows, D(2025, 5, 15))
    ann = _records(ann[(ann["Name"] == "Ann") & (ann["Metric"] == "Revenue")])
    # Ann's average order: (300 + 100 + 200 + 999) / 3 orders = 533; gap 400 -> 1 order.
    steps = next_steps(ann, 1599 / 3)
    assert steps == [
        {
            "period": "2025-05",
            "metric": "Revenue",
            "gap": 400.0,
            "days_left": 16,
            "working_days": False,
            "per_day": 25.0,
            "kind": "orders_of_average_size",
            "count": 1,
            "average_order": pytest.approx(533),
        }
    ]


def test_next_step_when_nothing_is_left_to_close():
    table = tracking(as_of=D(2025, 6, 1)).table
    done = _records(table[(table["Name"] == "Ann") & (table["Period"] == "2025-05")])
    # The period has ended: Ann reached it, and nothing speaks of a lead any more. That is no
    # step to take: it is said apart from the steps.
    assert next_steps(done, 100) == []
    assert outcomes(done)[0]["kind"] == "achieved"


def test_at_period_end_a_missed_target_is_named_with_what_was_missed():
    table = tracking(as_of=D(2025, 6, 1)).table
    bob = _records(table[(table["Name"] == "Bob") & (table["Period"] == "2025-05")])
    step = outcomes(bob)[0]
    assert (step["kind"], step["gap"]) == ("missed", 1500.0)


def test_movers_need_a_previous_summary():
    table = tracking().table
    assert movers(table, None) == []
    before = table.assign(Attainment=table["Attainment"] - 0.1)
    before.loc[0, "Attainment"] = table.loc[0, "Attainment"] - 0.5
    moved = movers(table, before)
    assert moved[0]["name"] == "Ann" and moved[0]["change"] == pytest.approx(0.5)
    assert len(moved) == 3


def test_risk_order():
    frame = pd.DataFrame(
        {
            "Status": ["Ahead", "At risk", "Behind", "At risk"],
            "Pace": [1.2, 0.5, 0.9, 0.3],
            "Attainment": [0.5] * 4,
        }
    )
    assert risk_sorted(frame)["Pace"].tolist() == [0.3, 0.5, 0.9, 1.2]


def test_every_output_sheet_has_the_contracts_chinese_name():
    from pyxl.views import i18n, sheets

    names = {
        sheets.TRACKING_SHEET,
        sheets.QUALITY_SHEET,
        sheets.KPIS_SHEET,
        sheets.DASHBOARD_SHEET,
        sheets.DEFINITIONS_SHEET,
        sheets.EMAIL_PREVIEW_SHEET,
    }
    assert names <= set(i18n.SHEET_NAMES)
    chinese = [i18n.sheet_name(name, "zh") for name in sheets.OUTPUT_SHEETS]
    assert chinese == ["跟踪", "数据质量", "关键指标", "仪表板", "说明", "历史"]
    assert i18n.sheet_name("History", "zh") == "历史" and i18n.sheet_name("Meeting", "zh") == "会议"
    assert i18n.sheet_name("Forecast Accuracy", "zh") == "预测准确度"
    assert i18n.sheet_name("Tracking", "en") == "Tracking"
    assert i18n.sheet_name("My notes", "zh") == "My notes"


def test_open_actions_reach_their_owner_and_their_teams_manager_overdue_first():
    sheets = basic_sheets() | {
        "Actions": [
            ["Action", "Owner", "Due", "Status", "Rep", "Team"],
            ["Call the hospital", "Ann", D(2025, 5, 10), "Open", None, None],
            ["Ship samples", "Mia", D(2025, 5, 30), "Open", "Bob", None],
            ["Old news", "Ann", D(2025, 5, 1), "Done", None, None],
            ["Team plan", "Someone", D(2025, 6, 1), "", None, "East"],
        ]
    }
    plan = plan_summaries(tracking(sheets))
    by = {s.recipient.name: s for s in plan.summaries}
    assert [a["action"] for a in by["Ann"].actions] == ["Call the hospital"]
    assert by["Ann"].actions[0]["overdue"] is True
    assert [a["action"] for a in by["Bob"].actions] == ["Ship samples"]
    assert [a["action"] for a in by["Mia"].actions] == ["Call the hospital", "Ship samples", "Team plan"]
