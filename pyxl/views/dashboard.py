"""The Dashboard sheet, described as data: KPI tiles, chart data blocks and native charts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pyxl.core import pacing
from pyxl.core.parsing import is_missing
from pyxl.core.rollups import COMPANY, ROLLUP_LEVELS
from pyxl.core.tracking import Tracking
from pyxl.views import i18n
from pyxl.views.sheets import (
    COUNT,
    DASHBOARD_SHEET,
    DATE,
    PERCENT,
    Block,
    Chart,
    ColumnSpec,
    SheetSpec,
    display_width,
    money_format,
    shown,
)
from pyxl.views.summaries import current_rows, present_rows

TILES = [
    "Actual",
    "Target",
    "Attainment",
    "Pace",
    "Forecast",
    "Gap",
    "Win Rate",
    "CAC",
    "CLTV",
    "CSAT",
    "NPS",
]
BLOCKS_START = 40  # chart data sits below the charts


def headline_row(table: pd.DataFrame, as_of: dt.date) -> pd.Series | None:
    """The company's Revenue row for the shortest period current on the as-of date.

    An explicit Company target wins over the Company rollup of the same period.
    """
    revenue = table[(table["Metric"] == "Revenue") & table["Level"].isin([COMPANY.level, COMPANY.rollup])]
    rows = current_rows(revenue.assign(Level=COMPANY.level), as_of)
    if rows.empty:
        return None
    span = (pd.to_datetime(rows["End"]) - pd.to_datetime(rows["Start"])).dt.days
    explicit = revenue.loc[rows.index, "Level"] == COMPANY.level
    ranked = rows.assign(_span=span, _rollup=~explicit).sort_values(["_span", "_rollup"], kind="stable")
    return table.loc[ranked.index[0]]


def cumulative(tracking: Tracking, row: pd.Series) -> list[list[object]]:
    """Each day of the period: cumulative company sales (to the as-of date) and expected-to-date."""
    inputs = tracking.inputs
    start, end = row["Start"], row["End"]
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    if not len(days):
        return []
    # A million rows: only the two columns read, as numbers (days since the start), no date objects.
    dates = inputs.actuals["date"].to_numpy()
    inside = (dates >= days[0]) & (dates < days[-1] + 1)
    day = (dates[inside].astype("datetime64[D]") - days[0]).astype(np.int64)
    daily = pd.Series(inputs.actuals["amount"].to_numpy(float)[inside]).groupby(day).sum()
    running = daily.reindex(range(len(days)), fill_value=0.0).cumsum().to_numpy()
    starts, ends = np.full(len(days), np.datetime64(start)), np.full(len(days), np.datetime64(end))
    expected = [
        float(
            row["Target"]
            * pacing.elapsed_fraction(starts[:1], ends[:1], day, [inputs.settings.pacing], inputs.calendar)[0]
        )
        for day in days
    ]
    t = np.datetime64(tracking.as_of)
    return [
        [day.astype(dt.date), float(total) if day <= t else None, exp]
        for day, total, exp in zip(days, running, expected, strict=True)
    ]


def tile_label(tile: str, language: str) -> str:
    """A tile's caption: Actual shows as Revenue; Chinese names come from the Definitions."""
    return i18n.column_word("Revenue" if tile == "Actual" else tile, language)


def dashboard_sheet(tracking: Tracking, kpis: pd.DataFrame) -> SheetSpec:
    """KPI tiles for the company's current period, then attainment, progress and status charts."""
    language = tracking.settings.language
    word = lambda key: i18n.text(key, language)  # noqa: E731
    money = money_format(tracking.settings.currency_symbol)
    row = headline_row(tracking.table, tracking.as_of)
    period = row["Period"] if row is not None else "–"
    title = i18n.text("dashboard_title", language, period=period, as_of=tracking.as_of.isoformat())
    kpi = kpis[(kpis["Level"] == COMPANY.level) & (kpis["Period"] == period)]
    values = []
    for tile in TILES:
        source = (
            row
            if tile in ("Actual", "Target", "Attainment", "Pace", "Forecast", "Gap")
            else (kpi.iloc[0] if not kpi.empty else None)
        )
        value = None if source is None else source.get(tile)
        values.append(None if value is None or is_missing(value) else float(value))
    formats = {"Attainment": PERCENT, "Pace": PERCENT, "Win Rate": PERCENT, "CSAT": PERCENT, "NPS": "0"}
    columns = []
    for tile, value in zip(TILES, values, strict=True):
        number_format = formats.get(tile, money)
        # Tile values are set large, so the column is sized for about one and a half times the text.
        width = max(15, 1.5 * display_width(shown(value, number_format)) + 3)
        columns.append(ColumnSpec(tile_label(tile, language), number_format, width))

    current = present_rows(tracking)
    reps = current[(current["Level"] == "Rep") & (current["Metric"] == "Revenue")]
    if row is not None:
        reps = reps[reps["Period"] == period]
    # Mid-period, what was expected by today (Expected ÷ Target) is the fair mark, not 100%.
    due = (reps["Expected"] / reps["Target"]).where(reps["Target"] > 0)
    attainment = Block(
        BLOCKS_START,
        [word("Rep"), tile_label("Attainment", language), word("Target line"), word("Expected line")],
        [
            [name, float(a), 1.0, None if is_missing(d) else float(d)]
            for name, a, d in zip(reps["Name"], reps["Attainment"], due, strict=True)
        ],
        ["General", PERCENT, PERCENT, PERCENT],
    )
    progress_rows = cumulative(tracking, row) if row is not None else []
    progress = Block(
        attainment.bottom + 2,
        [word("Date"), word("Actual"), word("Expected")],
        progress_rows,
        [DATE, money, money],
    )
    targets = current[~current["Level"].isin([r.rollup for r in ROLLUP_LEVELS])]
    counts = targets["Status"].value_counts()
    status = Block(
        progress.bottom + 2,
        [word("Status"), word("Count")],
        [[i18n.status_word(s, language), int(n)] for s, n in counts.items()],
        ["General", COUNT],
    )
    return SheetSpec(
        name=i18n.sheet_name(DASHBOARD_SHEET, language),
        title=title,
        columns=columns,
        rows=[list[object](values)],
        table=False,
        value_size=16,
        blocks=[attainment, progress, status],
        charts=[
            Chart("column", word("attainment_by_rep"), 0, (1,), "A6", line_series=(2, 3), percent=True),
            Chart("line", word("cumulative"), 1, (1, 2), "F6"),
            Chart("column", word("status_counts"), 2, (1,), "A22", width_cm=12),
        ],
    )
