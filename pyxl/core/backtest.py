"""How good the forecast has been: the past replayed with only what was known at each point.

Every target, and the same target moved back by whole periods of its kind (the months before a
monthly target, the quarters before a quarterly one, …), is forecast on each replay day inside
its period: every Sunday and month-end. `track` reads only sales up to the day it is given, so
each forecast sees what a manager would have seen that day. Each is scored against where its
period landed: its actual once it had ended.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from pyxl.core import pacing
from pyxl.core.comparisons import months_back, period_months
from pyxl.core.figures import safe_divide
from pyxl.core.forecast import PERIODS_BACK
from pyxl.core.inputs import Inputs
from pyxl.core.tracking import track

KEY = ["Level", "Name", "Metric", "Start", "End"]
WITHIN = 0.15  # a forecast within 15% of the final total counts as close (Gong's band)
ACCURACY_COLUMNS = [
    "Level",
    "Forecast Method",
    "Forecasts",
    "WAPE",
    "Bias",
    "Range Held",
    "Within 15%",
    "Run-rate WAPE",
    "Run-rate Bias",
    "Run-rate Within 15%",
]
ACCURACY_RATIOS = tuple(ACCURACY_COLUMNS[3:])  # shown as percentages
ALL = "All"
# What tells two targets apart for a forecast (not their label, amount or row).
IDENTITY = ("start", "end", "metric", "pacing", "rep", "team", "region", "product", "customer", "channel")


def replay_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Sunday and every month-end in [first, last]."""
    days = pd.date_range(first, last)
    return [day.date() for day in days[(days.day_of_week == 6) | days.is_month_end]]


def past_targets(targets: pd.DataFrame, first_sale: dt.date, last_day: dt.date) -> pd.DataFrame:
    """The targets and the same targets moved back by 1 to PERIODS_BACK periods of their kind,
    once each, keeping those that began on or after the first sale and ended by `last_day`."""
    months = period_months(targets)
    start = targets["start"].to_numpy().astype("datetime64[D]")
    moved = [targets]
    for k in range(1, PERIODS_BACK + 1):
        begins, ends = months_back(start, k * months), months_back(start, (k - 1) * months) - 1
        # As nanoseconds, the targets' own unit: pandas 2.1 cannot concatenate frames of two units.
        moved.append(targets.assign(start=begins.astype("datetime64[ns]"), end=ends.astype("datetime64[ns]")))
    every = pd.concat(moved, ignore_index=True)
    kept = (every["start"] >= pd.Timestamp(first_sale)) & (every["end"] <= pd.Timestamp(last_day))
    every = every[kept].drop_duplicates(subset=[c for c in every.columns if c in IDENTITY])
    return every.assign(period=every["start"].dt.strftime("%Y-%m-%d"))


def replay(inputs: Inputs, first: dt.date | None = None, last: dt.date | None = None) -> pd.DataFrame:
    """Each forecast made on each replay day in [first, last], beside the run-rate's and the final
    total; `last` defaults to the last sale's day, `first` to a year before it."""
    first_sale, last_sale = inputs.sales().span()
    if first_sale is None or last_sale is None:
        return pd.DataFrame(columns=[*KEY, "As Of", "Forecast", "Forecast Low", "Forecast High"])
    last = min(last or last_sale.date(), last_sale.date())
    first = first or (pd.Timestamp(last) - pd.DateOffset(years=1)).date()
    targets = past_targets(inputs.targets, first_sale.date(), last)
    finals = track(dataclasses.replace(inputs, targets=targets), last).table.set_index(KEY)["Actual"]
    made = []
    for day in replay_days(first, last):
        stamp = pd.Timestamp(day)
        running = targets[(targets["start"] <= stamp) & (targets["end"] > stamp)]
        if running.empty:
            continue
        tracking = track(dataclasses.replace(inputs, targets=running), day)
        table = tracking.table
        fraction = pacing.elapsed_fraction(
            pd.to_datetime(table["Start"]).to_numpy().astype("datetime64[D]"),
            pd.to_datetime(table["End"]).to_numpy().astype("datetime64[D]"),
            np.datetime64(day, "D"),
            tracking.pacing.to_numpy(dtype=object) if tracking.pacing is not None else "linear",
            inputs.calendar,
        )
        rows = table[[*KEY, "Forecast", "Forecast Low", "Forecast High", "Forecast Method"]].assign(
            **{"As Of": day, "Run-rate": safe_divide(table["Actual"], fraction)}
        )
        made.append(rows.join(finals.rename("Final"), on=KEY, how="inner"))
    if not made:
        return pd.DataFrame(columns=[*KEY, "As Of", "Forecast", "Forecast Low", "Forecast High", "Final"])
    return pd.concat(made, ignore_index=True)


def accuracy(made: pd.DataFrame) -> pd.DataFrame:
    """WAPE, bias, how often the range held the final total and the share within 15%, by level and
    forecast method, and the run-rate's beside them; a last line for all."""
    made = made[made["Final"].notna() & made["Forecast"].notna()]
    level = made["Level"].str.replace(" rollup", "", regex=False)
    grouped = made.groupby([level, made["Forecast Method"]])
    lines = [_scores(rows, str(lvl), str(method)) for (lvl, method), rows in grouped]
    if len(made):
        lines.append(_scores(made, ALL, ALL))
    return pd.DataFrame(lines, columns=ACCURACY_COLUMNS)


def _scores(rows: pd.DataFrame, level: str, method: str) -> list[object]:
    final = rows["Final"].to_numpy(float)
    total = np.abs(final).sum()

    def error(forecast: np.ndarray) -> tuple[float, float, float]:
        missing = ~np.isfinite(forecast)
        forecast = np.where(missing, 0.0, forecast)  # a blank forecast is taken as nothing sold
        wape = float(safe_divide(np.abs(forecast - final).sum(), total))
        bias = float(safe_divide((forecast - final).sum(), total))
        close = float((np.abs(forecast - final) <= WITHIN * np.abs(final)).mean())
        return wape, bias, close

    ranged = rows["Forecast Low"].notna().to_numpy()
    held = (final >= rows["Forecast Low"].to_numpy(float)) & (final <= rows["Forecast High"].to_numpy(float))
    wape, bias, close = error(rows["Forecast"].to_numpy(float))
    run_wape, run_bias, run_close = error(rows["Run-rate"].to_numpy(float))
    coverage = float(held[ranged].mean()) if ranged.any() else np.nan
    return [level, method, len(rows), wape, bias, coverage, close, run_wape, run_bias, run_close]
