"""Render sheet descriptions with openpyxl into a scratch workbook, streamed in write-only mode."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import CellIsRule, DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.properties import PageSetupProperties

from pyxl.core.parsing import without_controls
from pyxl.views.sheets import BAR_COLOUR, HEADER_FILL, HEADER_FONT, OUTPUT_MARKER, Chart, SheetSpec


def render_workbook(specs: Sequence[SheetSpec]) -> bytes:
    """An .xlsx holding one sheet per description, in order."""
    book = Workbook(write_only=True)
    for spec in specs:
        _render_sheet(book, spec)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _render_sheet(book: Workbook, spec: SheetSpec) -> None:
    sheet = book.create_sheet(spec.name)
    sheet.defined_names[OUTPUT_MARKER] = DefinedName(OUTPUT_MARKER, attr_text="TRUE", hidden=True)
    last_column = get_column_letter(max(len(spec.columns), 1))
    last_row = spec.first_data_row + max(len(spec.rows), 1) - 1
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    # Printed or exported: as few pages across as keep the text readable, headers on every page
    # and, on a sheet more than one page wide, the key columns too.
    pages_wide = spec.pages_wide()
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = pages_wide, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if spec.table:
        sheet.freeze_panes = f"A{spec.first_data_row}"
        sheet.defined_names["Print_Titles"] = DefinedName(
            "Print_Titles", attr_text=_print_titles(spec, pages_wide)
        )
        sheet.auto_filter.ref = f"A{spec.header_row}:{last_column}{last_row}"

    for highlight in spec.highlights:
        letter = get_column_letter(highlight.column + 1)
        sheet.conditional_formatting.add(
            f"{letter}{spec.first_data_row}:{letter}{last_row}",
            CellIsRule(
                operator="equal",
                formula=[_quoted(highlight.text)],
                fill=PatternFill("solid", start_color=highlight.fill, end_color=highlight.fill),
                font=Font(color=highlight.font),
            ),
        )
    for bar_column in spec.data_bars:
        letter = get_column_letter(bar_column + 1)
        sheet.conditional_formatting.add(
            f"{letter}{spec.first_data_row}:{letter}{last_row}",
            DataBarRule(start_type="num", start_value=0, end_type="max", color=BAR_COLOUR),
        )

    title = WriteOnlyCell(sheet, _text(spec.title))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    header_font = Font(bold=True, color=HEADER_FONT)
    header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    headers = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, _text(column.header))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="center")
        headers.append(cell)
    sheet.append(headers)

    formatted = [i for i, c in enumerate(spec.columns) if c.number_format != "General"]
    formatted += [i for i in spec.cell_formats if i not in formatted]
    value_font = Font(bold=True, size=spec.value_size) if spec.value_size else None
    styled = _StyledCells(sheet, value_font)
    wrapped = {i for i, column in enumerate(spec.columns) if column.wrap}
    for r, values in enumerate(spec.rows):
        if wrapped and (lines := spec.lines(r)) > 1:
            sheet.row_dimensions[spec.first_data_row + r].height = ROW_HEIGHT * lines
        row = list(values)
        for i in range(len(row)):
            if row[i] is not None and (i in formatted or value_font):
                row[i] = styled(row[i], spec.format_of(i, r))
            elif isinstance(text := row[i], str):
                row[i] = _wrapped(sheet, text) if i in wrapped else _as_text(sheet, text)
        sheet.append(row)

    written = spec.first_data_row + len(spec.rows) - 1
    for block in spec.blocks:
        for _ in range(block.top - written - 1):
            sheet.append([])
        labels = []
        for header in block.headers:
            cell = WriteOnlyCell(sheet, _text(header))
            cell.font = Font(bold=True)
            labels.append(cell)
        sheet.append(labels)
        plain = _StyledCells(sheet)
        for values in block.rows:
            sheet.append([plain(v, f) for v, f in zip(values, block.formats, strict=True)])
        written = block.top + len(block.rows)
    for chart in spec.charts:
        if spec.blocks[chart.block].rows:
            sheet.add_chart(_chart(sheet, spec, chart), chart.anchor)


class _StyledCells:
    """Cells with a number format (and font), styled once per format rather than once per cell:
    openpyxl's style setters look the style up again on every call, which dominates big sheets."""

    def __init__(self, sheet, font: Font | None = None) -> None:
        self.sheet, self.font = sheet, font
        self.styles: dict[str, object] = {}

    def __call__(self, value: object, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, _text(value) if isinstance(value, str) else value)
        if cell.data_type == "f":  # text from the workbook stays text, as in _as_text
            cell.data_type = "s"
        style = self.styles.get(number_format)
        if style is None:
            cell.number_format = number_format
            if self.font:
                cell.font = self.font
            self.styles[number_format] = cell._style
        else:
            cell._style = style
        return cell


def _chart(sheet, spec: SheetSpec, chart: Chart):
    """A native Excel chart over a block: categories in its first column."""
    block = spec.blocks[chart.block]
    last = block.top + len(block.rows)
    categories = Reference(sheet, min_col=1, min_row=block.top + 1, max_row=last)

    def plot(kind: str, columns: tuple[int, ...]):
        drawn = LineChart() if kind == "line" else BarChart()
        if kind != "line":
            drawn.type = "bar" if kind == "bar" else "col"
        for column in columns:
            drawn.add_data(
                Reference(sheet, min_col=column + 1, min_row=block.top, max_row=last), titles_from_data=True
            )
        drawn.set_categories(categories)
        return drawn

    drawn = plot(chart.kind, chart.series)
    if chart.line_series:
        target = plot("line", chart.line_series)
        target.y_axis.axId = drawn.y_axis.axId  # the line shares the bars' value axis
        drawn += target
    drawn.title = chart.title
    drawn.width, drawn.height = chart.width_cm, chart.height_cm
    drawn.legend.position = "b"
    if chart.percent:
        drawn.y_axis.number_format = "0%"
    drawn.y_axis.delete = False
    drawn.x_axis.delete = False
    return drawn


def _text(value: str) -> str:
    """Text without the control characters XML cannot hold (a name typed as "Ann\x07")."""
    return value if value.isprintable() else without_controls(value)


def _print_titles(spec: SheetSpec, pages_wide: int) -> str:
    """The header row on every page and, across pages, the key columns; columns first, as Excel
    writes the name (openpyxl's own puts the rows first)."""
    sheet = quote_sheetname(spec.name)
    titles = [f"{sheet}!${spec.header_row}:${spec.header_row}"]
    if pages_wide > 1 and spec.key_columns:
        titles.insert(0, f"{sheet}!$A:${get_column_letter(spec.key_columns)}")
    return ",".join(titles)


ROW_HEIGHT = 15  # points: Excel's default row, one line of 11-point Calibri
WRAP = Alignment(wrap_text=True, vertical="top")


def _wrapped(sheet: object, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, _text(value))
    cell.data_type = "s"  # text from the workbook stays text, as in _as_text
    cell.alignment = WRAP
    return cell


def _as_text(sheet: object, value: str) -> str | WriteOnlyCell:
    """Text from the workbook stays text: openpyxl would store "=..." as a live formula."""
    value = _text(value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
