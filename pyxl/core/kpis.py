"""Figures beyond revenue against target: CAC, CLTV, win rate, coverage, CSAT and NPS.

One row per period of the Targets sheet and per Company, Team and Region (from the Team sheet),
as the contract's "Other figures" section defines them. A figure whose divisor is 0 or missing
is blank, with a note saying why.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pyxl.core.figures import safe_divide
from pyxl.core.formulas import csat, nps
from pyxl.core.matching import KeyCodes, line_codes
from pyxl.core.rollups import COMPANY, REGION, TEAM
from pyxl.core.schema import normalise, normalise_column
from pyxl.core.tracking import Tracking

KPI_COLUMNS = [
    "Level",
    "Name",
    "Period",
    "Start",
    "End",
    "Revenue",
    "Customers",
    "New Customers",
    "Spend",
    "CAC",
    "CLTV",
    "LTV:CAC",
    "Won",
    "Lost",
    "Win Rate",
    "Open Pipeline",
    "Coverage",
    "Weighted Forecast",
    "Responses",
    "CSAT",
    "NPS",
]
# The sheet adds lead conversion and the notes; CSV and JSON keep the contract's columns.
SHEET_EXTRA_COLUMNS = ["Leads", "Conversion", "Notes"]


def annual_churn(days: np.ndarray, customers: np.ndarray, as_of: dt.date) -> float:
    """Share of the previous twelve months' customers who did not buy again in the last twelve."""
    t = pd.Timestamp(as_of)
    year_ago = np.datetime64((t - pd.DateOffset(years=1)).date(), "D")
    two_years_ago = np.datetime64((t - pd.DateOffset(years=2)).date(), "D")
    days = np.asarray(days, dtype="datetime64[D]")
    previous = np.unique(customers[(days > two_years_ago) & (days <= year_ago)])
    recent = np.unique(customers[(days > year_ago) & (days <= np.datetime64(as_of, "D"))])
    return float(safe_divide(float(len(np.setdiff1d(previous, recent))), len(previous)))


# Half the history, at least: shorter windows say more about the season than about churn.
MIN_CHURN_WINDOW_DAYS = 28


def churn_from_history(days: np.ndarray, customers: np.ndarray, as_of: dt.date) -> tuple[float, bool]:
    """Annual churn as the contract measures it, and whether the history was too short for that.

    With no customers in the previous twelve months (less than a year of sales), the history up
    to `as_of` is split into two equal windows instead: the share of the first window's
    customers who did not buy in the second, annualised. Blank below two windows of four weeks.
    """
    rate = annual_churn(days, customers, as_of)
    days = np.asarray(days, dtype="datetime64[D]")
    end = np.datetime64(as_of, "D")
    if not np.isnan(rate) or not len(days):
        return rate, False
    history = int((end - days.min()) // np.timedelta64(1, "D")) + 1  # the first day included
    window = history // 2
    if window < MIN_CHURN_WINDOW_DAYS:
        return float("nan"), False
    middle = end - np.timedelta64(window, "D")
    previous = np.unique(customers[(days > middle - np.timedelta64(window, "D")) & (days <= middle)])
    recent = np.unique(customers[(days > middle) & (days <= end)])
    if not len(previous):
        return float("nan"), False
    kept = 1 - len(np.setdiff1d(previous, recent)) / len(previous)
    return float(1 - kept ** (365 / window)), True


@functools.lru_cache(maxsize=4096)  # asked again for every group; pandas' date offsets are slow
def year_factor(start: dt.date, last: dt.date) -> float:
    """How many times the window [start, last] fits in the year that begins at start."""
    one_year_on = (pd.Timestamp(start) + pd.DateOffset(years=1)).date()
    return float(safe_divide((one_year_on - start).days, (last - start).days + 1))


@dataclass(frozen=True)
class Group:
    level: str
    name: str
    column: str | None  # "team" or "region"; None for the company
    key: str


def groups(team: pd.DataFrame | None) -> list[Group]:
    """The company, then each team and region named on the Team sheet."""
    found = [Group(COMPANY.level, "All", None, "all")]
    if team is None:
        return found
    for rollup_level in (TEAM, REGION):
        column = rollup_level.column
        assert column is not None
        seen: dict[str, str] = {}
        for value in team[column].dropna():
            seen.setdefault(normalise(value), str(value))
        found += [Group(rollup_level.level, name, column, key) for key, name in seen.items()]
    return found


def _member_mask(frame: pd.DataFrame, group: Group) -> np.ndarray:
    if group.column is None:
        return np.ones(len(frame), bool)
    return (frame[f"{group.column}_key"] == group.key).to_numpy()


def _with_group_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Folded Team and Region keys (the rows' own, or their Rep's from the Team sheet)."""
    return frame.assign(
        team_key=normalise_column(frame["team"]), region_key=normalise_column(frame["region"])
    )


def _rows_by_key(dimension: str, values: pd.Series, order: np.ndarray) -> dict[str, np.ndarray]:
    """The positions (ascending) of the rows, taken in `order`, under each folded value; blanks
    under none."""
    numbered = KeyCodes()
    row_keys = numbered.encode(dimension, values)[order]
    keys = list(numbered.codes[dimension])  # in code order
    # numpy sorts 16-bit integers by radix: ten times quicker, and teams and regions are few.
    by_key = np.argsort(row_keys.astype(np.int16) if len(keys) < 2**15 else row_keys, kind="stable")
    bounds = np.cumsum(np.bincount(row_keys + 1, minlength=len(keys) + 1))
    return {key: by_key[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}


def _cltv_notes(any_customer: bool, buyers: int, churn: float, shortened: bool) -> list[str]:
    """Which input CLTV lacks, or how its churn was measured."""
    if not any_customer:
        return ["note_cltv_no_customer_column"]
    if not buyers:
        return ["note_cltv_no_customers"]
    if not np.isfinite(churn):
        return ["note_cltv_short_history"]
    if churn == 0:
        return ["note_cltv_no_churn"]
    return ["note_cltv_churn_shortened"] if shortened else []


def company_gaps(table: pd.DataFrame) -> dict[tuple[dt.date, dt.date], float]:
    """The period's Revenue gap for Coverage: the sum of Gap over the Company targets of that period
    with the Revenue metric, as the contract defines it; the Company rollup's where the company
    has no target of its own."""
    revenue = table[table["Metric"] == "Revenue"]
    own = revenue[revenue["Level"] == COMPANY.level].groupby(["Start", "End"])["Gap"].sum().to_dict()
    rolled = revenue[revenue["Level"] == COMPANY.rollup].groupby(["Start", "End"])["Gap"].sum().to_dict()
    return rolled | own


class _GroupSales:
    """One group's sales sorted by day, so any window is found by binary search."""

    def __init__(self, day: np.ndarray, amount: np.ndarray, customer: np.ndarray, customers: int) -> None:
        self.day, self.amount, self.customer, self.customers = day, amount, customer, customers

    def window(self, first: dt.date, last: dt.date) -> tuple[float, np.ndarray]:
        """Revenue and the codes (ascending) of the customers who bought, from `first` to `last`."""
        lo = np.searchsorted(self.day, np.datetime64(first, "D"), "left")
        hi = np.searchsorted(self.day, np.datetime64(last, "D"), "right")
        codes = self.customer[lo:hi]
        bought = np.zeros(self.customers, dtype=bool)  # cheaper than np.unique's sort or hash
        bought[codes[codes >= 0]] = True
        return float(self.amount[lo:hi].sum()), np.flatnonzero(bought)


def kpi_table(tracking: Tracking) -> pd.DataFrame:
    """Every KPI for each period of the Targets sheet and each Company, Team and Region."""
    inputs, t = tracking.inputs, tracking.as_of
    settings = inputs.settings
    periods = (
        inputs.targets[["period", "start", "end"]]
        .drop_duplicates(["start", "end"])
        .sort_values(["start", "end"], kind="stable")
    )
    # Sorted by day. Only numbers move: text is numbered first and its codes follow the rows, so
    # no text column of a million rows is copied.
    actuals = inputs.actuals
    dates = actuals["date"].to_numpy()
    by_day = np.argsort(dates, kind="stable")
    day = dates.astype("datetime64[D]")[by_day]
    amount = actuals["amount"].to_numpy(float)[by_day]
    # A line shared by several reps counts once for the company and by share for their teams. Its
    # rows share a day, so which of them counts is the same in either order. Most books credit
    # every line in full: no million-row duplicate search then.
    lines = line_codes(actuals)
    shared = lines >= 0
    once = amount * ~(pd.Series(lines).duplicated().to_numpy() & shared)[by_day] if shared.any() else amount
    credited = amount * actuals["share"].to_numpy(float)[by_day] if "share" in actuals else amount
    customer = KeyCodes().encode("customer", actuals["customer"])[by_day]  # -1: blank
    first_purchase = np.full(customer.max(initial=-1) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    if len(first_purchase):
        # Sorted by day, so the first row of each customer is their first purchase.
        seen = customer >= 0
        codes, first_rows = np.unique(customer[seen], return_index=True)
        first_purchase[codes] = day[seen][first_rows]
    pipeline = _with_group_keys(inputs.pipeline) if inputs.pipeline is not None else None
    survey = _with_group_keys(inputs.survey) if inputs.survey is not None else None
    gaps = company_gaps(tracking.table)
    team_regions = _team_regions(inputs.team)
    # One churn for the workbook, like the Annual Churn setting it stands in for.
    churn, churn_shortened = settings.annual_churn, False
    known = customer >= 0
    if churn is None:
        churn, churn_shortened = churn_from_history(day[known], customer[known], t)

    rows_of = {column: _rows_by_key(column, actuals[column], by_day) for column in ("team", "region")}
    records = []
    for group in groups(inputs.team):
        members: slice | np.ndarray = (
            slice(None)  # every row, as views: no copies of a million rows
            if group.column is None
            else rows_of[group.column].get(group.key, np.array([], dtype=np.int64))
        )
        counted = once if group.column is None else credited
        sales = _GroupSales(day[members], counted[members], customer[members], len(first_purchase))
        for period in periods.itertuples(index=False):
            start, end = period.start.date(), period.end.date()
            last = min(t, end)
            notes: list[str] = []
            revenue, buyers = sales.window(start, last)
            first = first_purchase[buyers]
            new = int(np.sum((first >= np.datetime64(start)) & (first <= np.datetime64(end))))
            spend = _spend(inputs.costs, group, period.period, start, end, team_regions)
            cac = float(safe_divide(spend, new)) if spend is not None else float("nan")
            if inputs.costs is None:
                notes.append("note_cac_no_costs")
            elif spend is None:
                notes.append(f"note_spend_not_by_{group.column}")
            elif new == 0:
                notes.append("note_cac_no_new_customers")
            factor = year_factor(start, last) if last >= start else float("nan")
            cltv = float(
                safe_divide(float(safe_divide(revenue, len(buyers))) * factor * settings.gross_margin, churn)
            )
            notes += _cltv_notes(bool(known.any()), len(buyers), churn, churn_shortened)
            record = {
                "Level": group.level,
                "Name": group.name,
                "Period": period.period,
                "Start": start,
                "End": end,
                "Revenue": revenue,
                "Customers": len(buyers),
                "New Customers": new,
                "Spend": float("nan") if spend is None else spend,
                "CAC": cac,
                "CLTV": cltv,
                "LTV:CAC": float(safe_divide(cltv, cac)),
            }
            record |= _pipeline_figures(pipeline, group, start, end, t, revenue, notes)
            gap = gaps.get((start, end))
            record["Coverage"] = float(safe_divide(record["Open Pipeline"], gap))
            if gap is None:
                notes.append("note_coverage_no_target")
            elif gap == 0:
                notes.append("note_coverage_no_gap")
            record |= _survey_figures(survey, group, start, last, notes)
            record["Notes"] = tuple(notes)  # message keys; views word them
            records.append(record)
    return pd.DataFrame(records, columns=KPI_COLUMNS + SHEET_EXTRA_COLUMNS)


def _spend(
    costs: pd.DataFrame | None,
    group: Group,
    label: str,
    start: dt.date,
    end: dt.date,
    team_regions: dict[str, str],
) -> float | None:
    """Marketing + sales spend of Costs rows for the period itself or a month inside it.

    A team's spend is its own rows; a region's is its rows plus its teams' rows (a team belongs to
    its reps' region on the Team sheet). None, a blank with a note, where the rows name no team
    (or no team or region) and so cannot be attributed: never a misleading 0.
    """
    if costs is None:
        return None
    is_month = (costs["start"].dt.day == 1) & ((costs["end"] - costs["start"]).dt.days < 31)
    inside = (costs["start"].dt.date >= start) & (costs["end"].dt.date <= end)
    rows = costs[(costs["period"] == label) | (is_month & inside)]
    if group.column is None or rows.empty:
        return float(rows["spend"].sum())
    team = normalise_column(rows["team"])
    owner = (
        team if group.column == "team" else normalise_column(rows["region"]).fillna(team.map(team_regions))
    )
    if owner.isna().all():
        return None
    return float(rows.loc[(owner == group.key).to_numpy(), "spend"].sum())


def _team_regions(team: pd.DataFrame | None) -> dict[str, str]:
    """Each team's region (folded), from its reps on the Team sheet."""
    if team is None:
        return {}
    pairs = team.dropna(subset=["team", "region"])
    return dict(zip(normalise_column(pairs["team"]), normalise_column(pairs["region"]), strict=True))


def _pipeline_figures(
    pipeline: pd.DataFrame | None,
    group: Group,
    start: dt.date,
    end: dt.date,
    t: dt.date,
    revenue: float,
    notes: list[str],
) -> dict[str, float]:
    if pipeline is None:
        notes.append("note_no_pipeline")
        nan = float("nan")
        return {
            "Won": nan,
            "Lost": nan,
            "Win Rate": nan,
            "Open Pipeline": nan,
            "Weighted Forecast": nan,
            "Leads": nan,
            "Conversion": nan,
        }
    deals = pipeline[_member_mask(pipeline, group)]
    close = deals["close_date"].dt.date
    closing = (close >= start) & (close <= end)
    won = int(((deals["status"] == "won") & closing).sum())
    lost = int(((deals["status"] == "lost") & closing).sum())
    if won + lost == 0:
        notes.append("note_win_rate_no_closed")
    open_rows = deals[(deals["status"] == "open") & (close >= t) & (close <= end)]
    weighted = float((open_rows["amount"] * open_rows["probability"].fillna(0.0)).sum())
    # As timestamps: a Pipeline sheet without a Created column has only NaT here, whose .dt.date
    # stays datetime64 and cannot be compared with a date.
    created = pd.to_datetime(deals["created"])
    leads = deals[(created >= pd.Timestamp(start)) & (created <= pd.Timestamp(end))]
    if leads.empty:
        notes.append("note_conversion_no_deals")
    return {
        "Won": won,
        "Lost": lost,
        "Win Rate": float(safe_divide(won, won + lost)),
        "Open Pipeline": float(open_rows["amount"].sum()),
        "Weighted Forecast": revenue + weighted,
        "Leads": len(leads),
        "Conversion": float(safe_divide(float((leads["status"] == "won").sum()), len(leads))),
    }


def _survey_figures(
    survey: pd.DataFrame | None, group: Group, start: dt.date, last: dt.date, notes: list[str]
) -> dict[str, float]:
    if survey is None:
        return {"Responses": float("nan"), "CSAT": float("nan"), "NPS": float("nan")}
    day = survey["date"].dt.date
    rows = survey[_member_mask(survey, group) & (day >= start) & (day <= last)]
    if rows.empty:
        notes.append("note_no_responses")
    return {
        "Responses": len(rows),
        "CSAT": csat(rows.loc[rows["scale"] == "CSAT", "score"].to_numpy()),
        "NPS": nps(rows.loc[rows["scale"] == "NPS", "score"].to_numpy()),
    }
