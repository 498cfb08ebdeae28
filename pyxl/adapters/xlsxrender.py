"""Render sheet descriptions with XlsxWriter into a scratch workbook, row by row.

XlsxWriter writes several times faster than openpyxl and, in constant-memory mode, keeps text as
inline strings, so the splice (xlsxpackage) needs no shared-strings table. Every value is written
with the call for its type: text is never taken for a formula, a URL or a number.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pyxl.adapters import sheetxml
from pyxl.core.parsing import without_controls
from pyxl.views.sheets import BAR_COLOUR, DATE, HEADER_FILL, HEADER_FONT, OUTPUT_MARKER, Chart, SheetSpec

ROW_HEIGHT = 15  # points: Excel's default row, one line of 11-point Calibri
PIXELS_PER_CM = 96 / 2.54
SLANT_ABOVE = 6  # categories; more are slanted so their labels do not run into each other
DATE_LABELS = 8  # dates labelled on a chart's axis at most
# Blank points are gaps in Excel without saying so; LibreOffice draws them as zero unless told.
BLANKS_AS_GAPS = b'<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
_UNSEEN = object()  # a column whose look is not made yet
OPTIONS = {
    "constant_memory": True,  # rows go out as written, text as inline strings
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "tmpdir": tempfile.gettempdir(),
}


def render_workbook(specs: Sequence[SheetSpec]) -> bytes:
    """An .xlsx holding one sheet per description, in order."""
    buffer = io.BytesIO()
    book = Workbook(buffer, OPTIONS)
    # A fixed creation time, so the same sheets always render to the same bytes.
    book.set_properties({"created": dt.datetime(2000, 1, 1)})
    formats = _Formats(book)
    # Rows written as XML by sheetxml rather than cell by cell, by sheet number (1, 2, …).
    plain: dict[int, str] = {}
    verbatim = _Verbatim()
    for number, spec in enumerate(specs, start=1):
        rows = _render_sheet(book, spec, formats, verbatim)
        if rows:
            plain[number] = rows
    book.close()
    return _finish(buffer.getvalue(), plain, verbatim)


class _Verbatim:
    """Text XlsxWriter would write as markup: in constant-memory mode it takes a string that
    starts with <r> and ends with </r> for rich text and writes it unescaped, so a name typed
    as "<r>Ann & Bo</r>" would break the sheet. Such text is written as a placeholder that
    `_finish` replaces with the text, escaped."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)  # no text in a workbook can guess it
        self.texts: dict[str, str] = {}  # placeholder -> text

    def placeholder(self, text: str) -> str:
        token = f"salestrack-{self.nonce}-{len(self.texts)}"
        self.texts[token] = text
        return token

    def restored(self, sheet_xml: bytes) -> bytes:
        for token, text in self.texts.items():
            sheet_xml = sheet_xml.replace(
                f"<t>{token}</t>".encode(), sheetxml.text_element(text).encode("utf-8")
            )
        return sheet_xml


class _Formats:
    """One XlsxWriter format per distinct look, made once."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.made: dict[tuple[tuple[str, object], ...], object] = {}

    def __call__(self, **properties: object):
        key = tuple(sorted(properties.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(dict(properties))
        return self.made[key]


def _render_sheet(book: Workbook, spec: SheetSpec, formats: _Formats, verbatim: _Verbatim) -> str:
    """Render one sheet; its data rows as XML when they are many and plain (see `_plain_rows`),
    for `_finish` to put in, else ""."""
    sheet = book.add_worksheet(spec.name)
    book.define_name(f"{quote_sheetname(spec.name)}!{OUTPUT_MARKER}", "=TRUE")
    last_column = max(len(spec.columns), 1) - 1
    last_row = spec.first_data_row + max(len(spec.rows), 1) - 2  # zero-based
    for index, column in enumerate(spec.columns):
        sheet.set_column(index, index, column.width)
    # Printed or exported: as few pages across as keep the text readable, headers on every page
    # and, on a sheet more than one page wide, the key columns too.
    pages_wide = spec.pages_wide()
    sheet.set_landscape()
    sheet.fit_to_pages(pages_wide, 0)
    header = spec.header_row - 1
    if spec.table:
        sheet.freeze_panes(spec.first_data_row - 1, 0)
        sheet.repeat_rows(header)
        if pages_wide > 1 and spec.key_columns:
            sheet.repeat_columns(0, spec.key_columns - 1)
        sheet.autofilter(header, 0, last_row, last_column)

    first = spec.first_data_row - 1
    for highlight in spec.highlights:
        sheet.conditional_format(
            first,
            highlight.column,
            last_row,
            highlight.column,
            {
                "type": "cell",
                "criteria": "equal to",
                "value": _quoted(highlight.text),
                "format": formats(bg_color=f"#{highlight.fill}", font_color=f"#{highlight.font}"),
            },
        )
    for bar_column in spec.data_bars:
        sheet.conditional_format(
            first,
            bar_column,
            last_row,
            bar_column,
            {
                "type": "data_bar",
                "min_type": "num",
                "min_value": 0,
                "max_type": "max",
                "bar_color": f"#{BAR_COLOUR}",
            },
        )

    _write(sheet, 0, 0, spec.title, formats(bold=True, font_size=14), verbatim)
    heading = formats(bold=True, font_color=f"#{HEADER_FONT}", bg_color=f"#{HEADER_FILL}", valign="vcenter")
    for index, column in enumerate(spec.columns):
        _write(sheet, header, index, column.header, heading, verbatim)

    wrapped = {i for i, column in enumerate(spec.columns) if column.wrap}
    tile = {"bold": True, "font_size": spec.value_size, "align": "center"} if spec.value_size else {}
    looks: dict[tuple[int, str], object] = {}  # a column's format per number format, found once

    def look_of(i: int, number_format: str) -> object:
        if (i, number_format) not in looks:
            look: dict[str, object] = dict(tile)
            if number_format != "General":
                look["num_format"] = number_format
            if wrapped:  # rows grow with wrapped text: every cell reads from the top
                look.update(valign="top", text_wrap=i in wrapped)
            looks[i, number_format] = formats(**look) if look else None
        return looks[i, number_format]

    # A column's look is found once unless its format varies by row: tens of thousands of cells.
    # Looks are still made in the order cells first need them, which numbers the styles.
    column_looks: list[object] = [_UNSEEN] * len(spec.columns)
    row_formats = [spec.cell_formats.get(i) for i in range(len(spec.columns))]
    if spec.value_row_height:
        sheet.set_row(first, spec.value_row_height)
    if len(spec.rows) >= PLAIN_ROWS and not spec.value_size and not spec.blocks:
        heading._get_xf_index()  # the header row is still to be flushed: its style comes first
        plain = _plain_rows(sheet, spec, first, look_of)
        if plain:
            return plain
    for r, values in enumerate(spec.rows):
        row = first + r
        if wrapped and (lines := spec.lines(r)) > 1:
            sheet.set_row(row, ROW_HEIGHT * lines)
        for i, value in enumerate(values):
            if value is None:
                continue
            if (by_row := row_formats[i]) is not None:
                look = look_of(i, by_row[r])
            elif (look := column_looks[i]) is _UNSEEN:
                look = column_looks[i] = look_of(i, spec.columns[i].number_format)
            _write(sheet, row, i, value, look, verbatim)

    for block in spec.blocks:
        for i, label in enumerate(block.headers):
            _write(sheet, block.top - 1, i, label, formats(bold=True), verbatim)
        for r, values in enumerate(block.rows):
            for i, (value, number_format) in enumerate(zip(values, block.formats, strict=True)):
                shown = formats(num_format=number_format) if number_format != "General" else None
                _write(sheet, block.top + r, i, value, shown, verbatim)
    for chart in spec.charts:
        if spec.blocks[chart.block].rows:
            sheet.insert_chart(chart.anchor, _chart(book, spec, chart))
    return ""


PLAIN_ROWS = 200  # from this many data rows, a sheet's rows are written as XML (sheetxml)


def _plain_rows(sheet: Worksheet, spec: SheetSpec, first: int, look_of: Callable[[int, str], object]) -> str:
    """The data rows as XML, the cells exactly as XlsxWriter would write them, when every column
    holds one kind of value; "" otherwise. Styles are asked for in the order XlsxWriter would
    first need them (row by row, blanks skipped), so they are numbered the same."""
    values = pd.DataFrame(spec.rows, dtype=object)
    if any(sheetxml.kind_of(values[i]) is None for i in values.columns):
        return ""
    present = np.not_equal(values.to_numpy(), np.array(None, dtype=object))  # NaN is present, None not
    # Where each (column, number format) is first needed, a column at a time: not a call per cell.
    firsts: list[tuple[int, int, str]] = []
    for i in range(len(spec.columns)):
        needed = pd.Series(spec.formats(i))[present[:, i]].drop_duplicates()
        firsts += [(int(r), i, number_format) for r, number_format in needed.items()]
    numbered: dict[tuple[int, str], str] = {}
    for _, i, number_format in sorted(firsts):
        look = look_of(i, number_format)
        numbered[i, number_format] = "" if look is None else str(look._get_xf_index())  # type: ignore[attr-defined]
    columns = []
    for i, column in enumerate(spec.columns):
        overrides = spec.cell_formats.get(i)
        styles = (
            [numbered.get((i, f), "") for f in overrides]
            if overrides
            else numbered.get((i, column.number_format), "")
        )
        columns.append((values[i], styles))
    heights = None
    if any(column.wrap for column in spec.columns):  # rows grow with wrapped text, as cell by cell
        heights = [
            ROW_HEIGHT * lines if (lines := spec.lines(r)) > 1 else None for r in range(len(spec.rows))
        ]
    # XlsxWriter sizes the sheet (its dimension) from the cells it wrote: tell it of these.
    sheet._check_dimensions(first + len(spec.rows) - 1, len(spec.columns) - 1)
    return sheetxml.rows_xml(columns, first + 1, heights)


def _write(sheet: Worksheet, row: int, column: int, value: object, look: object, verbatim: _Verbatim) -> None:
    """One cell, by its type: text stays text, a blank stays blank, and so does a figure too
    large to hold (a sum of amounts near 1e308)."""
    if type(value) is float:  # most cells: asked first, and exactly
        if value - value == 0:  # finite
            sheet.write_number(row, column, value, look)
    elif value is None:
        return
    elif isinstance(value, str):
        text = _text(value)
        if text.startswith("<r>") and text.endswith("</r>"):
            text = verbatim.placeholder(text)
        sheet.write_string(row, column, text, look)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, look)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_datetime(row, column, value, look)
    elif hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        sheet.write_datetime(row, column, value.to_pydatetime(), look)
    else:
        sheet.write_number(row, column, float(value), look)  # type: ignore[arg-type]


def _chart(book: Workbook, spec: SheetSpec, chart: Chart):
    """A native Excel chart over a block: categories in its first column, lines over the bars."""
    block = spec.blocks[chart.block]
    name = quote_sheetname(spec.name)
    first, last = block.top, block.top + len(block.rows) - 1  # zero-based data rows

    def series(drawn, columns: tuple[int, ...]) -> None:
        for column in columns:
            letter = xl_col_to_name(column)
            drawn.add_series(
                {
                    "name": f"={name}!${letter}${block.top}",
                    "categories": f"={name}!$A${first + 1}:$A${last + 1}",
                    "values": f"={name}!${letter}${first + 1}:${letter}${last + 1}",
                }
            )

    kind = {"bar": {"type": "bar"}, "column": {"type": "column"}, "line": {"type": "line"}}[chart.kind]
    drawn = book.add_chart(kind)
    series(drawn, chart.series)
    if chart.line_series:
        line = book.add_chart({"type": "line"})
        series(line, chart.line_series)
        drawn.combine(line)  # the line shares the bars' value axis
    drawn.set_title({"name": chart.title})
    drawn.set_legend({"position": "bottom"})
    width, height = (round(size * PIXELS_PER_CM) for size in (chart.width_cm, chart.height_cm))
    drawn.set_size({"width": width, "height": height})
    # Axis labels formatted as their cells are (not every reader follows the cells' formats), and
    # slanted where many would collide.
    values = "0%" if chart.percent else block.formats[chart.series[0]]
    if values != "General":
        drawn.set_y_axis({"num_format": values})
    categories: dict[str, object] = {}
    if block.formats[0] == DATE and len(block.rows) > DATE_LABELS:
        # A month of days: a label every few days, short, level, so they never crowd the axis.
        categories.update(num_format="mm-dd", interval_unit=math.ceil(len(block.rows) / DATE_LABELS))
    elif len(block.rows) > SLANT_ABOVE:
        categories["num_font"] = {"rotation": -45}
    if block.formats[0] != "General" and "num_format" not in categories:
        categories["num_format"] = block.formats[0]
    if categories:
        drawn.set_x_axis(categories)
    return drawn


def _finish(package: bytes, plain: dict[int, str], verbatim: _Verbatim) -> bytes:
    """Two things XlsxWriter leaves to the reader: the output marker names kept out of Name
    Manager (hidden="1"), where a user could delete them, and blank chart points drawn as gaps;
    then the text held back from XlsxWriter (`verbatim`) and the rows written as XML (`plain`,
    by sheet number) put into their sheets. Stored, not compressed: the scratch package is read
    once, in memory, and its parts are compressed where they land (xlsxpackage)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info)
            info.compress_type = zipfile.ZIP_STORED
            if info.filename == "xl/workbook.xml":
                data = re.sub(
                    rb'<definedName name="' + OUTPUT_MARKER.encode() + rb'"', rb'\g<0> hidden="1"', data
                )
            elif info.filename.startswith("xl/charts/chart"):
                data = data.replace(b'<c:plotVisOnly val="1"/>', BLANKS_AS_GAPS, 1)
            elif found := SHEET_PART.fullmatch(info.filename):
                data = verbatim.restored(data)
                if int(found[1]) in plain:
                    data = data.replace(
                        b"</sheetData>", plain[int(found[1])].encode("utf-8") + b"</sheetData>", 1
                    )
            target.writestr(info, data)
    return out.getvalue()


SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _text(value: str) -> str:
    """Text without the control characters XML cannot hold (a name typed as "Ann\x07")."""
    return value if value.isprintable() else without_controls(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
