"""The meeting pack as a PowerPoint file (python-pptx): one slide per part of views.meeting,
its tables as PowerPoint tables and its charts as native charts a manager can still edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pyxl.views.meeting import OVERDUE_FILL, OVERDUE_FONT, Chart, Slide, Table

WIDE, TALL = int(Inches(13.333)), int(Inches(7.5))  # 16:9
MARGIN = int(Inches(0.5))
# Chinese text in a font every Chinese Windows has; where it is missing (LibreOffice on Linux),
# fontconfig's CJK fallback draws it.
FONTS = {"en": ("Calibri", "Calibri"), "zh": ("Microsoft YaHei", "Microsoft YaHei")}
HEADER_FILL, TITLE_COLOUR = RGBColor(0x1F, 0x4E, 0x79), RGBColor(0x1F, 0x4E, 0x79)
CHART_TYPES = {"bar": XL_CHART_TYPE.COLUMN_CLUSTERED, "line": XL_CHART_TYPE.LINE_MARKERS}


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int


def write_pack(deck: list[Slide], language: str, path: Path) -> Path:
    """Write the slides to `path` (.pptx) and return it."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Emu(WIDE), Emu(TALL)
    blank = presentation.slide_layouts[6]
    fonts = FONTS.get(language, FONTS["en"])
    inner = WIDE - 2 * MARGIN
    for index, slide in enumerate(deck):
        page = presentation.slides.add_slide(blank)
        title_size, line_size = (26, 16) if index else (32, 20)
        title = Box(MARGIN, int(Inches(0.3)), inner, int(Inches(0.9)))
        _text(page, [slide.title], title, title_size, fonts, bold=True)
        top = int(Inches(1.3) if index else Inches(2.6))
        if slide.lines:
            height = int(Inches(0.42)) * len(slide.lines)
            _text(page, slide.lines, Box(MARGIN, top, inner, height), line_size, fonts)
            top += height + int(Inches(0.15))
        room = TALL - top - int(Inches(0.3))
        both = slide.table is not None and slide.chart is not None
        width = (WIDE - 3 * MARGIN) // 2 if both else inner
        if slide.table is not None:
            _table(page, slide.table, Box(MARGIN, top, width, room), fonts)
        if slide.chart is not None:
            left = MARGIN + width + MARGIN if both else MARGIN
            _chart(page, slide.chart, Box(left, top, width, room), fonts)
    presentation.save(str(path))
    return path


def _fonts(
    run, fonts: tuple[str, str], size: float, bold: bool = False, colour: RGBColor | None = None
) -> None:
    """Latin and East Asian typefaces on a run, so Chinese text is not left to a Latin font."""
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, fonts[0]
    if colour is not None:
        run.font.color.rgb = colour
    properties = run._r.get_or_add_rPr()
    for old in properties.findall(qn("a:ea")):
        properties.remove(old)
    etree.SubElement(properties, qn("a:ea")).set("typeface", fonts[1])


def _text(page, lines: list[str], box: Box, size: float, fonts: tuple[str, str], bold: bool = False) -> None:
    frame = page.shapes.add_textbox(box.left, box.top, box.width, box.height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        _fonts(run, fonts, size, bold, TITLE_COLOUR if bold else None)


def _table(page, table: Table, box: Box, fonts: tuple[str, str]) -> None:
    rows = len(table.rows) + 1
    row_height = min(int(Inches(0.4)), box.height // rows)
    shape = page.shapes.add_table(rows, len(table.headers), box.left, box.top, box.width, row_height * rows)
    grid = shape.table
    size = 12 if len(table.headers) <= 6 else 9
    for column, header in enumerate(table.headers):
        cell = grid.cell(0, column)
        cell.fill.solid()
        cell.fill.fore_color.rgb = HEADER_FILL
        _cell_text(cell, header, fonts, size, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
    for r, values in enumerate(table.rows, start=1):
        marked = table.marked[r - 1] if r - 1 < len(table.marked) else False
        for column, value in enumerate(values):
            cell = grid.cell(r, column)
            if marked:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(OVERDUE_FILL)
            _cell_text(
                cell, value, fonts, size, colour=RGBColor.from_string(OVERDUE_FONT) if marked else None
            )


def _cell_text(
    cell, text: str, fonts: tuple[str, str], size: float, bold: bool = False, colour: RGBColor | None = None
) -> None:
    frame = cell.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    _fonts(run, fonts, size, bold, colour)


def _chart(page, chart: Chart, box: Box, fonts: tuple[str, str]) -> None:
    data = CategoryChartData()
    data.categories = chart.categories
    for name, values in chart.series:
        data.add_series(name, values, number_format="0%" if chart.percent else "#,##0")
    frame = page.shapes.add_chart(CHART_TYPES[chart.kind], box.left, box.top, box.width, box.height, data)
    drawn = frame.chart
    drawn.has_title = True
    drawn.chart_title.text_frame.text = chart.title
    for paragraph in drawn.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            _fonts(run, fonts, 14, bold=True)
    drawn.has_legend = len(chart.series) > 1
    if drawn.has_legend:
        drawn.legend.position = XL_LEGEND_POSITION.BOTTOM
        drawn.legend.include_in_layout = False
    drawn.font.size = Pt(10)
    drawn.font.name = fonts[0]
    if chart.percent:
        drawn.value_axis.tick_labels.number_format = "0%"
        drawn.value_axis.tick_labels.number_format_is_linked = False
