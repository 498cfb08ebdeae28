"""The Dashboard sheet, described as data: KPI tiles, chart data blocks and native charts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pyxl.core import pacing
from pyxl.core.parsing import is_missing
from pyxl.core.rollups import COMPANY, ROLLUP_LEVELS, in_post
from pyxl.core.schema import column_letter, level_and_name
from pyxl.core.tracking import Tracking
from pyxl.views import i18n
from pyxl.views.formatting import money_text
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
    ratio_boundaries,
    ratio_formats,
    shown,
)
from pyxl.views.summaries import current_rows, present_rows

TILES = [
    "Actual",
    "Target",
    "Attainment",
    "Pace",
    "Forecast",
    "Forecast Range",
    "Growth",
    "Gap",
    "Win Rate",
    "CAC",
    "CLTV",
    "CSAT",
    "NPS",
]
# The tiles read from the headline tracking row; the others from the company's KPIs.
HEADLINE_TILES = ("Actual", "Target", "Attainment", "Pace", "Forecast", "Forecast Range", "Growth", "Gap")
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"  # growth on last year: +8.1% or -3.0%
BLOCKS_START = 40  # chart data sits below the charts
CHART_WIDTH_CM, GAP_CM = 15.0, 0.5
PIXELS_PER_CM = 96 / 2.54
DEFAULT_COLUMN_WIDTH = 8.43  # characters: Excel's, for columns past the tiles


def column_pixels(width: float) -> int:
    """A column's width on screen: characters of Calibri 11 (7 pixels) plus 5 of padding."""
    return int(width * 7 + 5)


def column_from(columns: list[ColumnSpec], cm: float) -> str:
    """The letter of the first column that starts at least `cm` from the sheet's left edge."""
    left, index = 0, 0
    while left < cm * PIXELS_PER_CM:
        left += column_pixels(columns[index].width if index < len(columns) else DEFAULT_COLUMN_WIDTH)
        index += 1
    return column_letter(index)


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
    """Each day of the period: cumulative sales to the as-of date and expected-to-date, summed as
    the headline row's own actual is (its targets' windows, split lines once), so the line ends
    where the Revenue tile stands."""
    inputs = tracking.inputs
    start, end = row["Start"], row["End"]
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    if not len(days):
        return []
    t = np.datetime64(tracking.as_of)
    counted = days[days <= t]
    position = tracking.table.index.get_loc(row.name)
    assert isinstance(position, int)  # the table's index is unique
    members = headline_targets(tracking, position)
    running = np.zeros(len(counted))
    if len(counted) and not members.empty:
        windows = members.loc[members.index.repeat(len(counted))].assign(
            end=np.tile(counted.astype("datetime64[ns]"), len(members))
        )
        sales = tracking.sales if tracking.sales is not None else inputs.sales()
        totals = sales.totals(windows.reset_index(drop=True), pd.Timestamp(tracking.as_of))
        running = np.round(totals.reshape(len(members), len(counted)).sum(axis=0), 6)
    starts, ends = np.full(len(days), np.datetime64(start)), np.full(len(days), np.datetime64(end))
    expected = [
        float(
            row["Target"]
            * pacing.elapsed_fraction(starts[:1], ends[:1], day, [inputs.settings.pacing], inputs.calendar)[0]
        )
        for day in days
    ]
    return [
        [day.astype(dt.date), float(running[i]) if i < len(counted) else None, exp]
        for i, (day, exp) in enumerate(zip(days, expected, strict=True))
    ]


def headline_targets(tracking: Tracking, position: int) -> pd.DataFrame:
    """The target rows whose actuals make up tracking row `position`: the row itself for a
    target of the Targets sheet, the reps it sums for a Company rollup."""
    targets = tracking.inputs.targets
    if position < len(targets):
        return targets.iloc[[position]]
    row = tracking.table.iloc[position]
    level, _ = level_and_name(targets)
    reps = targets[
        (level == "Rep").to_numpy()
        & (targets["metric"] == row["Metric"]).to_numpy()
        & (pd.to_datetime(targets["start"]).dt.date == row["Start"]).to_numpy()
        & (pd.to_datetime(targets["end"]).dt.date == row["End"]).to_numpy()
    ]
    team = tracking.inputs.team
    return reps[in_post(reps, team)] if team is not None and not reps.empty else reps


def forecast_range_text(row: pd.Series, symbol: str) -> str | None:
    """The headline forecast's 80% range as the tile shows it: ¥1,020,000–¥1,410,000."""
    low, high = row.get("Forecast Low"), row.get("Forecast High")
    if low is None or high is None or is_missing(low) or is_missing(high):
        return None
    return f"{money_text(float(low), symbol)}–{money_text(float(high), symbol)}"


TILE_LABELS = {"Actual": "Revenue", "Forecast Range": "tile_forecast_range", "Growth": "tile_growth"}


def tile_label(tile: str, language: str) -> str:
    """A tile's caption: Actual shows as Revenue; Chinese names come from the Definitions."""
    label = TILE_LABELS.get(tile, tile)
    return i18n.text(label, language) if label.startswith("tile_") else i18n.column_word(label, language)


def dashboard_sheet(tracking: Tracking, kpis: pd.DataFrame) -> SheetSpec:
    """KPI tiles for the company's current period, then attainment, progress and status charts."""
    language = tracking.settings.language
    word = lambda key: i18n.text(key, language)  # noqa: E731
    money = money_format(tracking.settings.currency_symbol)
    row = headline_row(tracking.table, tracking.as_of)
    period = row["Period"] if row is not None else "–"
    title = i18n.text("dashboard_title", language, period=period, as_of=tracking.as_of.isoformat())
    kpi = kpis[(kpis["Level"] == COMPANY.level) & (kpis["Period"] == period)]
    values: list[object] = []
    for tile in TILES:
        source = row if tile in HEADLINE_TILES else (kpi.iloc[0] if not kpi.empty else None)
        if tile == "Forecast Range":
            values.append(
                None if row is None else forecast_range_text(row, tracking.settings.currency_symbol)
            )
            continue
        value = None if source is None else source.get(tile)
        values.append(None if value is None or is_missing(value) else float(value))
    formats = {
        "Attainment": PERCENT,
        "Pace": PERCENT,
        "Growth": SIGNED_PERCENT,
        "Forecast Range": "General",
        "Win Rate": PERCENT,
        "CSAT": PERCENT,
        "NPS": "0",
    }
    boundaries = ratio_boundaries(tracking.settings)
    columns = []
    for tile, value in zip(TILES, values, strict=True):
        number_format = formats.get(tile, money)
        if tile in boundaries and isinstance(value, float):  # 99.96% never shows as 100.0%
            [number_format] = ratio_formats(pd.Series([value]), boundaries[tile])
        # Tile values are set large, so the column is sized for about one and a half times the text.
        width = max(12, 1.5 * display_width(shown(value, number_format)) + 3)
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
            # Beside the first chart, however wide the tiles above made the columns.
            Chart("line", word("cumulative"), 1, (1, 2), f"{column_from(columns, CHART_WIDTH_CM + GAP_CM)}6"),
            Chart("column", word("status_counts"), 2, (1,), "A22", width_cm=12),
        ],
    )
