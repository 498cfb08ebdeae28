"""The workbook open in Excel, through xlwings: read the input sheets, render the output sheets.

Rendering uses the same sheet descriptions as the file adapter, through xlwings' cross-engine
API (values, number formats, colours, conditional formats, freeze panes).
"""

from __future__ import annotations

import contextlib

import pandas as pd
import xlwings as xw

from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.history import AS_OF, HISTORY_LIMIT
from pyxl.core.inputs import load_calendar, load_settings
from pyxl.core.pacing import Calendar
from pyxl.core.parsing import FORMULA_STARTS, as_text, without_controls
from pyxl.core.settings import Settings
from pyxl.views import i18n
from pyxl.views.history import HistoryUpdate, history_from_cells
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

    def write_sheets(
        self, specs: list[SheetSpec], progress: Progress, history: HistoryUpdate | None = None
    ) -> None:
        for spec in specs:
            progress(i18n.said("progress_writing_sheet", sheet=spec.name))
            if history is not None and spec is history.spec:
                sheet = self._write_history(history)
            else:
                sheet = render(self.book, spec)
            if not _written_by_us(sheet):
                sheet.names.add(OUTPUT_MARKER, "=TRUE")

    def _write_history(self, history: HistoryUpdate) -> xw.Sheet:
        """This refresh's rows written over its own date's last rows or after the others; History
        rendered whole only where that cannot be (another language, an older date, rows that do
        not read back, or a sheet full)."""
        spec = history.spec
        names = [s.name for s in self.book.sheets]
        wanted = [n.casefold() for n in (spec.name, *spec.former_names)]
        existing = next((n for n in names if n.casefold() in wanted), None)
        if existing is None or not _written_by_us(self.book.sheets[existing]):
            return render(self.book, spec)
        cells = self.read_sheet(existing).cells
        old, unreadable = history_from_cells(cells, history.settings.language)
        dates = old[AS_OF].astype(str)
        mine = dates == history.as_of
        headers = [str(v) for v in cells.iloc[1]] if len(cells) > 1 else []
        same_headers = headers == [c.header for c in spec.columns]
        in_place = mine.any() and not mine.iloc[-1]
        if (
            unreadable
            or not same_headers
            or existing != spec.name
            or in_place
            or len(old) - mine.sum() + len(spec.rows) > HISTORY_LIMIT
        ):
            return render(self.book, history.sheet(history.merged(old)[0]))
        sheet = self.book.sheets[existing]
        first = spec.first_data_row + len(old) - int(mine.sum())
        _write_rows(sheet, spec, first)
        left_over = spec.first_data_row + len(old) - (first + len(spec.rows))
        if left_over > 0:
            after = first + len(spec.rows)
            sheet.range((after, 1), (after + left_over - 1, len(spec.columns))).clear()
        return sheet


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
        _write_rows(sheet, spec, spec.first_data_row)
        if spec.value_size:
            values = sheet.range((spec.first_data_row, 1), (spec.first_data_row, columns))
            values.font.size = spec.value_size
            values.font.bold = True
            values.row_height = spec.value_row_height

    for index, column in enumerate(spec.columns, start=1):
        sheet.range((1, index)).column_width = column.width
        if column.wrap and spec.rows:
            sheet.range((spec.first_data_row, index), (last_row, index)).wrap_text = True
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


def _write_rows(sheet: xw.Sheet, spec: SheetSpec, first_row: int) -> None:
    """A spec's data rows, values and number formats, from sheet row `first_row` on."""
    if not spec.rows:
        return
    sheet.range((first_row, 1)).value = _entered_rows(spec.rows)
    for index in range(len(spec.columns)):
        for first, last, number_format in _format_runs(spec, index):
            sheet.range(
                (first_row + first, index + 1), (first_row + last, index + 1)
            ).number_format = number_format


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
