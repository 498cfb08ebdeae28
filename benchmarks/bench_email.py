"""Render 1,000 personalised summary emails (templates, chart, inlined CSS, MIME): goal under 3 s."""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from pyxl.adapters import mail
from pyxl.adapters.filebook import FileWorkbook
from pyxl.core.inputs import load_inputs
from pyxl.core.tracking import track
from pyxl.views.summaries import plan_summaries


def build(path: Path, reps: int) -> Path:
    book = Workbook()
    targets = book.active
    targets.title = "Targets"
    targets.append(["Period", "Metric", "Rep", "Target"])
    actuals = book.create_sheet("Actuals")
    actuals.append(["Date", "Rep", "Order ID", "Amount"])
    team = book.create_sheet("Team")
    team.append(["Rep", "Email", "Team", "Manager", "Manager Email"])
    for i in range(reps):
        name = f"Rep {i:04d} 代表"
        targets.append(["2025-05", "Revenue", name, 100_000 + i])
        targets.append(["2025-Q2", "Orders", name, 60])
        for day in range(1, 15, 3):
            actuals.append([dt.date(2025, 5, day), name, f"O{i}-{day}", 4_000 + i % 700])
        team.append(
            [
                name,
                f"rep{i}@example.com",
                f"Team {i // 25}",
                f"Manager {i // 25}",
                f"manager{i // 25}@example.com",
            ]
        )
    book.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        book = build(Path(folder) / "emails.xlsx", args.reps)
        tracking = track(load_inputs(FileWorkbook(book)), dt.date(2025, 5, 15))
        started = time.perf_counter()
        plan = plan_summaries(tracking)
        messages = mail.render(plan, tracking, book)
        built = [bytes(m.email("ops@example.com")) for m in messages]
        seconds = time.perf_counter() - started
    reps = sum(m.summary.kind == "rep" for m in messages)
    print(f"emails rendered         {len(built):>8,} ({reps:,} reps, {len(built) - reps:,} managers)")
    print(f"seconds (goal < 3.0)    {seconds:>8.2f}")
    print(f"per email (ms)          {1000 * seconds / len(built):>8.2f}")


if __name__ == "__main__":
    main()
