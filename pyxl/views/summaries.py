"""What each rep's summary and each manager's digest say, worked out from the tracking table.

Pure data: the email adapter renders these with Jinja2 and sends them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Set
from dataclasses import dataclass, field

import pandas as pd

from pyxl.core.cleaning.actions import OPEN, overdue
from pyxl.core.figures import ACHIEVED, AHEAD, AT_RISK, BEHIND, MISSED, NOT_STARTED, ON_TRACK
from pyxl.core.inputs import Inputs
from pyxl.core.parsing import is_missing
from pyxl.core.rollups import TEAM
from pyxl.core.schema import normalise
from pyxl.core.tracking import Tracking

RISK_ORDER = {AT_RISK: 0, MISSED: 1, BEHIND: 2, ON_TRACK: 3, AHEAD: 4, ACHIEVED: 5, NOT_STARTED: 6}
ROW_FIELDS = {
    "Level": "level",
    "Name": "name",
    "Period": "period",
    "Metric": "metric",
    "Target": "target",
    "Actual": "actual",
    "Attainment": "attainment",
    "Status": "status",
    "Forecast": "forecast",
    "Gap": "gap",
    "Days Left": "days_left",
    "Required per Day": "required_per_day",
    "Pace": "pace",
    "Expected": "expected",
    "End": "end",
    "Working Days": "working_days",
    "Forecast Low": "forecast_low",
    "Forecast High": "forecast_high",
    "Growth": "growth",
}


@dataclass
class Recipient:
    name: str
    email: str | None


@dataclass
class Summary:
    """One message's content: who it is for, which rows it covers, and the plain next steps."""

    kind: str  # "rep" or "manager"
    recipient: Recipient
    periods: list[str]
    rows: list[dict[str, object]]
    rollups: list[dict[str, object]] = field(default_factory=list)
    next_steps: list[dict[str, object]] = field(default_factory=list)
    outcomes: list[dict[str, object]] = field(default_factory=list)  # how ended periods went
    movers: list[dict[str, object]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    # Open actions from the Actions sheet that concern the recipient (overdue first).
    actions: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Plan:
    summaries: list[Summary]
    missing: list[Recipient]  # reps or managers without an email address


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    renamed = frame[[c for c in ROW_FIELDS if c in frame]].rename(columns=ROW_FIELDS)
    renamed = renamed.astype(object).where(renamed.notna(), None)
    return renamed.to_dict("records")


def current_rows(table: pd.DataFrame, as_of) -> pd.DataFrame:
    """For each Level and Name: its rows running on the as-of date, else those that ended last."""
    # As datetimes: pandas before 2.2 cannot take the max of a column of dates with gaps.
    start, end, day = pd.to_datetime(table["Start"]), pd.to_datetime(table["End"]), pd.Timestamp(as_of)
    running = (start <= day) & (end >= day)
    ended = end < day
    key = table["Level"] + "\x00" + table["Name"].astype(str)
    has_running = running.groupby(key).transform("any")
    last_end = end.where(ended).groupby(key).transform("max")
    return table[running | (~has_running & ended & (end == last_end))]


def present_rows(tracking: Tracking) -> pd.DataFrame:
    """The current rows (see `current_rows`) without the targets of reps who have left."""
    current = current_rows(tracking.table, tracking.as_of)
    departed = tracking.inputs.departed(tracking.as_of)
    if not departed:
        return current
    rep = current["Name"].astype(str).str.split(" / ").str[0].map(normalise)
    return current[~(current["Level"].str.startswith("Rep") & rep.isin(departed))]


def risk_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Worst risk first: at risk, missed, behind, ..., then lowest pace."""
    order = frame["Status"].map(RISK_ORDER).fillna(9)
    pace = frame["Pace"].fillna(frame["Attainment"])
    return (
        frame.assign(_risk=order, _pace=pace)
        .sort_values(["_risk", "_pace"], kind="stable")
        .drop(columns=["_risk", "_pace"])
    )


def average_order_values(inputs: Inputs) -> dict[str, float]:
    """Each rep's average revenue per order (per row where there is no Order ID)."""
    actuals = inputs.actuals[inputs.actuals["rep"].notna()]
    if actuals.empty:
        return {}
    keys = actuals["rep"].map(normalise)
    orders = actuals["order_id"].fillna(pd.Series(actuals.index.astype(str), index=actuals.index))
    grouped = pd.DataFrame({"rep": keys, "order": orders, "amount": actuals["amount"]}).groupby(
        "rep", observed=True
    )
    revenue, count = grouped["amount"].sum(), grouped["order"].nunique()
    return (revenue / count).where(count > 0).dropna().to_dict()


def next_steps(
    rows: list[dict[str, object]], average_order: float | None, limit: int = 2
) -> list[dict[str, object]]:
    """One or two plain steps from a rep's rows, biggest gap first (worded by the template): what
    to sell in the days left. A revenue gap is put in orders of the rep's average size only where
    no Orders target of the period counts orders already, so an email gives one order count."""
    steps: list[dict[str, object]] = []
    open_rows = sorted(
        (r for r in rows if _number(r["gap"]) > 0 and _number(r["days_left"]) > 0),
        key=lambda r: -_number(r["gap"]),
    )
    counted = {r["period"] for r in rows if r["metric"] == "Orders"}
    for row in open_rows[:limit]:
        step: dict[str, object] = {
            "period": row["period"],
            "metric": row["metric"],
            "gap": row["gap"],
            "days_left": int(_number(row["days_left"])),
            "working_days": bool(row.get("working_days")),
            "per_day": row["required_per_day"],
        }
        if (
            row["metric"] == "Revenue"
            and average_order
            and average_order > 0
            and row["period"] not in counted
        ):
            step["kind"] = "orders_of_average_size"
            step["count"] = math.ceil(_number(row["gap"]) / average_order)
            step["average_order"] = average_order
        else:
            step["kind"] = "per_day"
        steps.append(step)
    return steps


def outcomes(rows: list[dict[str, object]], limit: int = 2) -> list[dict[str, object]]:
    """With nothing left to close, how the periods went (worded by the template, not as steps):
    misses first, else the best attainment."""
    if not rows or any(_number(r["gap"]) > 0 and _number(r["days_left"]) > 0 for r in rows):
        return []
    missed = sorted((r for r in rows if r.get("status") == MISSED), key=lambda r: -_number(r["gap"]))
    if missed:
        return [_closing_step("missed", row) | {"gap": row["gap"]} for row in missed[:limit]]
    best = max(rows, key=lambda r: _number(r["attainment"], -1.0))
    return [_closing_step("achieved" if best.get("status") == ACHIEVED else "keep_going", best)]


def _closing_step(kind: str, row: dict[str, object]) -> dict[str, object]:
    return {"kind": kind, "period": row["period"], "metric": row["metric"], "attainment": row["attainment"]}


def movers(rows: pd.DataFrame, previous: pd.DataFrame | None, limit: int = 3) -> list[dict[str, object]]:
    """Rows whose attainment moved most since the previous summary, when one is known."""
    if previous is None or previous.empty or rows.empty:
        return []
    keys = ["Level", "Name", "Period", "Metric"]
    joined = rows.merge(previous[[*keys, "Attainment"]], on=keys, suffixes=("", " Before"))
    if joined.empty:
        return []
    joined["Change"] = joined["Attainment"] - joined["Attainment Before"]
    joined = joined[joined["Change"].abs() > 1e-9]
    top = joined.reindex(joined["Change"].abs().sort_values(ascending=False).index).head(limit)
    return [
        {
            "name": r["Name"],
            "period": r["Period"],
            "metric": r["Metric"],
            "before": r["Attainment Before"],
            "now": r["Attainment"],
            "change": r["Change"],
        }
        for _, r in top.iterrows()
    ]


def plan_summaries(tracking: Tracking, previous: pd.DataFrame | None = None) -> Plan:
    """A summary per rep with current targets, and a digest per manager on the Team sheet."""
    inputs = tracking.inputs
    team = (
        inputs.team
        if inputs.team is not None
        else pd.DataFrame(columns=["rep", "email", "team", "manager", "manager_email"])
    )
    current = present_rows(tracking)
    current = current.assign(**{"Working Days": tracking.working_days()[current.index]})
    reps = current[current["Level"] == "Rep"]
    departed = inputs.departed(tracking.as_of)
    averages = average_order_values(inputs)
    roster = {normalise(r): row for r, row in zip(team["rep"], team.to_dict("records"), strict=True)}
    summaries: list[Summary] = []
    missing: list[Recipient] = []
    by_rep: dict[str, list[dict[str, object]]] = {}
    for record in _records(reps):
        by_rep.setdefault(normalise(record["name"]), []).append(record)
    for key, rows in by_rep.items():
        recipient = Recipient(str(rows[0]["name"]), _address(roster.get(key, {}).get("email")))
        if recipient.email is None:
            missing.append(recipient)
            continue
        summaries.append(
            Summary(
                kind="rep",
                recipient=recipient,
                periods=sorted({str(r["period"]) for r in rows}),
                rows=rows,
                next_steps=next_steps(rows, averages.get(key)),
                outcomes=outcomes(rows),
                actions=open_actions(inputs.actions, tracking.as_of, {key}),
            )
        )

    managers = team.dropna(subset=["manager"]) if "manager" in team else team.iloc[0:0]
    rep_keys = reps["Name"].map(normalise)
    team_rollups = current[current["Level"] == TEAM.rollup]
    for manager, members in managers.groupby("manager", sort=False):
        members = members[~members["rep"].map(normalise).isin(departed)]
        names = {normalise(n) for n in members["rep"]}
        team_rows = risk_sorted(reps[rep_keys.isin(names)])
        teams = {normalise(t) for t in members["team"].dropna()}
        rollups = team_rollups[team_rollups["Name"].map(normalise).isin(teams)]
        recipient = Recipient(
            str(manager),
            _address(
                members["manager_email"].dropna().iloc[0] if members["manager_email"].notna().any() else None
            ),
        )
        if recipient.email is None:
            missing.append(recipient)
            continue
        if team_rows.empty and rollups.empty:
            continue
        summaries.append(
            Summary(
                kind="manager",
                recipient=recipient,
                periods=sorted(set(team_rows["Period"]) | set(rollups["Period"])),
                rows=_records(team_rows),
                rollups=_records(rollups),
                movers=movers(pd.concat([team_rows, rollups]), previous),
                members=list(members["rep"]),
                actions=open_actions(inputs.actions, tracking.as_of, names | {normalise(manager)}, teams),
            )
        )
    return Plan(summaries, missing)


def open_actions(
    actions: pd.DataFrame | None,
    as_of: dt.date,
    people: set[str],
    teams: Set[str] = frozenset(),
) -> list[dict[str, object]]:
    """The Open actions owned by, or about, one of `people` (folded names) or `teams`: overdue
    first, then by due date."""
    if actions is None or actions.empty:
        return []
    fold = lambda column: actions[column].map(lambda v: "" if is_missing(v) else normalise(v))  # noqa: E731
    mine = fold("owner").isin(people) | fold("rep").isin(people) | fold("team").isin(teams)
    chosen = actions[mine & (actions["status"] == OPEN)]
    late = overdue(chosen, pd.Timestamp(as_of))
    frame = pd.DataFrame(
        {
            "action": chosen["action"],
            "owner": chosen["owner"],
            "due": chosen["due"].dt.date,
            "overdue": late,
        }
    ).sort_values(["overdue", "due"], ascending=[False, True], kind="stable")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _address(value: object) -> str | None:
    """An Email cell: checked for one address when the Team sheet was read (cleaning.team.ONE_ADDRESS)."""
    return None if is_missing(value) else str(value).strip()


def _number(value: object, blank: float = 0.0) -> float:
    """A figure from a summary row; `blank` where it is blank."""
    return blank if value is None or is_missing(value) else float(value)  # type: ignore[arg-type]
