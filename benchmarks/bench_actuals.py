"""`salestrack track` on actuals kept in Parquet, against DuckDB alone scanning the same file.

For each size it writes (and keeps, in benchmarks/output/) a Parquet file of that many sales rows
(two years, 200 reps, 50 products, 5,000 customers, 3 channels, about two lines per order, some
orders over two days) and a workbook of 2,000 targets (reps by quarter, Revenue and Orders;
products by quarter, Units; teams and regions by month; the company), with a Team sheet that
gives each rep's team and region. Then, each in a fresh process and in the same run:
- DuckDB alone: scan the file and sum it by date and the dimensions the targets name, Rep and
  Product (the floor: what any engine must do once),
- `salestrack track BOOK --actuals sales-N.parquet --format csv`.
It prints the best and the worst of `--repeat` runs, the peak memory and the ratio. Goals: at
10,000,000 rows within 3x DuckDB alone, under 2 GB; at 50,000,000 rows under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import duckdb
from openpyxl import Workbook

HERE = Path(__file__).parent
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": used.ru_utime + used.ru_stime,
                  "peak_mb": used.ru_maxrss / 1024}))
"""
DUCKDB_ALONE = """
import duckdb, sys
duckdb.sql(
    "SELECT \\"Date\\", \\"Rep\\", \\"Product\\", SUM(\\"Amount\\"), SUM(\\"Units\\"),"
    " COUNT(*) FROM read_parquet(?) GROUP BY ALL", params=[sys.argv[1]]
).fetchall()
"""
REPS, TEAMS, REGIONS, PRODUCTS = 200, 10, 4, 50


def write_sales(path: Path, rows: int) -> None:
    """Sales rows as a CRM export holds them: typed dates and numbers, text names."""
    duckdb.sql(
        f"""
        COPY (
            SELECT
                DATE '2024-01-01' + CAST((i // 2) % 730 + (CASE WHEN i % 97 = 0 THEN 1 ELSE 0 END) AS INTEGER)
                    AS "Date",
                printf('Rep %03d', (i // 2) % {REPS}) AS "Rep",
                printf('Product %02d', hash(i) % {PRODUCTS}) AS "Product",
                printf('Customer %04d', (i // 2) % 5000) AS "Customer",
                ['Direct', 'Partner', 'Online'][1 + (i // 2) % 3] AS "Channel",
                printf('O%09d', i // 2) AS "Order ID",
                round(10 + (hash(i * 7) % 100000) / 100.0, 2) AS "Amount",
                1 + hash(i * 13) % 9 AS "Units"
            FROM range({rows}) AS t(i)
        ) TO '{path}' (FORMAT parquet)
        """
    )


def write_book(path: Path) -> int:
    """2,000 targets and a Team sheet; returns the number of targets."""
    book = Workbook()
    targets = book.active
    targets.title = "Targets"
    targets.append(["Period", "Metric", "Rep", "Team", "Region", "Product", "Target"])
    quarters = [f"2025-Q{q}" for q in range(1, 5)]
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    for rep in range(REPS):
        for quarter in quarters:
            targets.append([quarter, "Revenue", f"Rep {rep:03d}", None, None, None, 900_000])
            targets.append([quarter, "Orders", f"Rep {rep:03d}", None, None, None, 1_800])
    for product in range(PRODUCTS):
        for quarter in quarters:
            targets.append([quarter, "Units", None, None, None, f"Product {product:02d}", 90_000])
    for team in range(TEAMS):
        for month in months:
            targets.append([month, "Revenue", None, f"Team {team}", None, None, 6_000_000])
    for region in range(REGIONS):
        for month in months:
            targets.append([month, "Revenue", None, None, f"Region {region}", None, 15_000_000])
    for metric, value in (("Revenue", 700_000_000), ("Units", 20_000_000), ("Orders", 4_000_000)):
        targets.append(["2025", metric, None, None, None, None, value])
    count = targets.max_row - 1
    team = book.create_sheet("Team")
    team.append(["Rep", "Email", "Team", "Region"])
    for rep in range(REPS):
        team.append(
            [f"Rep {rep:03d}", f"rep{rep}@example.com", f"Team {rep % TEAMS}", f"Region {rep % REGIONS}"]
        )
    settings = book.create_sheet("Settings")
    settings.append(["Setting", "Value"])
    settings.append(["As Of", "2025-09-15"])
    book.save(path)
    return count


def measure(command: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 50_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    args = parser.parse_args()
    output = HERE / "output"
    output.mkdir(exist_ok=True)
    book = output / "actuals-targets.xlsx"
    count = write_book(book)
    print(f"{count:,} targets")
    print(
        f"{'rows':>12} {'duckdb s':>12} {'MB':>6} {'track s':>12} {'CPU s':>6} {'MB':>6} {'track/duckdb':>13}"
    )
    for rows in args.sizes:
        sales = output / f"sales-{rows}.parquet"
        if not sales.exists():
            write_sales(sales, rows)
        floor = [measure([sys.executable, "-c", DUCKDB_ALONE, str(sales)]) for _ in range(args.repeat)]
        track = [
            measure(
                [sys.executable, "-m", "pyxl", "track", str(book), "--actuals", str(sales), "--format", "csv"]
            )
            for _ in range(args.repeat)
        ]
        best = [min(r["seconds"] for r in runs) for runs in (floor, track)]
        worst = [max(r["seconds"] for r in runs) for runs in (floor, track)]
        peak = [max(r["peak_mb"] for r in runs) for runs in (floor, track)]
        cpu = min(r["cpu"] for r in track)
        print(
            f"{rows:>12,} {best[0]:>5.1f}–{worst[0]:<5.1f} {peak[0]:>6.0f} {best[1]:>5.1f}–{worst[1]:<5.1f}"
            f" {cpu:>6.1f} {peak[1]:>6.0f} {best[1] / best[0]:>13.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
