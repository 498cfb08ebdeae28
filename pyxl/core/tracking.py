"""The tracking table: every target's figures, then the rollups, from clean inputs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pyxl.core import figures, pacing
from pyxl.core.comparisons import comparisons, growth_and_change, weighted_pipeline
from pyxl.core.forecast import HISTORY_COLUMNS, forecasts, history
from pyxl.core.inputs import Inputs
from pyxl.core.issues import Issues
from pyxl.core.matching import Sales
from pyxl.core.names import check_names
from pyxl.core.parsing import parse_day
from pyxl.core.realism import check_targets
from pyxl.core.rollups import ROLLUP_LEVELS, rollups
from pyxl.core.schema import DIMENSIONS, level_and_name, normalise
from pyxl.core.settings import Settings

TRACKING_COLUMNS = [
    "Level",
    "Name",
    "Period",
    "Metric",
    "Start",
    "End",
    "Target",
    "Actual",
    "Attainment",
    "Variance",
    "Variance %",
    "Expected",
    "Pace",
    "Status",
    "Forecast",
    "Forecast Attainment",
    "Gap",
    "Days Left",
    "Required per Day",
    "Forecast Low",
    "Forecast High",
    "Forecast Method",
    "Weighted Pipeline",
    "Last Year",
    "Growth",
    "Prior Period",
    "Change",
]
RATIO_COLUMNS = ("Attainment", "Variance %", "Pace", "Forecast Attainment", "Growth", "Change")
# Summed by rollups as they sum the actual: what a Team, Region or Company row is made of.
SUMMED = ["actual", "last_year", "prior_period", "weighted_pipeline", *HISTORY_COLUMNS]


@dataclass
class Tracking:
    """The tracking table and everything needed to present it."""

    table: pd.DataFrame
    issues: Issues
    settings: Settings
    as_of: dt.date
    inputs: Inputs
    sales: Sales | None = None  # the sales the actuals were summed from, to sum other windows
    pacing: pd.Series | None = None  # each row's pacing method (Days Left counts working days for workdays)

    def working_days(self) -> pd.Series:
        """True for rows whose Days Left counts working days."""
        if self.pacing is None:
            return pd.Series(self.settings.pacing == "workdays", index=self.table.index)
        return pd.Series((self.pacing == "workdays").to_numpy(), index=self.table.index)


AsOf = dt.date | str | None  # a date, or a date as typed (--as-of), read by the Date Order setting


def resolve_as_of(settings: Settings, as_of: AsOf, today: dt.date | None = None) -> dt.date:
    """--as-of wins, then the As Of setting, then today."""
    if isinstance(as_of, str):
        return parse_day(as_of, settings.date_order)
    return as_of or settings.as_of or today or dt.date.today()


def figures_for(frame: pd.DataFrame, as_of: dt.date, inputs: Inputs) -> pd.DataFrame:
    """Figures for rows carrying start, end, pacing, target and actual."""
    start = frame["start"].to_numpy().astype("datetime64[D]")
    end = frame["end"].to_numpy().astype("datetime64[D]")
    methods = frame["pacing"].to_numpy(dtype=object)
    t = np.datetime64(as_of, "D")
    settings = inputs.settings
    thresholds = figures.Thresholds(
        settings.ahead_threshold, settings.on_track_threshold, settings.behind_threshold
    )
    return figures.compute(
        frame["target"].to_numpy(float),
        frame["actual"].to_numpy(float),
        pacing.elapsed_fraction(start, end, t, methods, inputs.calendar),
        pacing.days_left(start, end, t, methods, inputs.calendar),
        started=t >= start,
        ended=t >= end,
        thresholds=thresholds,
    )


def track(inputs: Inputs, as_of: AsOf = None, today: dt.date | None = None) -> Tracking:
    """Compute the tracking table for every target row, followed by the rollups."""
    # Warnings go to a copy, so tracking the same inputs twice does not report them twice.
    inputs = dataclasses.replace(inputs, issues=inputs.issues.copy())
    settings = inputs.settings
    as_of = resolve_as_of(settings, as_of, today)
    targets = inputs.targets
    sales = inputs.sales()
    _warn_unmatchable(inputs)
    check_targets(inputs, as_of, sales)
    day = pd.Timestamp(as_of)
    targets = targets.assign(
        actual=sales.totals(targets, day), weighted_pipeline=weighted_pipeline(targets, inputs.pipeline, day)
    )
    targets = pd.concat([targets, comparisons(targets, sales, day), history(targets, sales, day)], axis=1)
    check_names(inputs, sales)
    level, name = level_and_name(targets)
    table = _table(targets.assign(level=level.to_numpy(), name=name.to_numpy()), as_of, inputs)
    pacing_methods = list(targets["pacing"])

    if inputs.team is not None:
        rep_rows = targets[(level == "Rep").to_numpy()]
        rolled = rollups(rep_rows, inputs.team, settings.pacing, SUMMED)
        if not rolled.empty:
            # A rollup's pipeline is its members' where a pipeline can say (Revenue, a Pipeline sheet).
            no_pipeline = (rolled["metric"] != "Revenue") | (inputs.pipeline is None)
            rolled["weighted_pipeline"] = rolled["weighted_pipeline"].mask(no_pipeline)
            table = pd.concat([table, _table(rolled, as_of, inputs)], ignore_index=True)
            pacing_methods += list(rolled["pacing"])
            _check_explicit_targets(targets, level, rolled, inputs)
    return Tracking(
        table[TRACKING_COLUMNS],
        inputs.issues,
        settings,
        as_of,
        inputs,
        sales,
        pd.Series(pacing_methods, dtype=object),
    )


def _table(rows: pd.DataFrame, as_of: dt.date, inputs: Inputs) -> pd.DataFrame:
    figures_frame = figures_for(rows, as_of, inputs)
    day = pd.Timestamp(as_of)
    run_rate = figures_frame["Forecast"].to_numpy()
    forecast_frame = forecasts(rows.reset_index(drop=True), run_rate, day, inputs.calendar)
    forecast = forecast_frame["Forecast"].to_numpy()
    figures_frame["Forecast"] = forecast
    figures_frame["Forecast Attainment"] = figures.safe_divide(forecast, figures_frame["Target"])
    actual, last_year, prior = (rows[c].to_numpy(float) for c in ("actual", "last_year", "prior_period"))
    more = pd.concat(
        [
            forecast_frame.drop(columns="Forecast"),
            pd.DataFrame(
                {
                    "Weighted Pipeline": rows["weighted_pipeline"].to_numpy(float),
                    "Last Year": last_year,
                    "Prior Period": prior,
                }
            ),
            growth_and_change(actual, last_year, prior),
        ],
        axis=1,
    )
    head = pd.DataFrame(
        {
            "Level": rows["level"].to_numpy(),
            "Name": rows["name"].to_numpy(),
            "Period": rows["period"].to_numpy(),
            "Metric": rows["metric"].to_numpy(),
            "Start": pd.to_datetime(rows["start"]).dt.date.to_numpy(),
            "End": pd.to_datetime(rows["end"]).dt.date.to_numpy(),
        }
    )
    return pd.concat([head, figures_frame, more], axis=1)


def _check_explicit_targets(
    targets: pd.DataFrame, level: pd.Series, rolled: pd.DataFrame, inputs: Inputs
) -> None:
    """Warn where a team's, region's or the company's own target differs from its members' sum."""
    for rollup_level in ROLLUP_LEVELS:
        column = rollup_level.column
        explicit = targets[(level == rollup_level.level).to_numpy()]
        if explicit.empty:
            continue
        explicit = explicit.assign(key=explicit[column].map(normalise) if column else "all")
        sums = rolled[rolled["level"] == rollup_level.rollup]
        joined = explicit.merge(
            sums[["start", "end", "metric", "key", "target"]],
            on=["start", "end", "metric", "key"],
            suffixes=("", "_members"),
        )
        differs = pd.Series(~np.isclose(joined["target"], joined["target_members"], rtol=0, atol=0.005))
        members = joined["target_members"].map(lambda v: f"{v:,.2f}")
        inputs.report_targets(differs, "target", "rollup_mismatch", rows=joined, detail=members)


def _warn_unmatchable(inputs: Inputs) -> None:
    """A target naming a dimension that sales rows never carry, or a Units target without a Units
    column, can only ever show 0."""
    units = (inputs.targets["metric"] == "Units") & ("units" not in inputs.actual_columns)
    inputs.report_targets(units, "metric", "units_absent")
    fillable = {"team", "region"} if inputs.team is not None else set()
    for dimension in DIMENSIONS:
        named = inputs.targets[dimension].notna()
        if named.any() and dimension not in inputs.actual_columns and dimension not in fillable:
            inputs.report_targets(named, dimension, "dimension_absent")
