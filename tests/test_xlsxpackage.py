"""The write-back: only output sheets and the parts that register them change."""

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import libreoffice
import pytest
import xlsxwriter
from conftest import add_xlsxwriter_sheets, basic_sheets, write_book
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XLImage
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image

from pyxl import pipeline
from pyxl.views.sheets import OUTPUT_SHEETS

# docProps/app.xml lists the sheets by name, so it changes when output sheets are added.
REGISTERING_PARTS = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/styles.xml",
    "docProps/app.xml",
}


def part_hashes(path):
    with zipfile.ZipFile(path) as package:
        return {n: hashlib.sha256(package.read(n)).hexdigest() for n in package.namelist()}


def rich_book(path):
    """A workbook with a chart, a comment, data validation, a defined name and an extra sheet."""
    book = Workbook()
    targets = book.active
    targets.title = "Targets"
    for row in basic_sheets()["Targets"]:
        targets.append(row)
    targets["H1"].comment = Comment("Targets agreed in January", "Mia")
    validation = DataValidation(type="list", formula1='"Revenue,Units,Orders"')
    targets.add_data_validation(validation)
    validation.add("B2:B100")
    actuals = book.create_sheet("Actuals")
    for row in basic_sheets()["Actuals"]:
        actuals.append(row)
    notes = book.create_sheet("My Notes")
    notes.append(["Quarter", "Calls"])
    for quarter, calls in (("Q1", 10), ("Q2", 14)):
        notes.append([quarter, calls])
    chart = BarChart()
    chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    notes.add_chart(chart, "D2")
    book.defined_names["CallsTotal"] = DefinedName("CallsTotal", attr_text="'My Notes'!$B$2:$B$3")
    book.save(path)
    return path


def picture_book(path):
    """A workbook with a picture on the Targets sheet (openpyxl writes it; re-saving would drop it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 78, 120)).save(buffer, "PNG")
    book = Workbook()
    targets = book.active
    targets.title = "Targets"
    for row in basic_sheets()["Targets"]:
        targets.append(row)
    targets.add_image(XLImage(io.BytesIO(buffer.getvalue())), "H2")
    actuals = book.create_sheet("Actuals")
    for row in basic_sheets()["Actuals"]:
        actuals.append(row)
    book.save(path)
    return path


def custom_xml_book(path):
    """An XlsxWriter workbook with a chart, plus a custom XML part related from the workbook."""
    book = xlsxwriter.Workbook(str(path))
    add_xlsxwriter_sheets(book, basic_sheets())
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Actuals!$E$2:$E$7"})
    book.get_worksheet_by_name("Actuals").insert_chart("H2", chart)
    book.close()
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    parts["customXml/item1.xml"] = (
        b'<?xml version="1.0"?><crm xmlns="urn:example:crm"><region>East</region></crm>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCrm" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'customXml" Target="../customXml/item1.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def pivot_book(path):
    """A pivot table with its cache, made by LibreOffice itself."""
    libreoffice.require()
    done = subprocess.run(
        [
            "/usr/bin/python3",
            str(Path(__file__).parent / "uno_pivot.py"),
            str(path),
            str(path.parent / "pivot-profile"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if done.returncode or not path.exists():
        pytest.fail(f"LibreOffice could not make the pivot workbook: {done.stderr[-500:]}")
    return path


def salestrack_xlsm(path):
    shutil.copy(Path(__file__).parent.parent / "salestrack.xlsm", path)
    return path


CORPUS = {
    "chart-comment-validation.xlsx": rich_book,
    "chart-comment-validation.xlsm": rich_book,
    "picture.xlsx": picture_book,
    "chart-customxml.xlsx": custom_xml_book,
    "pivot.xlsx": pivot_book,
    "salestrack.xlsm": salestrack_xlsm,
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_only_output_sheets_and_registering_parts_change(tmp_path, name):
    path = CORPUS[name](tmp_path / name)
    before = part_hashes(path)
    pipeline.refresh_file(path, as_of=dt.date(2025, 5, 15))
    after = part_hashes(path)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= REGISTERING_PARTS, changed
    assert set(before) <= set(after), "a part went missing"
    added = {n for n in set(after) - set(before) if n.startswith("xl/worksheets/sheet")}
    assert len(added) == len(OUTPUT_SHEETS)
    sheets = libreoffice.sheets_as_csv(path, tmp_path)
    assert {"Tracking", "Data Quality"} <= set(sheets)
    assert sheets["Tracking"][1][:2] == ["Level", "Name"] and len(sheets["Tracking"]) > 2
    assert sheets["Targets"][0][0] == "Period"


def test_refreshing_twice_gives_the_same_workbook(tmp_path, basic_book):
    pipeline.refresh_file(basic_book, as_of=None)
    first = part_hashes(basic_book)
    pipeline.refresh_file(basic_book, as_of=None)
    assert part_hashes(basic_book) == first


def test_output_sheets_are_replaced_in_place(tmp_path, basic_book):
    pipeline.refresh_file(basic_book)
    book = load_workbook(basic_book)
    book.move_sheet("Tracking", offset=-3)
    book.save(basic_book)
    order = load_workbook(basic_book).sheetnames
    pipeline.refresh_file(basic_book)
    assert load_workbook(basic_book).sheetnames == order


def test_merged_styles_carry_the_formats(tmp_path, basic_book):
    pipeline.refresh_file(basic_book)
    sheet = load_workbook(basic_book)["Tracking"]
    assert sheet["A2"].font.b and sheet["A2"].fill.fgColor.rgb.endswith("1F4E78")
    assert sheet["I3"].number_format == "0.0%"
    assert sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:AA")  # the contract's 27 columns
    rules = {r.type for cf in sheet.conditional_formatting for r in cf.rules}
    assert rules == {"cellIs", "dataBar"}


def test_styles_part_keeps_user_namespaces(tmp_path):
    """A styles part with Excel's extension namespaces must keep its prefixes."""
    path = write_book(tmp_path / "ns.xlsx", basic_sheets())
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist()}
    styles = parts["xl/styles.xml"].replace(
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
        b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"',
    )
    parts["xl/styles.xml"] = styles
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    pipeline.refresh_file(path)
    root = etree.fromstring(zipfile.ZipFile(path).read("xl/styles.xml"))
    assert root.nsmap.get("x14ac") == "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def test_libreoffice_reads_every_sheet_after_refresh(tmp_path):
    path = rich_book(tmp_path / "rich.xlsx")
    pipeline.refresh_file(path, as_of=dt.date(2025, 5, 15))
    sheets = libreoffice.sheets_as_csv(path, tmp_path)
    assert set(sheets) == {"Targets", "Actuals", "My Notes", *OUTPUT_SHEETS}
    tracking = sheets["Tracking"]
    assert tracking[1][:4] == ["Level", "Name", "Period", "Metric"]
    assert tracking[2][:2] == ["Rep", "Ann"] and float(tracking[2][7]) == 600
    assert sheets["My Notes"][2][:2] == ["Q2", "14"]


def test_a_process_killed_during_refresh_leaves_a_readable_workbook(tmp_path):
    """Kill refresh at moments spread over its whole run: each time the workbook is old or new, whole."""
    import signal
    import sys
    import time

    import fastexcel

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from make_workbook import build

    path = build(tmp_path / "big.xlsx", 60_000)
    original = path.read_bytes()
    command = [sys.executable, "-m", "pyxl", "refresh", str(path)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.perf_counter() - started
    for step in range(12):
        path.write_bytes(original)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (0.3 + 0.7 * step / 11))
        process.send_signal(signal.SIGKILL)
        process.wait()
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
        names = fastexcel.read_excel(str(path)).sheet_names
        if path.read_bytes() != original:
            assert names[-len(OUTPUT_SHEETS) :] == list(OUTPUT_SHEETS)
    subprocess.run(command, check=True, capture_output=True)
    assert not list(tmp_path.glob("*.salestrack-tmp")), "killed saves left temporary files behind"


def test_a_users_own_dashboard_is_kept(tmp_path):
    sheets = basic_sheets() | {"Dashboard": [["My own dashboard"]], "tracking": [["old numbers"]]}
    path = write_book(tmp_path / "own.xlsx", sheets)
    pipeline.refresh_file(path, as_of=dt.date(2025, 5, 15))
    book = load_workbook(path)
    assert book["Dashboard"]["A1"].value == "My own dashboard"
    assert book["Dashboard (SalesTrack)"]["A1"].value.startswith("Dashboard · 2025-05")
    assert book["Tracking"]["A1"].value.startswith("Sales tracking")  # the contract's sheet is replaced
    names = list(book.sheetnames)
    pipeline.refresh_file(path, as_of=dt.date(2025, 5, 15))
    assert load_workbook(path).sheetnames == names  # the second run finds its own sheets again


def test_what_excel_would_repair_is_left_right(tmp_path):
    """A workbook Excel saved: a calc chain pointing into an output sheet that had formulas, code
    names on its sheets, and app.xml listing its sheets. After a refresh: no stale chain, the code
    name kept, the marker names hidden, and app.xml naming the real sheets."""
    from conftest import basic_sheets, write_book

    from pyxl import pipeline

    sheets = basic_sheets() | {"Tracking": [["old", "=1+1"]]}
    book = write_book(tmp_path / "excel-saved.xlsx", sheets)
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    app = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<Application>Microsoft Excel</Application><HeadingPairs><vt:vector size="2" baseType="variant">'
        b"<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
        b'</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr">'
        b"<vt:lpstr>Sheet1</vt:lpstr></vt:vector></TitlesOfParts></Properties>"
    )
    with zipfile.ZipFile(book) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    names = [s.get("name") for s in etree.fromstring(parts["xl/workbook.xml"]).find(f"{{{main_ns}}}sheets")]
    tracking_part = f"xl/worksheets/sheet{names.index('Tracking') + 1}.xml"
    parts[tracking_part] = parts[tracking_part].replace(b"<sheetPr>", b'<sheetPr codeName="Sheet7">', 1)
    if b"codeName" not in parts[tracking_part]:
        parts[tracking_part] = re.sub(
            rb"(<worksheet[^>]*>)", rb'\1<sheetPr codeName="Sheet7"/>', parts[tracking_part], count=1
        )
    parts["xl/calcChain.xml"] = (
        f'<calcChain xmlns="{main_ns}"><c r="B1" i="{names.index("Tracking") + 1}"/></calcChain>'.encode()
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    parts["docProps/app.xml"] = app
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)

    pipeline.refresh_file(book, as_of=dt.date(2025, 5, 15))
    with zipfile.ZipFile(book) as package:
        names_now = package.namelist()
        assert "xl/calcChain.xml" not in names_now
        assert b"calcChain" not in package.read("xl/_rels/workbook.xml.rels")
        assert b"calcChain" not in package.read("[Content_Types].xml")
        assert b'codeName="Sheet7"' in package.read(tracking_part)
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        for defined in workbook.iter(f"{{{main_ns}}}definedName"):
            if defined.get("name") in ("SalesTrackOutput", "_xlnm._FilterDatabase"):
                assert defined.get("hidden") == "1", etree.tostring(defined)
        titles = etree.fromstring(package.read("docProps/app.xml"))
        listed = [
            t.text
            for t in titles.iter(
                "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}lpstr"
            )
        ]
        sheets_now = [s.get("name") for s in workbook.find(f"{{{main_ns}}}sheets")]
        assert listed == ["Worksheets", *sheets_now]
