"""`salestrack refresh` against the naive pipeline and against fastexcel reading the actuals.

For each size it builds a workbook (cached in benchmarks/output/), then times, each in a fresh
process and in the same run:
- fastexcel reading the Actuals sheet (the floor),
- `salestrack refresh` on a copy,
- the naive pipeline: pandas.read_excel with its default engine for every sheet, the same tracking
  computation, then openpyxl load_workbook, a Tracking sheet of values, and save.
- `salestrack refresh` again after one target was edited, as a manager clicks Refresh after a
  change: the Actuals sheet is unchanged, so its cleaned rows come from the cache.
Each is run `--repeat` times; the best and the worst are printed, since a 2-core machine's runs
vary. The cold refresh starts with an empty cache. Goals: at 1,000,000 rows a cold refresh within
1.5x and a warm one within 0.5x the fastexcel read, under 1 GB; at 200,000 rows at least 40x
faster than the naive pipeline (both the first refresh and the one after an edit are compared).
With --history-rows 700000 the workbook already holds a year of daily History (the goals must
still hold: a refresh appends its rows without writing the old ones again).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.inputs import load_inputs
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


def measure(command: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(done.stdout)


def spread(runs: list[dict[str, float]]) -> tuple[float, float, float]:
    """Best and worst seconds, and the highest peak, of repeated runs."""
    seconds = [r["seconds"] for r in runs]
    return min(seconds), max(seconds), max(r["peak_mb"] for r in runs)


def edit_one_target(path: Path, step: int) -> None:
    """Change one Target number on the Targets sheet and save, copying every other part's
    compressed bytes as they are (as salestrack itself writes)."""
    sys.path.insert(0, str(HERE.parent))
    from pyxl.adapters.xlsxpackage import Package, sheet_part

    package = Package(path)
    try:
        part = sheet_part(package.zip, "Targets")
        package.write(
            part,
            re.sub(
                rb'(<c r="F2"(?: s="\d+")?><v>)([\d.]+)(</v>)',
                lambda m: m[1] + str(float(m[2]) + step).encode() + m[3],
                package.read(part),
                count=1,
            ),
        )
        package.save(path)
    finally:
        package.close()


def renumbered(rows: bytes, first_row: int) -> bytes:
    """History's data rows rendered from sheet row 3, moved to start at `first_row`."""
    shift = first_row - 3
    rows = re.sub(rb'<row r="(\d+)"', lambda m: b'<row r="%d"' % (int(m[1]) + shift), rows)
    return re.sub(rb'(<c r="[A-Z]+)(\d+)"', lambda m: m[1] + b'%d"' % (int(m[2]) + shift), rows)


def with_history(book: Path, rows: int) -> Path:
    """`book` refreshed once, then given a History of about `rows` rows: the refresh's snapshot
    copied under each of the days before its as-of date, as a year of daily refreshes leaves it.
    Cached in benchmarks/output/."""
    seeded = book.with_name(f"{book.stem}-history-{rows}.xlsx")
    if seeded.exists():
        return seeded
    sys.path.insert(0, str(HERE.parent))
    from pyxl.adapters import historypart
    from pyxl.adapters.xlsxpackage import Deflated, Package, sheet_part

    shutil.copy(book, seeded)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SALESTRACK_CACHE_DIR": cache}
        subprocess.run([sys.executable, "-m", "pyxl", "refresh", str(seeded)], check=True, env=env)
    package = Package(seeded)
    try:
        part = sheet_part(package.zip, "History")
        entry = historypart.Entry(*package.raw(part))
        _, segments = historypart.ledger_of(historypart.Stored.holding(entry))
        xml = package.read(part)
        head, body, tail = historypart.split(xml)
        snapshot = segments[1].rows - 2
        as_of = dt.date.fromisoformat(segments[1].as_of)
        serial = (as_of - dt.date(1899, 12, 30)).days
        days = max(rows // snapshot, 1)
        pieces, last = [], 2
        for back in range(days, 0, -1):
            day = as_of - dt.timedelta(days=back)
            moved = body.replace(b"<v>%d</v>" % serial, b"<v>%d</v>" % (serial - back))
            pieces.append((day.isoformat(), renumbered(moved, last + 1), last + snapshot))
            last += snapshot
        whole = historypart.compose(head, pieces, tail)
        package.write_compressed(part, Deflated(whole.compressed, whole.crc, whole.size))
        package.save(seeded)
    finally:
        package.close()
    return seeded


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
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--history-rows",
        type=int,
        default=0,
        help="refresh a workbook whose History already holds this many rows",
    )
    args = parser.parse_args()
    output = HERE / "output"
    output.mkdir(exist_ok=True)
    # Compiled as installing a wheel compiles it: where nothing writes bytecode
    # (PYTHONDONTWRITEBYTECODE, a read-only checkout) every run would compile pyxl again.
    compileall.compile_dir(HERE.parent / "pyxl", quiet=1)
    print(
        f"{'rows':>10} {'fastexcel s':>14} {'cold s':>12} {'cold MB':>8} {'warm s':>12} {'warm MB':>8}"
        f" {'naive s':>8} {'cold/fx':>8} {'warm/fx':>8} {'naive/cold':>10} {'naive/warm':>10}"
    )
    for rows in args.sizes:
        book = output / f"refresh-{rows}.xlsx"
        if not book.exists():
            build(book, rows)
        copy = output / f"refresh-{rows}-salestrack.xlsx"
        source = with_history(book, args.history_rows) if args.history_rows else book
        floor, cold, warm = [], [], []
        for run in range(args.repeat):
            floor.append(measure([sys.executable, "-c", FASTEXCEL, str(book)]))
            with tempfile.TemporaryDirectory() as cache:
                env = {**os.environ, "SALESTRACK_CACHE_DIR": cache}
                shutil.copy(source, copy)
                cold.append(measure([sys.executable, "-m", "pyxl", "refresh", str(copy)], env))
                edit_one_target(copy, run + 1)
                warm.append(measure([sys.executable, "-m", "pyxl", "refresh", str(copy)], env))
        (fx_best, fx_worst, _), (cold_best, cold_worst, cold_mb), (warm_best, warm_worst, warm_mb) = (
            spread(floor),
            spread(cold),
            spread(warm),
        )
        naive_text = ["", "", ""]
        if rows <= args.naive_up_to:
            naive_copy = output / f"refresh-{rows}-naive.xlsx"
            shutil.copy(book, naive_copy)
            naive = measure([sys.executable, "-c", NAIVE, str(naive_copy)])
            seconds = naive["seconds"]
            naive_text = [f"{value:.1f}" for value in (seconds, seconds / cold_best, seconds / warm_best)]
        print(
            f"{rows:>10,} {fx_best:>6.2f}–{fx_worst:<6.2f} {cold_best:>5.2f}–{cold_worst:<5.2f}"
            f" {cold_mb:>8.0f} {warm_best:>5.2f}–{warm_worst:<5.2f} {warm_mb:>8.0f} {naive_text[0]:>8}"
            f" {cold_best / fx_best:>8.2f} {warm_best / fx_best:>8.2f}"
            f" {naive_text[1]:>10} {naive_text[2]:>10}",
            flush=True,
        )
        time.sleep(0.1)


if __name__ == "__main__":
    main()
