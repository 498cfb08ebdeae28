"""`salestrack refresh` against the naive pipeline and against fastexcel reading the actuals.

For each size it builds a workbook (cached in benchmarks/output/), then times, each in a fresh
process and in the same run:
- fastexcel reading the Actuals sheet (the floor),
- `salestrack refresh` on a copy,
- the naive pipeline: pandas.read_excel with its default engine for every sheet, the same tracking
  computation, then openpyxl load_workbook, a Tracking sheet of values, and save.
It prints wall time, peak memory and the ratios. Goals: at 1,000,000 rows refresh within 3x the
fastexcel read and under 1.5 GB; at 200,000 rows at least 20x faster than the naive pipeline.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from make_workbook import build

HERE = Path(__file__).parent
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
NAIVE = """
import sys
import pandas as pd
from openpyxl import load_workbook
from pyxl.core.inputs import RawSheet, load_inputs
from pyxl.core.parsing import as_text
from pyxl.core.tracking import track

path = sys.argv[1]
frames = pd.read_excel(path, sheet_name=None, header=None)
class Frames:
    name = path
    def sheet_names(self):
        return list(frames)
    def read_sheet(self, name):
        return RawSheet(name, frames[name].apply(as_text))
tracking = track(load_inputs(Frames()))
book = load_workbook(path)
sheet = book.create_sheet("Tracking")
sheet.append(list(tracking.table.columns))
for row in tracking.table.itertuples(index=False):
    sheet.append([None if v != v else v for v in row])
book.save(path)
"""
FASTEXCEL = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet('Actuals').to_pandas()"


def measure(command: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000, 1_000_000])
    parser.add_argument(
        "--naive-up-to",
        type=int,
        default=1_000_000,
        help="skip the naive pipeline above this many rows (it takes minutes)",
    )
    args = parser.parse_args()
    output = HERE / "output"
    output.mkdir(exist_ok=True)
    header = (
        f"{'rows':>10} {'fastexcel s':>12} {'refresh s':>10} {'refresh MB':>11} {'naive s':>9} "
        f"{'naive MB':>9} {'refresh/fastexcel':>18} {'naive/refresh':>14}"
    )
    print(header)
    for rows in args.sizes:
        book = output / f"refresh-{rows}.xlsx"
        if not book.exists():
            build(book, rows)
        floor = measure([sys.executable, "-c", FASTEXCEL, str(book)])
        copy = output / f"refresh-{rows}-salestrack.xlsx"
        shutil.copy(book, copy)
        ours = measure([sys.executable, "-m", "pyxl", "refresh", str(copy)])
        naive_text = ("", "", "")
        if rows <= args.naive_up_to:
            naive_copy = output / f"refresh-{rows}-naive.xlsx"
            shutil.copy(book, naive_copy)
            naive = measure([sys.executable, "-c", NAIVE, str(naive_copy)])
            naive_text = (
                f"{naive['seconds']:.1f}",
                f"{naive['peak_mb']:.0f}",
                f"{naive['seconds'] / ours['seconds']:.1f}",
            )
        print(
            f"{rows:>10,} {floor['seconds']:>12.2f} {ours['seconds']:>10.2f} {ours['peak_mb']:>11.0f} "
            f"{naive_text[0]:>9} {naive_text[1]:>9} {ours['seconds'] / floor['seconds']:>18.2f} "
            f"{naive_text[2]:>14}",
            flush=True,
        )
        time.sleep(0.1)


if __name__ == "__main__":
    main()
