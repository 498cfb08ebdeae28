"""Build a large, realistic tracking workbook for benchmarks (xlsxwriter, constant memory)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

YEAR = 2025
PRODUCTS = ["Cardiolex", "Glucanor", "Respira", "Neurozin", "Dermaclin"]
CHANNELS = ["Hospital", "Pharmacy", "Clinic"]


PRODUCT_GROUPS = {
    "Cardiolex": "Cardio",
    "Glucanor": "Cardio",
    "Respira": "Specialty",
    "Neurozin": "Specialty",
}
GROUP_PARENTS = {"Cardio": "Portfolio", "Specialty": "Portfolio", "Dermaclin": "Portfolio"}


def build(
    path: Path,
    actuals_rows: int,
    reps: int = 160,
    seed: int = 7,
    text_share: float = 0.0,
    team_realities: bool = False,
) -> Path:
    """Write a workbook with `actuals_rows` sales lines and about 2,000 targets.

    `text_share` of the amounts are typed as text with thousands separators, as after a CSV import.
    With `team_realities`, a third of the orders are split half and half between two reps (two
    rows each) and quarterly targets sit on product groups two levels deep.
    """
    rng = np.random.default_rng(seed)
    rep_names = [f"Rep {i:03d}" for i in range(reps)]
    teams = [f"Team {i // 10:02d}" for i in range(reps)]
    regions = [("North", "South", "East", "West")[i // 40 % 4] for i in range(reps)]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    percent = book.add_format({"num_format": "0%"})

    targets = book.add_worksheet("Targets")
    targets.write_row(0, 0, ["Period", "Metric", "Rep", "Product", "Target"])
    row = 1
    for rep in rep_names:
        for month in range(1, 13):
            targets.write_row(row, 0, [f"{YEAR}-{month:02d}", "Revenue", rep, "", 180_000])
            row += 1
    for product in PRODUCTS:
        for quarter in range(1, 5):
            targets.write_row(row, 0, [f"{YEAR}-Q{quarter}", "Units", "", product, 60_000])
            row += 1
    targets.write_row(row, 0, [str(YEAR), "Revenue", "", "", 300_000_000])
    if team_realities:
        for group in ("Cardio", "Specialty", "Portfolio"):
            for quarter in range(1, 5):
                row += 1
                targets.write_row(row, 0, [f"{YEAR}-Q{quarter}", "Revenue", "", group, 20_000_000])

    actuals = book.add_worksheet("Actuals")
    actuals.write_row(
        0, 0, ["Date", "Rep", "Product", "Channel", "Order ID", "Amount", "Units", "Allocated %"]
    )
    start = dt.datetime(YEAR, 1, 1)
    day = rng.integers(0, 365, actuals_rows)
    day.sort()
    rep_index = rng.integers(0, reps, actuals_rows)
    product_index = rng.integers(0, len(PRODUCTS), actuals_rows)
    channel_index = rng.integers(0, len(CHANNELS), actuals_rows)
    units = rng.integers(1, 40, actuals_rows)
    amount = np.round(units * rng.uniform(80, 120, actuals_rows), 2)
    # With team realities, row i+1 repeats row i's order for another rep when i % 6 == 0: a third of
    # the orders (every third pair of rows) are split.
    shared = np.zeros(actuals_rows, bool)
    if team_realities:
        shared[1::6] = True
        for column in (day, product_index, channel_index, units, amount):
            column[1::6] = column[0::6][: len(column[1::6])]
        rep_index[1::6] = (rep_index[0::6][: len(rep_index[1::6])] + 1) % reps
    for i in range(actuals_rows):
        r = i + 1
        actuals.write_datetime(r, 0, start + dt.timedelta(days=int(day[i])), date_format)
        actuals.write_string(r, 1, rep_names[rep_index[i]])
        actuals.write_string(r, 2, PRODUCTS[product_index[i]])
        actuals.write_string(r, 3, CHANNELS[channel_index[i]])
        actuals.write_string(r, 4, f"SO{i - 1 if shared[i] else i:07d}")
        if shared[i] or (i + 1 < actuals_rows and shared[i + 1]):
            actuals.write_number(r, 7, 0.5, percent)  # what Excel stores when 50% is typed
        if text_share and i % int(1 / text_share) == 0:
            actuals.write_string(r, 5, f"{amount[i]:,.2f}")
        else:
            actuals.write_number(r, 5, float(amount[i]))
        actuals.write_number(r, 6, int(units[i]))

    team = book.add_worksheet("Team")
    team.write_row(0, 0, ["Rep", "Email", "Team", "Region", "Manager", "Manager Email"])
    for i, rep in enumerate(rep_names):
        manager = f"Manager {teams[i]}"
        team.write_row(
            i + 1,
            0,
            [
                rep,
                f"rep{i:03d}@example.com",
                teams[i],
                regions[i],
                manager,
                f"manager{i // 10:02d}@example.com",
            ],
        )
    if team_realities:
        products = book.add_worksheet("Products")
        products.write_row(0, 0, ["Product", "Group"])
        for r, (member, group) in enumerate([*PRODUCT_GROUPS.items(), *GROUP_PARENTS.items()], start=1):
            products.write_row(r, 0, [member, group])
    settings = book.add_worksheet("Settings")
    settings.write_row(0, 0, ["Setting", "Value"])
    settings.write_row(1, 0, ["As Of", f"{YEAR}-09-15"])
    book.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--text-share", type=float, default=0.0, help="share of amounts typed as text")
    parser.add_argument("--team-realities", action="store_true", help="split orders and product groups")
    args = parser.parse_args()
    build(args.path, args.rows, text_share=args.text_share, team_realities=args.team_realities)
    print(args.path)


if __name__ == "__main__":
    main()
