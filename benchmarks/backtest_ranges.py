"""How honest are the forecast and its 80% range? Replay a workbook's past and count.

For every Sunday and month-end as-of date in the span of the sales, the workbook is tracked as of
that day (salestrack reads only sales up to it), and each target then running gives its Forecast,
Forecast Low and Forecast High. The target's final total (its actual once its period ended) is
what they are scored against, by Level and metric:

- WAPE: Σ |forecast − final| ÷ Σ final;
- bias: Σ (forecast − final) ÷ Σ final (negative: forecasts too low);
- coverage: the share of finals inside [Low, High] (an honest 80% range holds about 80%);
- ±15%: the share of forecasts within 15% of the final;
- blank: the share of rows without a range (no history).

    python benchmarks/backtest_ranges.py BOOK [--from 2026-01-01] [--to 2026-11-30]

With no BOOK, the demo workbook is written to a temporary folder and replayed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from pyxl import pipeline
from pyxl.core.inputs import load_inputs
from pyxl.core.tracking import track


def as_of_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Sunday and every month-end in [first, last]."""
    days = pd.date_range(first, last)
    chosen = days[(days.day_of_week == 6) | days.is_month_end]
    return [day.date() for day in chosen]


def replay(book: Path, first: dt.date | None, last: dt.date | None) -> pd.DataFrame:
    """Forecasts made on each as-of day, beside the final total of their target."""
    inputs = load_inputs(pipeline.file_reader(book))
    sales_days = inputs.actuals["date"]
    last_sale = last or sales_days.max().date()
    first_day = first or (sales_days.min() + pd.DateOffset(months=3)).date()
    finals = track(inputs, last_sale).table
    ended = pd.to_datetime(finals["End"]) <= pd.Timestamp(last_sale)
    key = ["Level", "Name", "Period", "Metric"]
    final = finals[ended].set_index(key)["Actual"].rename("Final")
    made = []
    for day in as_of_days(first_day, last_sale):
        table = track(inputs, day).table
        running = (pd.to_datetime(table["Start"]) <= pd.Timestamp(day)) & (
            pd.to_datetime(table["End"]) > pd.Timestamp(day)
        )
        rows = table[running].set_index(key)[["Forecast", "Forecast Low", "Forecast High"]]
        made.append(rows.join(final, how="inner").reset_index().assign(**{"As Of": day}))
    return pd.concat(made, ignore_index=True)


def scores(made: pd.DataFrame) -> pd.DataFrame:
    """WAPE, bias, range coverage and the ±15% share by level and metric, and over all rows."""
    level = (
        made["Level"]
        .str.replace(" rollup", "", regex=False)
        .where(made["Level"].str.endswith("rollup"), made["Level"])
    )
    made = made.assign(Group=level + " · " + made["Metric"])

    def score(rows: pd.DataFrame) -> pd.Series:
        final, forecast = rows["Final"], rows["Forecast"]
        ranged = rows["Forecast Low"].notna()
        inside = (rows["Final"] >= rows["Forecast Low"]) & (rows["Final"] <= rows["Forecast High"])
        total = final.abs().sum()
        return pd.Series(
            {
                "forecasts": len(rows),
                "WAPE": (forecast - final).abs().sum() / total if total else np.nan,
                "bias": (forecast - final).sum() / total if total else np.nan,
                "coverage": inside[ranged].mean() if ranged.any() else np.nan,
                "within 15%": ((forecast - final).abs() <= 0.15 * final.abs()).mean(),
                "blank range": 1 - ranged.mean(),
            }
        )

    by_group = made.groupby("Group").apply(score, include_groups=False)
    by_group.loc["all"] = score(made)
    return by_group


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("book", nargs="?", type=Path)
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="last", type=dt.date.fromisoformat)
    arguments = parser.parse_args()
    book = arguments.book
    if book is None:
        from pyxl.excel.demo import write_demo

        book = write_demo(Path(tempfile.mkdtemp()) / "demo.xlsx", dt.date(2026, 12, 6))
    made = replay(book, arguments.first, arguments.last)
    print(f"{len(made):,} forecasts from {made['As Of'].min()} to {made['As Of'].max()} ({book.name})")
    print(scores(made).round(3).to_string())


if __name__ == "__main__":
    main()
