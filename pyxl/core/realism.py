"""Is a target realistic? What history implies for it, and targets suggested from history.

Two estimates, each from the sales rows that match the target's dimensions:
- the same period last year × recent growth (the last 90 days against the same days a year earlier);
- the trailing run-rate: the last 90 days' daily average over the period's days, adjusted by the
  Seasonality weights of the period against those of the 90 days.
What history implies is the mean of the estimates that exist.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pyxl.core.inputs import Inputs
from pyxl.core.matching import Sales
from pyxl.core.pacing import Calendar
from pyxl.core.periods import parse_period
from pyxl.core.schema import DIMENSIONS, level_and_name, normalise

RECENT_DAYS = 90
ESTIMATE_COLUMNS = [
    "Same Period Last Year",
    "Growth Factor",
    "Last Year x Growth",
    "Run-rate Estimate",
    "Implied",
]


def _shift(frame: pd.DataFrame, years: int = 0, start: object = None, end: object = None) -> pd.DataFrame:
    shifted = frame.copy()
    if start is not None:
        shifted["start"], shifted["end"] = start, end
    if years:
        offset = pd.DateOffset(years=years)
        shifted["start"], shifted["end"] = shifted["start"] - offset, shifted["end"] - offset
    return shifted


def _day_weights(calendar: Calendar, start: pd.Series, end: pd.Series) -> np.ndarray:
    """Average Seasonality weight of the days in each window; 1 where there is no Seasonality sheet."""
    if not calendar.month_weights:
        return np.ones(len(start))
    first, last = start.min().to_datetime64().astype("M8[D]"), end.max().to_datetime64().astype("M8[D]")
    days = np.arange(first, last + 1)
    month = days.astype("M8[M]").astype(np.int64) % 12
    running = np.concatenate([[0.0], np.cumsum(calendar.weights()[month])])
    lo = (start.to_numpy().astype("M8[D]") - first).astype(np.int64)
    hi = (end.to_numpy().astype("M8[D]") - first).astype(np.int64) + 1
    return (running[hi] - running[lo]) / np.maximum(hi - lo, 1)


def estimates(
    targets: pd.DataFrame, inputs: Inputs, as_of: dt.date, sales: Sales | None = None
) -> pd.DataFrame:
    """History's estimates for each target row (its dimensions, metric and period)."""
    sales = sales or inputs.sales()
    anywhere = pd.Timestamp("2262-01-01")
    t = pd.Timestamp(as_of)
    # The recent window ends the day before the period starts, or at the as-of date if earlier.
    anchor = (targets["start"] - pd.Timedelta(days=1)).clip(upper=t)
    recent_start = anchor - pd.Timedelta(days=RECENT_DAYS - 1)
    windows = [  # the same period last year, the recent window, and that window a year before
        _shift(targets, years=1),
        _shift(targets, start=recent_start, end=anchor),
        _shift(targets, years=1, start=recent_start, end=anchor),
    ]
    # One call, so each level's daily sums are sorted once for all three.
    stacked = pd.concat(windows, ignore_index=True)
    last_year, recent, year_before = np.split(sales.totals(stacked, anywhere), 3)
    # An estimate counts only where the sales history covers its whole window.
    first_sale = sales.first_day() or pd.Timestamp.max
    year = pd.DateOffset(years=1)
    enough = (recent_start >= first_sale).to_numpy()
    growth_known = ((recent_start - year) >= first_sale).to_numpy() & (year_before > 0)
    growth = np.where(growth_known, recent / np.where(year_before > 0, year_before, 1), np.nan)
    last_year_known = ((targets["start"] - year) >= first_sale).to_numpy() & (last_year > 0)
    from_last_year = np.where(last_year_known & np.isfinite(growth), last_year * growth, np.nan)
    days = (targets["end"] - targets["start"]).dt.days.to_numpy() + 1
    season = _day_weights(inputs.calendar, targets["start"], targets["end"]) / _day_weights(
        inputs.calendar, recent_start, anchor
    )
    run_rate = np.where(enough & (recent > 0), recent / RECENT_DAYS * days * season, np.nan)
    both = np.vstack([from_last_year, run_rate])
    count = np.isfinite(both).sum(axis=0)
    implied = np.where(count > 0, np.nansum(both, axis=0) / np.maximum(count, 1), np.nan)
    return pd.DataFrame(
        {
            "Same Period Last Year": np.where(last_year > 0, last_year, np.nan),
            "Growth Factor": growth,
            "Last Year x Growth": from_last_year,
            "Run-rate Estimate": run_rate,
            "Implied": implied,
        },
        index=targets.index,
    )


def check_targets(inputs: Inputs, as_of: dt.date, sales: Sales | None = None) -> None:
    """Warn on the Data Quality sheet about targets far above or below what history implies."""
    targets = inputs.targets
    if targets.empty:
        return
    settings = inputs.settings
    found = estimates(targets, inputs, as_of, sales)
    ratio = targets["target"].to_numpy() / found["Implied"].to_numpy()
    flagged = np.isfinite(ratio) & (
        (ratio - 1 > settings.realistic_above) | (1 - ratio > settings.realistic_below)
    )
    # Worded only for the targets flagged: with random targets that can be most of two thousand.
    found_by_column = {column: found[column].to_numpy() for column in ESTIMATE_COLUMNS}
    facts: list[dict[str, object] | None] = [None] * len(targets)
    for index in np.flatnonzero(flagged):
        facts[index] = _facts({c: float(v[index]) for c, v in found_by_column.items()}, float(ratio[index]))
    details = pd.Series(facts, index=targets.index, dtype=object)
    inputs.report_targets(
        pd.Series(flagged, index=targets.index), "target", "unrealistic_target", detail=details
    )


def _facts(row: dict[str, float], ratio: float) -> dict[str, object]:
    """The numbers behind an unrealistic-target warning, and which estimates they come from."""
    estimates = []
    if np.isfinite(row["Last Year x Growth"]):
        estimates.append("estimate_last_year")
    if np.isfinite(row["Run-rate Estimate"]):
        estimates.append("estimate_run_rate")
    return {
        "direction": "direction_above" if ratio > 1 else "direction_below",
        "share": abs(ratio - 1),
        "implied": row["Implied"],
        "last_year": row["Same Period Last Year"],
        "growth": row["Growth Factor"],
        "from_last_year": row["Last Year x Growth"],
        "run_rate": row["Run-rate Estimate"],
        "estimates": tuple(estimates),
    }


def suggest(inputs: Inputs, period_text: str, as_of: dt.date) -> pd.DataFrame:
    """A suggested target for PERIOD for every dimension and metric the Targets sheet uses."""
    period = parse_period(period_text, inputs.settings.fiscal_year_start_month)
    who = inputs.targets.drop_duplicates([*DIMENSIONS, "metric"])[[*DIMENSIONS, "metric", "pacing"]].copy()
    # In nanoseconds, as the Targets sheet's dates are: pandas 2.1 cannot stack dates of two units.
    who["start"], who["end"] = (pd.Timestamp(d).as_unit("ns") for d in (period.start, period.end))
    departed = inputs.departed(as_of)
    who = who[~who["rep"].map(lambda rep: normalise(rep) in departed if pd.notna(rep) else False)]
    who = who.reset_index(drop=True)
    found = estimates(who, inputs, as_of)
    level, name = level_and_name(who)
    current = inputs.targets[
        (inputs.targets["start"] == pd.Timestamp(period.start))
        & (inputs.targets["end"] == pd.Timestamp(period.end))
    ]
    keys = [*DIMENSIONS, "metric"]
    existing = who[keys].merge(current[[*keys, "target"]].drop_duplicates(keys), on=keys, how="left")[
        "target"
    ]
    return pd.DataFrame(
        {
            "Level": level.to_numpy(),
            "Name": name.to_numpy(),
            "Metric": who["metric"],
            "Period": period.label,
            "Start": period.start,
            "End": period.end,
            "Suggested": found["Implied"].map(_round_target),
            **{column: found[column] for column in ESTIMATE_COLUMNS[:-1]},
            "Current Target": existing.to_numpy(),
        }
    )


def _round_target(value: float) -> float:
    """Three significant figures: a target people can say out loud."""
    if not np.isfinite(value) or value <= 0:
        return np.nan
    digits = 3 - int(np.floor(np.log10(value))) - 1
    return float(round(value, digits))
