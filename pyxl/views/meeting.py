"""What the meeting pack says, slide by slide, as data in the workbook's language: the same
content for the PowerPoint pack (adapters.pack) and the printable Meeting sheet (Excel on the web)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from pyxl.core.cleaning.actions import OPEN
from pyxl.core.meeting import LOST, SLIPPED, WON, Meeting
from pyxl.core.parsing import is_missing
from pyxl.views import i18n
from pyxl.views.formatting import money_text, number_text, percent_text, signed_percent_text
from pyxl.views.sheets import ColumnSpec, Highlight, SheetSpec

MEETING_SHEET = "Meeting"
MOST_ROWS = 12  # table rows a slide holds readably; the rest are counted
OVERDUE_FILL, OVERDUE_FONT = "FFC7CE", "9C0006"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    marked: list[bool] = field(default_factory=list)  # rows to show in red (overdue actions)


@dataclass
class Chart:
    kind: str  # "bar" (clustered columns) or "line"
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    percent: bool = False


@dataclass
class Slide:
    title: str
    lines: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None


def slides(meeting: Meeting, language: str, currency: str) -> list[Slide]:
    """The pack: title, headline, the team and rep table, what moved, deals, who needs help and
    who is ahead, actions."""
    say = _Say(language, currency)
    return [
        _title(meeting, say),
        _headline(meeting, say),
        _table_slide(meeting, say),
        *_status_changes(meeting, say),
        _forecast_moves(meeting, say),
        _deals(meeting, say),
        _help(meeting, say),
        _actions(meeting, say),
    ]


@dataclass(frozen=True)
class _Say:
    language: str
    currency: str

    def __call__(self, key: str, **values: object) -> str:
        return i18n.text(key, self.language, **values)

    def money(self, value: object, metric: str = "Revenue") -> str:
        if is_missing(value):
            return ""
        if metric != "Revenue":
            return number_text(float(value))  # type: ignore[arg-type]
        return money_text(float(value), self.currency)  # type: ignore[arg-type]

    def percent(self, value: object) -> str:
        return "" if is_missing(value) else percent_text(float(value))  # type: ignore[arg-type]

    def change(self, value: object) -> str:
        return "" if is_missing(value) else signed_percent_text(float(value))  # type: ignore[arg-type]

    def status(self, value: object) -> str:
        return "" if is_missing(value) else i18n.status_word(str(value), self.language)

    def name(self, level: str, name: object) -> str:
        if level.startswith("Company"):
            return i18n.text("All", self.language)
        return str(name)

    def target(self, row: pd.Series) -> str:
        """A target as people name it: Li Wei 李伟 · 2026-12 · Revenue."""
        metric = i18n.metric_word(str(row["Metric"]), self.language)
        return f"{self.name(str(row.get('Level', 'Rep')), row['Name'])} · {row['Period']} · {metric}"


def _limited(say: _Say, headers: list[str], rows: list[list[str]], marked: list[bool] | None = None) -> Table:
    """A table of at most MOST_ROWS rows, and a last one counting the rest."""
    marked = marked or [False] * len(rows)
    if len(rows) <= MOST_ROWS:
        return Table(headers, rows, marked)
    more = [say("pack_more", count=len(rows) - MOST_ROWS)] + [""] * (len(headers) - 1)
    return Table(headers, [*rows[:MOST_ROWS], more], [*marked[:MOST_ROWS], False])


def _title(meeting: Meeting, say: _Say) -> Slide:
    since = say("pack_since", since=meeting.since) if meeting.since else say("pack_first")
    return Slide(say("pack_title", as_of=meeting.as_of), [since])


def _headline(meeting: Meeting, say: _Say) -> Slide:
    row = meeting.headline
    lines = []
    if row is not None:
        lines.append(
            say(
                "pack_headline_attainment",
                period=row["Period"],
                actual=say.money(row["Actual"]),
                target=say.money(row["Target"]),
                attainment=say.percent(row["Attainment"]),
                status=say.status(row["Status"]),
            )
        )
        forecast = say.money(row["Forecast"])
        if not is_missing(row.get("Forecast Low")):
            forecast += f" ({say.money(row['Forecast Low'])}–{say.money(row['Forecast High'])})"
        lines.append(say("pack_headline_forecast", forecast=forecast))
        if not is_missing(row.get("Growth")):
            lines.append(say("pack_headline_growth", growth=say.change(row["Growth"])))
    if meeting.coverage is not None and math.isfinite(meeting.coverage):
        lines.append(say("pack_coverage", coverage=number_text(meeting.coverage, 1)))
    lines.append(say("pack_quality", errors=meeting.errors, warnings=meeting.warnings))
    reps = meeting.table[meeting.table["Level"] == "Rep"]
    chart = None
    if len(reps):
        chart = Chart(
            "bar",
            say("pack_chart_attainment"),
            [str(n) for n in reps["Name"]],
            [
                (say("pack_series_month"), [_number(v) for v in reps["Month Attainment"]]),
                (say("pack_series_ytd"), [_number(v) for v in reps["YTD Attainment"]]),
            ],
            percent=True,
        )
    return Slide(say("pack_headline_title"), lines, chart=chart)


def _number(value: object) -> float:
    return 0.0 if is_missing(value) else float(value)  # type: ignore[arg-type]


def _table_slide(meeting: Meeting, say: _Say) -> Slide:
    headers = [
        say("pack_col_name"),
        say("pack_col_month_target"),
        say("pack_col_month_actual"),
        say("pack_col_month_attainment"),
        say("pack_col_month_variance"),
        say("pack_col_growth"),
        say("pack_col_change"),
        say("pack_col_ytd_target"),
        say("pack_col_ytd_actual"),
        say("pack_col_ytd_attainment"),
        say("pack_col_ytd_growth"),
    ]
    rows = [
        [
            say.name(str(r["Level"]), r["Name"]),
            say.money(r["Month Target"]),
            say.money(r["Month Actual"]),
            say.percent(r["Month Attainment"]),
            say.money(r["Month Variance"]),
            say.change(r["Month Growth"]),
            say.change(r["Month Change"]),
            say.money(r["YTD Target"]),
            say.money(r["YTD Actual"]),
            say.percent(r["YTD Attainment"]),
            say.change(r["YTD Growth"]),
        ]
        for _, r in meeting.table.iterrows()
    ]
    return Slide(say("pack_table_title"), table=_limited(say, headers, rows))


def _status_changes(meeting: Meeting, say: _Say) -> list[Slide]:
    """Every target whose status changed since the last meeting, those still running first (their
    change is news; an ended month's Achieved is a result), over as many slides as it takes."""
    if meeting.since is None:
        return [Slide(say("pack_moved_title_none"), [say("pack_no_history")])]
    title = say("pack_moved_title", since=meeting.since)
    changes = meeting.status_changes
    ended = changes["Now"].isin(["Achieved", "Missed"])
    changes = changes.assign(_ended=ended).sort_values("_ended", kind="stable")
    if changes.empty:
        return [Slide(title, [say("pack_no_status_change")])]
    rows = [[say.target(r), say.status(r["Before"]), say.status(r["Now"])] for _, r in changes.iterrows()]
    headers = [say(f"pack_col_{key}") for key in ("target", "before", "now")]
    pages = [rows[i : i + MOST_ROWS] for i in range(0, len(rows), MOST_ROWS)]
    return [
        Slide(title if len(pages) == 1 else f"{title} ({n}/{len(pages)})", table=Table(headers, page))
        for n, page in enumerate(pages, start=1)
    ]


def _forecast_moves(meeting: Meeting, say: _Say) -> Slide:
    """The forecasts that rose and fell most since the last meeting, as a table and a chart."""
    title = say("pack_forecast_title")
    moves = meeting.forecast_moves
    if meeting.since is None or moves.empty:
        return Slide(title, [say("pack_no_forecast_moves")])
    rows = [
        [
            say.target(r),
            say.money(r["Before"], r["Metric"]),
            say.money(r["Now"], r["Metric"]),
            say.change(r["Change"]),
        ]
        for _, r in moves.iterrows()
    ]
    headers = [say(f"pack_col_{key}") for key in ("target", "before", "now", "change_forecast")]
    chart = Chart(
        "bar",
        say("pack_chart_forecast"),
        [say.name(str(r["Level"]), r["Name"]) for _, r in moves.iterrows()],
        [
            (say("pack_col_before"), [_number(v) for v in moves["Before"]]),
            (say("pack_col_now"), [_number(v) for v in moves["Now"]]),
        ],
    )
    return Slide(title, table=_limited(say, headers, rows), chart=chart)


def _deals(meeting: Meeting, say: _Say) -> Slide:
    words = {WON: say("pack_deal_won"), LOST: say("pack_deal_lost"), SLIPPED: say("pack_deal_slipped")}
    rows = [
        [
            words[str(r["What"])],
            "" if is_missing(r["Opportunity"]) else str(r["Opportunity"]),
            "" if is_missing(r["Rep"]) else str(r["Rep"]),
            say.money(r["Amount"]),
            str(r["Close Date"]),
        ]
        for _, r in meeting.deals.iterrows()
    ]
    if not rows:
        return Slide(say("pack_deals_title"), [say("pack_no_deals")])
    headers = [say(f"pack_col_{key}") for key in ("what", "deal", "rep", "amount", "close")]
    return Slide(say("pack_deals_title"), table=_limited(say, headers, rows))


def _help(meeting: Meeting, say: _Say) -> Slide:
    rows = [
        [
            say.target(r),
            say.status(r["Status"]),
            say.percent(r["Attainment"]),
            say.money(r["Gap"], r["Metric"]),
            say.money(r["Required per Day"], r["Metric"]),
            str(int(r["Days Left"])),
        ]
        for _, r in meeting.needs_help.iterrows()
    ]
    ahead = [
        f"{r['Name']} · {r['Period']} · {say.percent(r['Attainment'])}"
        for _, r in meeting.ahead.head(MOST_ROWS).iterrows()
    ]
    lines = [say("pack_ahead", names=i18n.joined(ahead, say.language))] if ahead else []
    if not rows:
        return Slide(say("pack_help_title"), [say("pack_no_help"), *lines])
    headers = [
        say(f"pack_col_{key}") for key in ("target", "status", "attainment", "gap", "per_day", "days_left")
    ]
    return Slide(say("pack_help_title"), lines, _limited(say, headers, rows))


def _actions(meeting: Meeting, say: _Say) -> Slide:
    frame = meeting.actions
    if frame.empty:
        return Slide(say("pack_actions_title"), [say("pack_no_actions")])
    rows, marked = [], []
    for _, r in frame.iterrows():
        if r["Done Since"]:
            state = "pack_done_since"
        elif r["Overdue"]:
            state = "pack_overdue"
        else:
            state = "pack_open" if r["Status"] == OPEN else "pack_done"
        rows.append(
            [
                str(r["Action"]),
                "" if is_missing(r["Owner"]) else str(r["Owner"]),
                "" if is_missing(r["Due"]) else str(r["Due"]),
                say(state),
            ]
        )
        marked.append(bool(r["Overdue"]))
    counts = say(
        "pack_action_counts",
        overdue=int(frame["Overdue"].sum()),
        open=int((frame["Status"] == OPEN).sum()),
        done=int(frame["Done Since"].sum()),
    )
    headers = [say(f"pack_col_{key}") for key in ("action", "owner", "due", "status")]
    return Slide(say("pack_actions_title"), [counts], _limited(say, headers, rows, marked))


def meeting_sheet(deck: list[Slide], language: str, as_of: dt.date) -> SheetSpec:
    """The pack as one printable sheet, for Excel on the web, where no file can be saved: each
    slide's title, its lines, then its table; overdue actions in red."""
    width = max([4, *(len(s.table.headers) for s in deck if s.table)])

    def line(*cells: object) -> list[object]:
        return [*cells, *[None] * (width - len(cells))]

    rows: list[list[object]] = []
    for slide in deck:
        rows.append(line(slide.title))
        rows.extend(line(text) for text in slide.lines)
        if slide.table:
            rows.append(line(*slide.table.headers))
            rows.extend(line(*row) for row in slide.table.rows)
        rows.append(line())
    overdue = i18n.text("pack_overdue", language)
    return SheetSpec(
        name=i18n.sheet_name(MEETING_SHEET, language),
        title=i18n.text("pack_title", language, as_of=as_of),
        columns=[ColumnSpec("", width=44 if i == 0 else 16) for i in range(width)],
        rows=rows,
        highlights=[Highlight(column, overdue, OVERDUE_FILL, OVERDUE_FONT) for column in range(width)],
        table=False,
    )
