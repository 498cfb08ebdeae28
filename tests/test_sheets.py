"""The output sheet descriptions, and how they look once LibreOffice renders them."""

import datetime as dt
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import libreoffice
from conftest import basic_sheets, inputs_from
from lxml import etree

from pyxl import pipeline
from pyxl.adapters import xlsxrender
from pyxl.core.tracking import TRACKING_COLUMNS, track
from pyxl.views.outputs import output_sheets
from pyxl.views.sheets import display_width, quality_sheet, tracking_sheet

GOLDEN = Path(__file__).parent / "golden"
AS_OF = dt.date(2025, 5, 15)


def tracking_of(sheets=None):
    return track(inputs_from(sheets or basic_sheets()), AS_OF)


def test_tracking_description_formats_by_metric():
    spec = tracking_sheet(tracking_of())
    assert [c.header for c in spec.columns] == TRACKING_COLUMNS
    target = TRACKING_COLUMNS.index("Target")
    metrics = [row[TRACKING_COLUMNS.index("Metric")] for row in spec.rows]
    for r, metric in enumerate(metrics):
        assert spec.format_of(target, r) == "#,##0", metric
    assert spec.columns[TRACKING_COLUMNS.index("Attainment")].number_format == "0.0%"
    assert spec.data_bars == [TRACKING_COLUMNS.index("Attainment")]
    assert {h.text for h in spec.highlights} == {
        "Not started",
        "Ahead",
        "On track",
        "Behind",
        "At risk",
        "Achieved",
        "Missed",
    }


def test_currency_setting_puts_the_symbol_on_revenue_only():
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Currency", "CNY"]]}
    spec = tracking_sheet(tracking_of(sheets))
    target = TRACKING_COLUMNS.index("Target")
    formats = {row[3]: spec.format_of(target, r) for r, row in enumerate(spec.rows)}
    assert formats == {"Revenue": '"¥"#,##0', "Units": "#,##0", "Orders": "#,##0"}


def test_chinese_language_translates_title_statuses_and_quality_headers():
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    sheets["Actuals"].append(["bad", "Ann", "W", "Z", 1, 1])
    tracking = tracking_of(sheets)
    spec = tracking_sheet(tracking)
    assert spec.title.startswith("销售目标跟踪")
    assert "领先" in {row[TRACKING_COLUMNS.index("Status")] for row in spec.rows}
    quality = quality_sheet(tracking)
    assert [c.header for c in quality.columns] == [
        "级别",
        "工作表",
        "行",
        "列",
        "单元格",
        "值",
        "问题",
        "处理",
    ]
    assert quality.rows[0][:3] == ["错误", "Actuals", 8]


def test_a_warning_says_what_was_done_in_both_languages():
    """The Action column says what salestrack did: for a warning, nothing but warn."""
    for language, words in (("en", ("warning", "warning only")), ("zh", ("警告", "仅警告"))):
        sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", language]]}
        sheets["Targets"].append(sheets["Targets"][1])  # the same target twice
        rows = quality_sheet(tracking_of(sheets)).rows
        assert (words[0], words[1]) in {(row[0], row[-1]) for row in rows}


def test_widths_fit_wide_characters():
    assert display_width("李伟 Li") == 7
    sheets = basic_sheets()
    sheets["Targets"][1][2] = "欧阳娜娜娜娜娜娜娜娜"
    spec = tracking_sheet(tracking_of(sheets))
    assert spec.columns[1].width >= 20 + 3


def _canonical_sheet(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


GOLDEN_PARTS = {
    "tracking.xml": "xl/worksheets/sheet1.xml",
    "data-quality.xml": "xl/worksheets/sheet2.xml",
    "kpis.xml": "xl/worksheets/sheet3.xml",
    "dashboard.xml": "xl/worksheets/sheet4.xml",
    "definitions.xml": "xl/worksheets/sheet5.xml",
    "dashboard-chart1.xml": "xl/charts/chart1.xml",
    "dashboard-chart2.xml": "xl/charts/chart2.xml",
    "dashboard-chart3.xml": "xl/charts/chart3.xml",
    "workbook.xml": "xl/workbook.xml",
    "styles.xml": "xl/styles.xml",
}


def test_golden_output_sheets(tmp_path):
    """Every rendered output sheet's XML (values, styles, rules, charts, defined names) matches the
    reviewed golden copy: a change to what a sheet says or looks like shows here as a diff."""
    scratch = xlsxrender.render_workbook(output_sheets(tracking_of()))
    with zipfile.ZipFile(io.BytesIO(scratch)) as package:
        produced = {name: _canonical_sheet(package.read(part)) for name, part in GOLDEN_PARTS.items()}
    if os.environ.get("SALESTRACK_REGOLD"):
        GOLDEN.mkdir(exist_ok=True)
        for name, data in produced.items():
            (GOLDEN / name).write_bytes(data)
    for name, data in produced.items():
        assert data == (GOLDEN / name).read_bytes(), f"{name} differs; review and regold"


def test_rendered_tracking_sheet_looks_right(tmp_path, basic_book):
    """LibreOffice renders the sheet to PDF: every header whole, no ### anywhere; PNG kept to look at."""
    pipeline.refresh_file(basic_book, as_of=AS_OF)
    pdf = libreoffice.to_pdf(basic_book, tmp_path)
    pages = libreoffice.pdf_text(pdf)
    tracking_pages = [p for p in pages if "Sales tracking" in p]
    assert tracking_pages, "no Tracking page in the PDF"
    text = "\n".join(tracking_pages)
    ours = [p for p in pages if "Sales tracking" in p or "Data quality" in p]
    assert "###" not in "\n".join(ours)
    # Two pages across, each starting with the key columns (Level, Name, Period, Metric).
    header_lines = [
        re.sub(r"\s+", " ", next(line for line in page.splitlines() if "Level" in line))
        for page in tracking_pages
    ]
    assert all(line.strip().startswith("Level Name Period Metric") for line in header_lines), header_lines
    squeezed = " | ".join(header_lines)
    for header in TRACKING_COLUMNS:
        assert header in squeezed, f"{header!r} cut off in {squeezed!r}"
    assert "¥" not in text and "60.0%" in text and "Ahead" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    assert list(tmp_path.glob("page*.png"))


def test_data_quality_sheet_stops_at_excels_row_limit(monkeypatch):
    import pyxl.views.sheets as sheets_module

    monkeypatch.setattr(sheets_module, "EXCEL_MAX_ROWS", 8)
    data = basic_sheets()
    data["Actuals"] += [["bad", "Ann", "W", "Z", 1, 1]] * 10
    spec = quality_sheet(tracking_of(data))
    assert len(spec.rows) == 6  # rows 3..7, then the note in row 8
    assert spec.rows[-1][6].startswith("5 more problems do not fit")


def test_many_identical_notes_are_summarised(monkeypatch):
    import pyxl.views.sheets as sheets_module

    monkeypatch.setattr(sheets_module, "NOTES_SHOWN", 2)
    data = basic_sheets()
    data["Actuals"] += [[dt.date(2025, 5, 2), "Ann", "W", f"T{i}", f"{i},000", 1] for i in range(5)]
    data["Actuals"].append(["bad", "Ann", "W", "Z", 1, 1])
    spec = quality_sheet(tracking_of(data))
    problems = [row[6] for row in spec.rows]
    assert sum(p.startswith("Number stored as text") for p in problems) == 2
    assert any(p.startswith("3 (Number stored as text") and "more like this" in p for p in problems)
    assert problems[0] == "Date could not be read"


def test_kpi_notes_wrap_and_wide_sheets_print_across_pages_with_their_key_columns():
    from pyxl.core.kpis import kpi_table
    from pyxl.views.sheets import PRINTABLE_WIDTH, SMALLEST_PRINT_SCALE, kpis_sheet, wrapped_lines

    tracking = tracking_of(basic_sheets())
    spec = kpis_sheet(tracking, kpi_table(tracking))
    notes = spec.columns[-1]
    assert notes.header == "Notes" and notes.wrap and notes.width <= 45
    row = next(r for r, values in enumerate(spec.rows) if len(values[-1] or "") > 45)
    assert spec.lines(row) == wrapped_lines(spec.rows[row][-1], notes.width) > 1
    # At 70% a landscape page holds about 185 characters: KPIs need two pages, Level to Period on each.
    assert spec.pages_wide() == 2 and spec.key_columns == 3
    assert sum(c.width for c in spec.columns) > PRINTABLE_WIDTH / SMALLEST_PRINT_SCALE
    assert wrapped_lines("客户终身价值：实际销售没有填写客户", 12) == 4  # 34 columns wide, 10 a line


def test_rows_converted_a_column_at_a_time_are_the_plain_values_of_each_cell():
    import numpy as np
    import pandas as pd

    from pyxl.views.sheets import plain, plain_rows

    table = pd.DataFrame(
        {
            "float": [1.5, np.nan, np.inf, -0.0, -np.inf],
            "int": np.array([1, 2, 3, 4, 5], dtype=np.int64),
            "nullable": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "text": pd.array(["a", None, "c", "", "李"], dtype="string"),
            "object": ["x", None, np.float64(2.5), float("nan"), dt.date(2025, 1, 1)],
            "when": pd.to_datetime(["2025-01-01", None, "2025-03-01", "2025-04-01", "2025-05-01"]),
            "flag": [True, False, True, False, True],
        }
    )
    expected = [[plain(v) for v in row] for row in table.itertuples(index=False)]
    converted = plain_rows(table)
    assert converted == expected
    assert [[type(v) for v in row] for row in converted] == [[type(v) for v in row] for row in expected]
    assert converted[1][:4] == [None, 2, None, None] and converted[2][0] is None  # NaN, NA, inf: blank
    assert plain_rows(table.iloc[:, :0]) == [[]] * 5 and plain_rows(table.iloc[:0]) == []


def test_rows_written_as_xml_are_the_cells_xlsxwriter_would_write(monkeypatch):
    """Big plain sheets skip XlsxWriter's cell-by-cell writing (sheetxml): forced on the small
    workbook, every part comes out byte for byte as XlsxWriter makes it."""
    sheets = basic_sheets()
    sheets["Actuals"].append([dt.date(2025, 5, 2), "=HYPERLINK(1)", "Widget", " A9 ", 5, 1])
    specs = output_sheets(track(inputs_from(sheets), AS_OF))
    monkeypatch.setattr(xlsxrender, "PLAIN_ROWS", 10**9)
    by_cell = xlsxrender.render_workbook(specs)
    monkeypatch.setattr(xlsxrender, "PLAIN_ROWS", 1)
    as_xml = xlsxrender.render_workbook(specs)
    with zipfile.ZipFile(io.BytesIO(by_cell)) as one, zipfile.ZipFile(io.BytesIO(as_xml)) as other:
        assert one.namelist() == other.namelist()
        for name in one.namelist():
            assert one.read(name) == other.read(name), name


def test_cells_written_as_xml_match_xlsxwriters_for_awkward_values():
    """Edge spaces on any line of text, markup, control characters, Excel's own _x0041_
    escapes, CJK, empty and overlong text, signed zero, huge and tiny numbers, dates and blanks:
    sheetxml writes each cell as XlsxWriter does."""
    import numpy as np
    import pandas as pd
    import xlsxwriter

    from pyxl.adapters import sheetxml

    texts = [" a", "b ", "a\nb ", "x\n", "\tq", "<&>", "\x01ctl", "王小明", "_x0041_", "", "x" * 40_000, None]
    numbers = [-0.0, 1e20, 0.1 + 0.2, 1e-7, 2.0**53 + 1, 123456.789, np.nan, np.inf, 3.0, -5.5, 0.0, None]
    dates = [dt.date(2025, 1, 1), dt.date(1900, 3, 1), None] + [dt.date(2026, 12, 7)] * 9
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, xlsxrender.OPTIONS)  # constant memory: inline strings
    sheet = book.add_worksheet()
    for row, (text, number, day) in enumerate(zip(texts, numbers, dates, strict=True)):
        if text is not None:
            sheet.write_string(row, 0, sheetxml.CONTROL_CHARACTERS.sub("", text))
        if number is not None and np.isfinite(number):
            sheet.write_number(row, 1, number)
        if day is not None:
            sheet.write_number(row, 2, (pd.Timestamp(day) - sheetxml.EXCEL_EPOCH).days)
    book.close()
    with zipfile.ZipFile(buffer) as package:
        written = package.read("xl/worksheets/sheet1.xml").decode()
    expected = re.search(r"<sheetData>(.*)</sheetData>", written, re.S)[1]
    columns = [(pd.Series(values, dtype=object), "") for values in (texts, numbers, dates)]
    assert sheetxml.rows_xml(columns, 1) == re.sub(r' spans="[^"]*"', "", expected)
