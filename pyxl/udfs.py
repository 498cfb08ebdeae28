"""Cell functions for Excel (xlwings UDFs). Each docstring's first line is Excel's help text.

Every function takes single cells or whole ranges: ranges are computed at once and spill.
A bad argument returns a short message in the cell instead of an error dialog.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import xlwings as xw

from pyxl.core import formulas
from pyxl.core.errors import BadArgument
from pyxl.core.formulas import figure, paced
from pyxl.core.pacing import Calendar
from pyxl.core.periods import parse_period
from pyxl.core.schema import normalise
from pyxl.views import i18n
from pyxl.views.sheets import plain

CACHE_SECONDS = 5.0
_workbook_cache: dict[str, tuple[float, Any]] = {}
T = TypeVar("T")


def _to_cells(result: object) -> object:
    """numpy results to what xlwings writes: a scalar, or a 2-D list; blank figures as empty."""
    array = np.asarray(result, dtype=object)
    if array.ndim == 0:
        return plain(array.item())
    if array.ndim == 1:
        array = array.reshape(1, -1)
    return [[plain(v) for v in row] for row in array.tolist()]


def ranges(*names: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Take these arguments from Excel as 2-D arrays, so rows stay rows and columns stay columns."""

    def decorate(function: Callable[..., object]) -> Callable[..., object]:
        for name in names:
            function = xw.arg(name, ndim=2)(function)
        return function

    return decorate


def cell_function(compute: Callable[..., object]) -> Callable[..., object]:
    """Run a figure, returning the value(s) or a one-line message; never a traceback."""

    @functools.wraps(compute)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return _to_cells(compute(*args, **kwargs))
        except BadArgument as problem:
            return f"#VALUE! {i18n.explain(problem)}"
        except Exception as error:  # a cell must always show something readable
            return f"#VALUE! {type(error).__name__}: {error}"

    return run


@xw.func
@ranges("actual", "target")
@cell_function
def ATTAINMENT(actual, target):
    """Attainment: actual ÷ target (0.87 = 87%)."""
    return formulas.attainment(actual, target)


@xw.func
@ranges("actual", "target")
@cell_function
def VARIANCE(actual, target):
    """Variance: actual − target."""
    return formulas.variance(actual, target)


@xw.func
@ranges("actual", "target")
@cell_function
def VARIANCE_PCT(actual, target):
    """Variance %: (actual − target) ÷ target."""
    return formulas.variance_pct(actual, target)


@xw.func
@ranges("actual", "target")
@cell_function
def GAP(actual, target):
    """Gap still to close: max(target − actual, 0)."""
    return formulas.gap(actual, target)


@xw.func
@ranges("target", "start_date", "end_date", "as_of", "method")
@cell_function
def EXPECTED(target, start_date, end_date, as_of=None, method=None, caller=None):
    """Expected by the as-of date: target × elapsed share of the period (linear, workdays or seasonal)."""
    return figure(paced(0, target, start_date, end_date, as_of, method, _calendar(caller)), "Expected")


@xw.func
@ranges("actual", "target", "start_date", "end_date", "as_of", "method")
@cell_function
def PACE(actual, target, start_date, end_date, as_of=None, method=None, caller=None):
    """Pace: actual ÷ expected-to-date (1.0 = exactly on pace)."""
    return figure(paced(actual, target, start_date, end_date, as_of, method, _calendar(caller)), "Pace")


@xw.func
@ranges("actual", "target", "start_date", "end_date", "as_of", "method")
@cell_function
def PERIOD_FORECAST(actual, target, start_date, end_date, as_of=None, method=None, caller=None):
    """Forecast for the period end at the current run-rate."""
    return figure(paced(actual, target, start_date, end_date, as_of, method, _calendar(caller)), "Forecast")


@xw.func
@ranges("actual", "target", "start_date", "end_date", "as_of", "method")
@cell_function
def REQUIRED_PER_DAY(actual, target, start_date, end_date, as_of=None, method=None, caller=None):
    """What is needed per remaining day (working day for workdays) to close the gap."""
    return figure(
        paced(actual, target, start_date, end_date, as_of, method, _calendar(caller)), "Required per Day"
    )


@xw.func
@ranges("actual", "target", "start_date", "end_date", "as_of", "method")
@cell_function
def STATUS(actual, target, start_date, end_date, as_of=None, method=None, caller=None):
    """Status: Not started, Ahead, On track, Behind, At risk, Achieved or Missed."""
    return figure(paced(actual, target, start_date, end_date, as_of, method, _calendar(caller)), "Status")


@xw.func
@ranges("spend", "new_customers")
@cell_function
def CAC(spend, new_customers):
    """Customer acquisition cost: (marketing + sales spend) ÷ new customers; blank when there are none."""
    return formulas.cac(spend, new_customers)


@xw.func
@ranges("annual_revenue_per_customer", "annual_churn", "gross_margin")
@cell_function
def CLTV(annual_revenue_per_customer, annual_churn, gross_margin=None):
    """Customer lifetime value: yearly revenue per customer × gross margin ÷ annual churn."""
    return formulas.cltv(annual_revenue_per_customer, annual_churn, gross_margin)


@xw.func
@ranges("won", "leads")
@cell_function
def CONVERSION(won, leads):
    """Lead-to-won conversion: won deals ÷ leads; blank when there are no leads."""
    return formulas.conversion(won, leads)


@xw.func
@ranges("won", "lost")
@cell_function
def WIN_RATE(won, lost):
    """Win rate: won ÷ (won + lost); blank when nothing has closed."""
    return formulas.win_rate(won, lost)


@xw.func
@ranges("scores")
@cell_function
def CSAT(scores):
    """Customer satisfaction: share of 4 and 5 among CSAT scores (1-5) in a range."""
    return formulas.csat(scores)


@xw.func
@ranges("scores")
@cell_function
def NPS(scores):
    """Net promoter score: % of 9-10 minus % of 0-6 among NPS scores (0-10) in a range."""
    return formulas.nps(scores)


def _cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept for a few seconds: a sheet of formulas recalculates them all at once."""
    hit = _workbook_cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = compute()
    _workbook_cache[key] = (time.monotonic(), value)
    return value


def _calendar(caller) -> Calendar | None:
    """The calling workbook's weekend, holidays and seasonality; None (Sat/Sun, no holidays,
    equal months) when a figure function is called from Python."""
    if caller is None:
        return None
    from pyxl.adapters import livebook

    book = caller.sheet.book
    return _cached("calendar:" + book.fullname, lambda: livebook.read_calendar(book))


def _workbook_tracking(book: xw.Book):
    """This workbook's tracking table."""
    from pyxl import pipeline
    from pyxl.adapters.livebook import LiveWorkbook

    return _cached("tracking:" + book.fullname, lambda: pipeline.track_workbook(LiveWorkbook(book)))


def track_lookup(table, name: str, period: str, figure_name: str = "Attainment", metric: str = "Revenue"):
    """One figure of the tracking table by Name, Period and Metric."""
    if figure_name not in table.columns:
        raise BadArgument("arg_figure", choices=", ".join(table.columns[6:]))
    wanted_period = parse_period(period).label if period not in (None, "") else None
    rows = table[
        (table["Name"].map(normalise) == normalise(name))
        & (table["Metric"].str.casefold() == str(metric or "Revenue").casefold())
    ]
    if wanted_period:
        rows = rows[rows["Period"] == wanted_period]
    if rows.empty:
        raise BadArgument("arg_no_target", name=name, period=period, metric=metric)
    return rows[figure_name].iloc[0]


FORECAST_FIGURES = ["Forecast", "Forecast Low", "Forecast High", "Forecast Method"]


def table_from_cells(cells: list[list[object]]):
    """A tracking table copied from a Tracking sheet's cells (header row first), its Chinese
    headers, metrics and methods read back into the contract's words."""
    import pandas as pd

    if not cells or len(cells) < 2:
        raise BadArgument("arg_tracking_range")
    english = {i18n.column_word(c, "zh"): c for c in ("Name", "Period", "Metric", *FORECAST_FIGURES)}
    headers = [english.get(str(h).strip(), str(h).strip()) for h in cells[0]]
    table = pd.DataFrame(cells[1:], columns=headers)
    missing = [c for c in ("Name", "Period", "Metric", *FORECAST_FIGURES) if c not in table.columns]
    if missing:
        raise BadArgument("arg_tracking_range")
    metrics, methods = i18n.FROM_CHINESE["Metric"], i18n.FROM_CHINESE["Forecast Method"]
    return table.assign(
        Metric=table["Metric"].map(lambda v: metrics.get(v, v)),
        Period=table["Period"].map(lambda v: parse_period(v).label if v not in (None, "") else v),
        **{"Forecast Method": table["Forecast Method"].map(lambda v: methods.get(v, v))},
    )


def single(value: object) -> object:
    """A one-cell range as its value: Excel on the web sends every argument as a range."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def forecast_range(table, name: object, period: object, metric: object = "Revenue") -> list[object]:
    """Forecast, Forecast Low, Forecast High and Forecast Method of one tracking row."""
    name, period, metric = single(name), single(period), single(metric)
    metric = i18n.FROM_CHINESE["Metric"].get(str(metric or "Revenue").strip(), metric)
    return [track_lookup(table, str(name), str(period), figure, str(metric)) for figure in FORECAST_FIGURES]


def tracking_rows(table, period: str | None = None) -> list[list[object]]:
    """The tracking table with its header row, optionally for one period."""
    if period not in (None, ""):
        table = table[table["Period"] == parse_period(period).label]
    return [list(table.columns), *table.astype(object).where(table.notna(), None).values.tolist()]


@xw.func
@cell_function
def TRACK(name, period, figure_name="Attainment", metric="Revenue", caller=None):
    """One figure of this workbook's tracking table, e.g. =TRACK("Li Wei", "2025-05", "Attainment")."""
    table = _workbook_tracking(caller.sheet.book).table
    return track_lookup(table, name, period, figure_name, metric)


@xw.func
@xw.arg("tracking", ndim=2)
@cell_function
def FORECAST_RANGE(name, period, metric="Revenue", tracking=None, caller=None):
    """Forecast, its 80% range (low, high) and method for one target; on the web add the Tracking table."""
    if tracking is None or all(v is None for row in tracking for v in row):
        if caller is None:
            raise BadArgument("arg_tracking_range")
        table = _workbook_tracking(caller.sheet.book).table
    else:
        table = table_from_cells(tracking)
    return [forecast_range(table, name, period, metric)]


@xw.func
@xw.ret(expand="table")
@cell_function
def TRACKING(period=None, caller=None):
    """This workbook's whole tracking table as a dynamic array, optionally for one period."""
    return tracking_rows(_workbook_tracking(caller.sheet.book).table, period)
