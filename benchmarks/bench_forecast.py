"""What the learned forecast adds to tracking: 2,000 targets on three years of daily sales.

Builds a workbook (cached in benchmarks/output/) of 160 reps selling every day from 2023 to 2025
(one row per rep and day: 175,360 rows) and 1,956 targets, nearly all running on 2025-11-16: per
rep, Revenue for November, Q4, H2 and 2025, Units for November, Revenue for November of each of
five products and Units for Q4 of two; per team, Revenue for 2025; per product, Units for each
quarter. The same inputs are then tracked as of 2025-11-16, in the same run:

- as salestrack does (history of the last 12 periods, pattern forecast and its range);
- with the forecast as the run-rate alone (no history read, no range): the baseline.

Prints the best of --repeat runs of each and the difference. Goal: at most 0.3 s more.

    python benchmarks/bench_forecast.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from pyxl import pipeline
from pyxl.core import forecast, tracking
from pyxl.core.inputs import load_inputs

HERE = Path(__file__).parent
AS_OF = dt.date(2025, 11, 16)
REPS, PRODUCTS = 160, ["Cardiolex", "Glucanor", "Respira", "Neurozin", "Dermaclin"]


def build(path: Path) -> Path:
    """The workbook described above; seeded, so every run measures the same data."""
    rng = np.random.default_rng(11)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})
    targets = book.add_worksheet("Targets")
    targets.write_row(0, 0, ["Period", "Metric", "Rep", "Product", "Team", "Target"])
    rows = []
    for rep in range(REPS):
        name = f"Rep {rep:03d}"
        for period, metric in (
            ("2025-11", "Revenue"),
            ("2025-Q4", "Revenue"),
            ("2025-H2", "Revenue"),
            ("2025", "Revenue"),
            ("2025-11", "Units"),
        ):
            rows.append([period, metric, name, "", "", 150_000])
        rows += [["2025-11", "Revenue", name, product, "", 30_000] for product in PRODUCTS]
        rows += [["2025-Q4", "Units", name, product, "", 300] for product in PRODUCTS[:2]]
    for row, values in enumerate(rows, start=1):
        targets.write_row(row, 0, values)
    row = len(rows) + 1
    for product in PRODUCTS:
        for quarter in range(1, 5):
            targets.write_row(row, 0, [f"2025-Q{quarter}", "Units", "", product, "", 40_000])
            row += 1
    for team in range(REPS // 10):
        targets.write_row(row, 0, ["2025", "Revenue", "", "", f"Team {team:02d}", 18_000_000])
        row += 1
    team = book.add_worksheet("Team")
    team.write_row(0, 0, ["Rep", "Team", "Region"])
    for rep in range(REPS):
        team.write_row(rep + 1, 0, [f"Rep {rep:03d}", f"Team {rep // 10:02d}", ("North", "South")[rep % 2]])
    actuals = book.add_worksheet("Actuals")
    actuals.write_row(0, 0, ["Date", "Rep", "Product", "Amount", "Units"])
    days = pd.date_range("2023-01-01", "2025-12-31")
    row = 1
    for day in days:
        weekday = day.day_of_week < 5
        amounts = rng.gamma(4.0, (1600 if weekday else 400) / 4.0, REPS).round(2)
        products = rng.integers(0, len(PRODUCTS), REPS)
        for rep in range(REPS):
            actuals.write_datetime(row, 0, day.to_pydatetime(), day_format)
            actuals.write_row(row, 1, [f"Rep {rep:03d}", PRODUCTS[products[rep]], amounts[rep], 3])
            row += 1
    book.close()
    return path


def run_rate_only(
    rows: pd.DataFrame, run_rate: np.ndarray, as_of: pd.Timestamp, calendar: object
) -> pd.DataFrame:
    """The baseline's forecast columns: the run-rate, no range."""
    return pd.DataFrame(
        {
            "Forecast": run_rate,
            "Forecast Low": np.nan,
            "Forecast High": np.nan,
            "Forecast Method": forecast.RUN_RATE,
        }
    )


def no_history(targets: pd.DataFrame, sales: object, as_of: pd.Timestamp) -> pd.DataFrame:
    return pd.DataFrame(np.nan, index=targets.index, columns=forecast.HISTORY_COLUMNS)


def best_of(repeat: int, run: object) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    path = HERE / "output" / "forecast-2000-targets.xlsx"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        build(path)
    inputs = load_inputs(pipeline.file_reader(path))
    print(f"{len(inputs.targets):,} targets, {len(inputs.actuals):,} sales rows, as of {AS_OF}")
    tracking.track(inputs, AS_OF)  # warm: the sales' running totals are built once per process
    learned = best_of(arguments.repeat, lambda: tracking.track(inputs, AS_OF))
    kept = tracking.forecasts, tracking.history
    tracking.forecasts, tracking.history = run_rate_only, no_history  # type: ignore[assignment]
    try:
        baseline = best_of(arguments.repeat, lambda: tracking.track(inputs, AS_OF))
    finally:
        tracking.forecasts, tracking.history = kept
    methods = tracking.track(inputs, AS_OF).table["Forecast Method"].value_counts().to_dict()
    print(f"run-rate only (baseline)  {baseline:.3f} s")
    print(f"learned forecast          {learned:.3f} s   {methods}")
    print(f"added                     {learned - baseline:+.3f} s   (goal: at most +0.300 s)")


if __name__ == "__main__":
    main()
