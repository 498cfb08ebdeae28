"""How large an Actuals sheet xlwings Lite can refresh: the JSON payload and the peak memory.

Lite sends the sheets a script includes to Python as JSON, inside a WebAssembly process of about
2 GB. For each size this builds the benchmark workbook, turns its input sheets into the payload
Excel would send (the `include` list of pyxl.lite: input sheets only), and runs the Refresh
script through xlwings' own dispatcher in a fresh process, reporting the payload's size and the
process's peak resident memory. CPython on x86-64 stands in for Pyodide (whose 32-bit pointers
make Python objects somewhat smaller), so the peak here is an upper bound.

    python benchmarks/bench_lite.py --rows 50000 100000 200000 400000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fastexcel

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from make_workbook import build  # noqa: E402
from xlwings_books import book_data  # noqa: E402

from pyxl.lite import INPUT_SHEETS  # noqa: E402

LITE_MEMORY = 2 * 1024**3


def payload(book: Path) -> dict:
    """The included sheets as Excel sends them: values, dates as serial numbers."""
    reader = fastexcel.read_excel(book)
    sheets = {}
    for name in reader.sheet_names:
        if name in INPUT_SHEETS:
            frame = reader.load_sheet(name, header_row=None).to_pandas()
            sheets[name] = frame.astype(object).where(frame.notna(), None).values.tolist()
    return book_data(sheets, book.name)


def peak_of_refresh(kit: Path, book_json: Path) -> tuple[float, int]:
    """Seconds and peak resident bytes of the Refresh script, in a process of its own."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(HERE.parent / "tests" / "lite_dispatch.py"),
            str(kit),
            "script",
            "refresh",
            str(book_json),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"},
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    args = parser.parse_args()
    from pyxl.excel.litekit import write_lite_kit

    with tempfile.TemporaryDirectory() as folder:
        kit = Path(folder) / "kit"
        write_lite_kit(kit)
        print(f"{'rows':>9} {'payload MB':>11} {'peak MB':>8} {'seconds':>8}  fits in 2 GB")
        for rows in args.rows:
            book = build(Path(folder) / f"bench-{rows}.xlsx", rows)
            book_json = Path(folder) / f"book-{rows}.json"
            book_json.write_text(json.dumps(payload(book), default=str), encoding="utf-8")
            seconds, peak = peak_of_refresh(kit, book_json)
            size = book_json.stat().st_size
            fits = "yes" if peak < LITE_MEMORY else "no"
            print(f"{rows:>9,} {size / 1e6:>11.1f} {peak / 1e6:>8.0f} {seconds:>8.1f}  {fits}")
            book_json.unlink()


if __name__ == "__main__":
    main()
