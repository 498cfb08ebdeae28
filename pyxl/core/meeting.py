"""The regular sales meeting (定期销售会议), as figures: where we stand against target and last
year, what moved since the last meeting, who needs help, the pipeline, and what was agreed.

"Since" is the latest History date before the as-of date unless one is named. Everything here is
from the tracking table, the History rows of that date, and the Pipeline and Actions sheets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pyxl.core.cleaning.actions import DONE, OPEN, overdue
from pyxl.core.figures import ACHIEVED, AHEAD, AT_RISK, BEHIND, MISSED, safe_divide
from pyxl.core.history import AS_OF
from pyxl.core.issues import ERROR, WARNING
from pyxl.core.rollups import COMPANY
from pyxl.core.tracking import Tracking

KEY = ["Level", "Name", "Period", "Metric"]
MOVERS = 5  # forecasts up and down, and attainment movers, shown each way
TABLE_COLUMNS = [
    "Level",
    "Name",
    "Month Target",
    "Month Actual",
    "Month Attainment",
    "Month Variance",
    "Month Growth",
    "Month Change",
    "YTD Target",
    "YTD Actual",
    "YTD Attainment",
    "YTD Variance",
    "YTD Growth",
]
WON, LOST, SLIPPED = "won", "lost", "slipped"
HELP_COLUMNS = [
    "Name",
    "Period",
    "Metric",
    "Status",
    "Attainment",
    "Pace",
    "Gap",
    "Days Left",
    "Required per Day",
]


@dataclass
class Meeting:
    """What the meeting pack and the Meeting sheet say, as data."""

    as_of: dt.date
    since: dt.date | None
    headline: pd.Series | None  # the company's Revenue row for the current month (or shortest period)
    table: pd.DataFrame  # TABLE_COLUMNS: each team and rep, this month and the year to date
    status_changes: pd.DataFrame  # KEY, Before, Now
    forecast_moves: pd.DataFrame  # KEY, Before, Now, Change: the biggest up and down
    deals: pd.DataFrame  # Opportunity, Rep, Amount, Close Date, What (won, lost, slipped)
    needs_help: pd.DataFrame  # rep rows At risk or Behind: Name, Period, Metric, Status, Gap, …
    ahead: pd.DataFrame  # rep rows Ahead
    coverage: float | None  # open pipeline ÷ the company's gap this period
    actions: pd.DataFrame  # Action, Owner, Due, Status, Overdue, Done Since
    errors: int
    warnings: int


def since_date(history_dates: list[dt.date], as_of: dt.date, since: dt.date | None = None) -> dt.date | None:
    """The meeting before this one: `since` if named, else History's latest date before `as_of`."""
    if since is not None:
        return since
    earlier = [day for day in history_dates if day < as_of]
    return max(earlier) if earlier else None


def meeting(
    tracking: Tracking, history: pd.DataFrame, since: dt.date | None, coverage: float | None
) -> Meeting:
    """The meeting as of the tracking's date, compared with History's rows of `since`."""
    table = tracking.table
    as_of = tracking.as_of
    before = history[history[AS_OF] == since] if since is not None else history.iloc[0:0]
    inputs = tracking.inputs
    issues = tracking.issues.frame()
    return Meeting(
        as_of=as_of,
        since=since,
        headline=headline(table, as_of),
        table=month_and_year(table, as_of),
        status_changes=status_changes(table, before),
        forecast_moves=forecast_moves(table, before),
        deals=deals(inputs.pipeline, since, as_of),
        needs_help=_running_reps(table, as_of, (AT_RISK, BEHIND)).sort_values("Gap", ascending=False),
        ahead=_running_reps(table, as_of, (AHEAD,)).sort_values("Pace", ascending=False),
        coverage=coverage,
        actions=actions(inputs.actions, since, as_of),
        errors=int((issues["severity"] == ERROR).sum()),
        warnings=int((issues["severity"] == WARNING).sum()),
    )


def headline(table: pd.DataFrame, as_of: dt.date) -> pd.Series | None:
    """The company's Revenue row for the shortest period running on the as-of date."""
    rows = table[
        table["Level"].isin([COMPANY.level, COMPANY.rollup])
        & (table["Metric"] == "Revenue")
        & (pd.to_datetime(table["Start"]) <= pd.Timestamp(as_of))
        & (pd.to_datetime(table["End"]) >= pd.Timestamp(as_of))
    ]
    if rows.empty:
        return None
    span = pd.to_datetime(rows["End"]) - pd.to_datetime(rows["Start"])
    explicit = rows["Level"] == COMPANY.level
    return rows.assign(_span=span, _rollup=~explicit).sort_values(["_span", "_rollup"], kind="stable").iloc[0]


def month_and_year(table: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each rep and team (and the company) on its monthly Revenue targets: this month's target,
    actual, attainment, variance, growth on last year and change on last month; and the year to
    date: the months ended this year in full, this month as far as expected by today."""
    day = pd.Timestamp(as_of)
    start, end = pd.to_datetime(table["Start"]), pd.to_datetime(table["End"])
    monthly = table[
        (table["Metric"] == "Revenue")
        & (start.dt.to_period("M") == end.dt.to_period("M"))
        & (start.dt.year == day.year)
        & (start <= day)
        & table["Level"].isin(["Rep", "Team rollup", "Team", COMPANY.rollup, COMPANY.level])
    ]
    lines = []
    for (level, name), rows in monthly.groupby(["Level", "Name"], sort=False):
        rows_end = pd.to_datetime(rows["End"])
        this = rows[rows_end >= day]
        month = this.iloc[0] if len(this) else None
        # The year to date: whole targets of months ended, today's expected of this one.
        target = rows["Target"].where(rows_end < day, rows["Expected"]).sum()
        actual, last_year = rows["Actual"].sum(), rows["Last Year"].sum()
        lines.append(
            [
                level.replace(" rollup", ""),
                name,
                np.nan if month is None else month["Target"],
                np.nan if month is None else month["Actual"],
                np.nan if month is None else month["Attainment"],
                np.nan if month is None else month["Variance"],
                np.nan if month is None else month["Growth"],
                np.nan if month is None else month["Change"],
                target,
                actual,
                float(safe_divide(actual, target)),
                actual - target,
                float(safe_divide(actual, last_year)) - 1 if last_year > 0 else np.nan,
            ]
        )
    frame = pd.DataFrame(lines, columns=TABLE_COLUMNS)
    order = {"Company": 0, "Team": 1, "Rep": 2}
    return frame.sort_values("Level", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def _joined(table: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    then = before[[*KEY, "Status", "Forecast", "Attainment"]]
    return table.merge(then, on=KEY, how="inner", suffixes=("", " Before"))


def status_changes(table: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Targets whose Status changed since the last meeting (their period had started then)."""
    joined = _joined(table, before)
    changed = joined[
        (joined["Status"] != joined["Status Before"]) & (joined["Status Before"] != "Not started")
    ]
    return changed.rename(columns={"Status Before": "Before", "Status": "Now"})[[*KEY, "Before", "Now"]]


def forecast_moves(table: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The MOVERS biggest forecast rises and falls (by share of the old forecast) among targets
    still running, rollups included."""
    joined = _joined(table, before)
    running = ~joined["Status"].isin([ACHIEVED, MISSED, "Not started"])
    joined = joined[running & joined["Forecast Before"].gt(0) & joined["Forecast"].notna()]
    change = joined["Forecast"] / joined["Forecast Before"] - 1
    moved = joined.assign(Change=change)[[*KEY, "Forecast Before", "Forecast", "Change"]]
    moved = moved.rename(columns={"Forecast Before": "Before", "Forecast": "Now"})
    moved = moved[moved["Change"].abs() > 1e-9].sort_values("Change")
    ups = moved[moved["Change"] > 0].tail(MOVERS).iloc[::-1]
    downs = moved[moved["Change"] < 0].head(MOVERS)
    return pd.concat([ups, downs], ignore_index=True)


def deals(pipeline: pd.DataFrame | None, since: dt.date | None, as_of: dt.date) -> pd.DataFrame:
    """Deals won or lost with a Close Date since the last meeting, and open ones whose Close Date
    has passed (slipped): what the Pipeline sheet says now."""
    columns = ["Opportunity", "Rep", "Amount", "Close Date", "What"]
    if pipeline is None or pipeline.empty:
        return pd.DataFrame(columns=columns)
    day = pd.Timestamp(as_of)
    first = pd.Timestamp(since) if since is not None else day - pd.Timedelta(days=7)
    close = pipeline["close_date"]
    recent = (close > first) & (close <= day)
    what = np.select(
        [
            (pipeline["status"] == "won") & recent,
            (pipeline["status"] == "lost") & recent,
            (pipeline["status"] == "open") & (close < day),
        ],
        [WON, LOST, SLIPPED],
        "",
    )
    chosen = pipeline[what != ""].assign(What=what[what != ""])
    frame = pd.DataFrame(
        {
            "Opportunity": chosen["opportunity"],
            "Rep": chosen["rep"],
            "Amount": chosen["amount"],
            "Close Date": chosen["close_date"].dt.date,
            "What": chosen["What"],
        }
    )
    order = {WON: 0, LOST: 1, SLIPPED: 2}
    return frame.sort_values(["What", "Amount"], key=lambda s: s.map(order) if s.name == "What" else -s)


def _running_reps(table: pd.DataFrame, as_of: dt.date, statuses: tuple[str, ...]) -> pd.DataFrame:
    day = pd.Timestamp(as_of)
    rows = table[
        (table["Level"] == "Rep")
        & table["Status"].isin(statuses)
        & (pd.to_datetime(table["Start"]) <= day)
        & (pd.to_datetime(table["End"]) > day)
    ]
    return rows[HELP_COLUMNS]


def actions(frame: pd.DataFrame | None, since: dt.date | None, as_of: dt.date) -> pd.DataFrame:
    """Every action, overdue ones marked, and those done since the last meeting (by their Done
    date, or their Due date where none is given)."""
    columns = ["Action", "Owner", "Rep", "Team", "Due", "Status", "Overdue", "Done Since"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    day = pd.Timestamp(as_of)
    first = pd.Timestamp(since) if since is not None else pd.Timestamp.min
    when = frame["done"].fillna(frame["due"])
    done_since = (frame["status"] == DONE) & when.notna() & (when > first) & (when <= day)
    result = pd.DataFrame(
        {
            "Action": frame["action"],
            "Owner": frame["owner"],
            "Rep": frame["rep"],
            "Team": frame["team"],
            "Due": frame["due"].dt.date,
            "Status": frame["status"],
            "Overdue": overdue(frame, day),
            "Done Since": done_since,
        }
    )
    rank = np.where(result["Overdue"], 0, np.where(result["Status"] == OPEN, 1, 2))
    return result.assign(_rank=rank).sort_values(["_rank", "Due"], kind="stable").drop(columns="_rank")
