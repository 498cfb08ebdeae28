"""The workbook open in Excel, through xlwings: read the input sheets, render the output sheets.

Rendering uses the same sheet descriptions as the file adapter, through xlwings' cross-engine
API (values, number formats, colours, conditional formats, freeze panes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pandas as pd
import xlwings as xw

from pyxl import schema
from pyxl.inputs import Inputs, RawSheet, load_calendar, load_inputs, load_settings
from pyxl.outputs import output_sheets
from pyxl.pacing import Calendar
from pyxl.parsing import as_text
from pyxl.pipeline import Refreshed
from pyxl.settings import Settings
from pyxl.sheets import BAR_COLOUR, HEADER_FILL, HEADER_FONT, OUTPUT_MARKER, SheetSpec, settle_names
from pyxl.tracking import Tracking, track
from pyxl.validation import Issues

Progress = Callable[[str], None]


def _hex(colour: str) -> str:
    return f"#{colour}"


def read_sheet(book: xw.Book, name: str) -> RawSheet:
    """A sheet's used range as text, placed where it sits on the sheet."""
    used = book.sheets[name].used_range
    values = used.options(ndim=2).value or [[]]
    cells = pd.DataFrame(values, dtype=object).apply(as_text)
    cells.columns = [used.column - 1 + i for i in range(cells.shape[1])]
    return RawSheet(name, cells.reset_index(drop=True), first_row=used.row)


def read_settings(book: xw.Book) -> Settings:
    """Just the Settings sheet, for messages that need the workbook's language."""
    found = schema.find_sheets(s.name for s in book.sheets)
    return load_settings(found, lambda name: read_sheet(book, name), Issues())


def read_calendar(book: xw.Book) -> Calendar:
    """The workbook's weekend, holidays and seasonality, reading only the sheets they live on."""
    found = schema.find_sheets(s.name for s in book.sheets)
    issues = Issues()
    settings = load_settings(found, lambda name: read_sheet(book, name), issues)
    return load_calendar(found, lambda name: read_sheet(book, name), settings, issues)


def read_inputs(book: xw.Book) -> Inputs:
    """Clean inputs from the live workbook's sheets, as the file adapter gives them."""
    return load_inputs([s.name for s in book.sheets], lambda name: read_sheet(book, name))


def track_book(book: xw.Book, as_of=None) -> Tracking:
    return track(read_inputs(book), as_of)


def render(book: xw.Book, spec: SheetSpec) -> xw.Sheet:
    """Write one output sheet: replace it if it exists, else add it after the last sheet."""
    names = [s.name for s in book.sheets]
    existing = next((n for n in names if n.casefold() == spec.name.casefold()), None)
    if existing:
        sheet = book.sheets[existing]
        sheet.clear()
        for old in list(sheet.charts):
            old.delete()
    else:
        sheet = book.sheets.add(spec.name, after=book.sheets[len(names) - 1])
    columns = len(spec.columns)
    last_row = spec.first_data_row + max(len(spec.rows), 1) - 1

    sheet.range((spec.title_row, 1)).value = spec.title
    sheet.range((spec.title_row, 1)).font.bold = True
    sheet.range((spec.title_row, 1)).font.size = 14
    header = sheet.range((spec.header_row, 1), (spec.header_row, columns))
    header.value = [c.header for c in spec.columns]
    header.color = _hex(HEADER_FILL)
    header.font.color = _hex(HEADER_FONT)
    header.font.bold = True
    if spec.rows:
        sheet.range((spec.first_data_row, 1)).value = spec.rows
        if spec.value_size:
            values = sheet.range((spec.first_data_row, 1), (spec.first_data_row, columns))
            values.font.size = spec.value_size
            values.font.bold = True

    for index, column in enumerate(spec.columns, start=1):
        sheet.range((1, index)).column_width = column.width
        for first, last, number_format in _format_runs(spec, index - 1):
            sheet.range(
                (spec.first_data_row + first, index), (spec.first_data_row + last, index)
            ).number_format = number_format
    for highlight in spec.highlights:
        cells = sheet.range((spec.first_data_row, highlight.column + 1), (last_row, highlight.column + 1))
        cells.conditional_formats.add_cell_value(
            "equal_to",
            '="' + highlight.text.replace('"', '""') + '"',
            fill_color=_hex(highlight.fill),
            font_color=_hex(highlight.font),
        )
    for column in spec.data_bars:
        cells = sheet.range((spec.first_data_row, column + 1), (last_row, column + 1))
        cells.conditional_formats.add_data_bar(_hex(BAR_COLOUR), minimum=0)
    if spec.table:
        sheet.freeze_panes.freeze_at(f"1:{spec.header_row}")
    for block in spec.blocks:
        headers = sheet.range((block.top, 1), (block.top, len(block.headers)))
        headers.value = block.headers
        headers.font.bold = True
        if block.rows:
            sheet.range((block.top + 1, 1)).value = block.rows
            for index, number_format in enumerate(block.formats, start=1):
                if number_format != "General":
                    sheet.range((block.top + 1, index), (block.bottom, index)).number_format = number_format
    for chart in spec.charts:
        block = spec.blocks[chart.block]
        if block.rows:
            _add_chart(sheet, block, chart)
    return sheet


CHART_TYPES = {"bar": "bar_clustered", "column": "column_clustered", "line": "line"}
POINTS_PER_CM = 28.35


def _add_chart(sheet: xw.Sheet, block, chart) -> None:
    """A native chart over a block's cells: categories in the first column."""
    used = sorted({0, *chart.series, *chart.line_series})
    source = sheet.range((block.top, 1), (block.bottom, max(used) + 1))
    drawn = sheet.charts.add(
        width=chart.width_cm * POINTS_PER_CM,
        height=chart.height_cm * POINTS_PER_CM,
        chart_type=CHART_TYPES[chart.kind],
        source=source,
        anchor=sheet[chart.anchor],
    )
    drawn.title = chart.title
    # Engines that cannot inspect series synchronously (xlwings' JSON engine) keep the target as bars.
    with contextlib.suppress(NotImplementedError):
        for column in chart.line_series:
            drawn.series[column - 1].chart_type = "line"
    if chart.percent:
        drawn.value_axis.number_format = "0%"


def _written_by_us(sheet: xw.Sheet) -> bool:
    """Whether the sheet carries salestrack's marker name; True where the engine cannot tell."""
    try:
        return any(name.name.split("!")[-1] == OUTPUT_MARKER for name in sheet.names)
    except Exception:  # engines that cannot list a sheet's names: replace, as before the marker
        return True


def _format_runs(spec: SheetSpec, column: int) -> list[tuple[int, int, str]]:
    """Consecutive data rows sharing a number format, so each run is one call to Excel."""
    runs: list[tuple[int, int, str]] = []
    for row in range(len(spec.rows)):
        number_format = spec.format_of(column, row)
        if runs and runs[-1][2] == number_format and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row, number_format)
        else:
            runs.append((row, row, number_format))
    return [r for r in runs if r[2] != "General"]


def refresh_book(book: xw.Book, as_of=None, progress: Progress = lambda _: None) -> Refreshed:
    """The live twin of `salestrack refresh`: same pipeline, rendered through xlwings."""
    progress("SalesTrack: reading the input sheets…")
    tracking = track_book(book, as_of)
    specs = settle_names(output_sheets(tracking), {s.name: _written_by_us(s) for s in book.sheets})
    for spec in specs:
        progress(f"SalesTrack: writing {spec.name}…")
        sheet = render(book, spec)
        if not _written_by_us(sheet):
            sheet.names.add(OUTPUT_MARKER, "=TRUE")
    return Refreshed(tracking, [s.name for s in specs])
