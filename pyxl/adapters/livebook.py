"""The workbook open in Excel, through xlwings: read the input sheets, render the output sheets.

Rendering uses the same sheet descriptions as the file adapter, through xlwings' cross-engine
API (values, number formats, colours, conditional formats, freeze panes).
"""

from __future__ import annotations

import contextlib

import pandas as pd
import xlwings as xw

from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.inputs import load_calendar, load_settings
from pyxl.core.pacing import Calendar
from pyxl.core.parsing import FORMULA_STARTS, as_text, without_controls
from pyxl.core.settings import Settings
from pyxl.views import i18n
from pyxl.views.outputs import Progress
from pyxl.views.sheets import BAR_COLOUR, HEADER_FILL, HEADER_FONT, OUTPUT_MARKER, Block, Chart, SheetSpec

WEB_ENGINES = ("remote", "officejs")


def _hex(colour: str) -> str:
    return f"#{colour}"


class LiveWorkbook:
    """The open workbook: input sheets read from, and output sheets rendered into, through xlwings."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        # Excel on the web (xlwings Lite, and xlwings' remote engine) sends dates as serial
        # numbers, where desktop Excel sends dates; and no file or database port of the user's
        # computer is within its reach.
        self.on_the_web = book.app.engine.name in WEB_ENGINES
        self.serial_dates = self.on_the_web

    @property
    def name(self) -> str:
        return str(self.book.name)

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_sheet(self, name: str) -> RawSheet:
        """A sheet's used range as text, placed where it sits on the sheet."""
        used = self.book.sheets[name].used_range
        values = used.options(ndim=2).value or [[]]
        cells = pd.DataFrame(values, dtype=object).apply(as_text)
        cells.columns = [used.column - 1 + i for i in range(cells.shape[1])]
        return RawSheet(
            name, cells.reset_index(drop=True), first_row=used.row, serial_dates=self.serial_dates
        )

    def sheet_owners(self) -> dict[str, bool]:
        return {sheet.name: _written_by_us(sheet) for sheet in self.book.sheets}

    def write_sheets(self, specs: list[SheetSpec], progress: Progress) -> None:
        for spec in specs:
            progress(i18n.said("progress_writing_sheet", sheet=spec.name))
            sheet = render(self.book, spec)
            if not _written_by_us(sheet):
                sheet.names.add(OUTPUT_MARKER, "=TRUE")


def read_settings(book: xw.Book) -> Settings:
    """Just the Settings sheet, for messages that need the workbook's language."""
    return load_settings(LiveWorkbook(book))


def read_calendar(book: xw.Book) -> Calendar:
    """The workbook's weekend, holidays and seasonality, reading only the sheets they live on."""
    return load_calendar(LiveWorkbook(book))


def render(book: xw.Book, spec: SheetSpec) -> xw.Sheet:
    """Write one output sheet: replace it if it exists, else add it after the last sheet."""
    names = [s.name for s in book.sheets]
    existing = next(
        (n for wanted in (spec.name, *spec.former_names) for n in names if n.casefold() == wanted.casefold()),
        None,
    )
    if existing:
        sheet = book.sheets[existing]
        if sheet.name.casefold() != spec.name.casefold():
            sheet.name = spec.name
        sheet.clear()
        for old in list(sheet.charts):
            old.delete()
    else:
        sheet = book.sheets.add(spec.name, after=book.sheets[len(names) - 1])
    columns = len(spec.columns)
    last_row = spec.first_data_row + max(len(spec.rows), 1) - 1

    sheet.range((spec.title_row, 1)).value = _as_entered(spec.title)
    sheet.range((spec.title_row, 1)).font.bold = True
    sheet.range((spec.title_row, 1)).font.size = 14
    header = sheet.range((spec.header_row, 1), (spec.header_row, columns))
    header.value = [_as_entered(c.header) for c in spec.columns]
    header.color = _hex(HEADER_FILL)
    header.font.color = _hex(HEADER_FONT)
    header.font.bold = True
    if spec.rows:
        sheet.range((spec.first_data_row, 1)).value = _entered_rows(spec.rows)
        if spec.value_size:
            values = sheet.range((spec.first_data_row, 1), (spec.first_data_row, columns))
            values.font.size = spec.value_size
            values.font.bold = True
            values.row_height = spec.value_row_height

    for index, column in enumerate(spec.columns, start=1):
        sheet.range((1, index)).column_width = column.width
        if column.wrap and spec.rows:
            sheet.range((spec.first_data_row, index), (last_row, index)).wrap_text = True
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
    for bar_column in spec.data_bars:
        cells = sheet.range((spec.first_data_row, bar_column + 1), (last_row, bar_column + 1))
        cells.conditional_formats.add_data_bar(_hex(BAR_COLOUR), minimum=0)
    if spec.table:
        sheet.freeze_panes.freeze_at(f"1:{spec.header_row}")
    for block in spec.blocks:
        headers = sheet.range((block.top, 1), (block.top, len(block.headers)))
        headers.value = [_as_entered(h) for h in block.headers]
        headers.font.bold = True
        if block.rows:
            sheet.range((block.top + 1, 1)).value = _entered_rows(block.rows)
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


def _add_chart(sheet: xw.Sheet, block: Block, chart: Chart) -> None:
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


def _as_entered(value: object) -> object:
    """A value as typed into Excel: text that Excel would take as a formula gets the text prefix '."""
    if isinstance(value, str):
        value = without_controls(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    if isinstance(value, float) and value - value != 0:  # a figure too large to hold: blank
        return None
    return value


def _entered_rows(rows: list[list[object]]) -> list[list[object]]:
    return [[_as_entered(v) for v in row] for row in rows]


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
