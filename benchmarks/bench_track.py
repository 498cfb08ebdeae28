"""`salestrack track` on 1,000,000 actuals rows and ~2,000 targets, against fastexcel reading the sheet.

Both run as fresh processes in the same run, best of --repeat, so the ratio compares like with like:
the goal is a ratio of at most 2.0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from make_workbook import build

HERE = Path(__file__).parent


def best_time(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--team-realities",
        action="store_true",
        help="a third of the orders split between two reps, targets on product groups two levels deep",
    )
    args = parser.parse_args()
    suffix = "-realities" if args.team_realities else ""
    book = HERE / "output" / f"track-{args.rows}{suffix}.xlsx"
    if not book.exists():
        book.parent.mkdir(exist_ok=True)
        print(f"building {book} ...", flush=True)
        build(book, args.rows, team_realities=args.team_realities)
    read_only = [
        sys.executable,
        "-c",
        "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet('Actuals').to_pandas()",
        str(book),
    ]
    track = [sys.executable, "-m", "pyxl", "track", str(book), "--format", "csv"]
    fastexcel_seconds = best_time(read_only, args.repeat)
    track_seconds = best_time(track, args.repeat)
    print(f"actuals rows            {args.rows:>12,}")
    print(f"fastexcel read (s)      {fastexcel_seconds:>12.2f}")
    print(f"salestrack track (s)    {track_seconds:>12.2f}")
    print(f"ratio (goal <= 2.0)     {track_seconds / fastexcel_seconds:>12.2f}")


if __name__ == "__main__":
    main()
