"""Every kind of workbook salestrack writes, opened by readers that are not LibreOffice.

No Excel runs here, and LibreOffice forgives a lot. Gnumeric's `ssconvert` and Apache POI
read OOXML their own way: POI parses every part it loads through classes generated from the
OOXML schemas, so an element out of order or a bad attribute value fails there.

Gnumeric reports elements it does not handle (workbookProtection, data-bar details, chart
graphics) as messages. A message that the unrefreshed input or a plain openpyxl file with the
same features also gets is Gnumeric's limit, not a defect of ours; any other message fails.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import add_xlsxwriter_sheets, basic_sheets, unavailable
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import DataBarRule
from openpyxl.worksheet.datavalidation import DataValidation

from pyxl import pipeline
from pyxl.excel.demo import write_demo

AS_OF = dt.date(2026, 11, 27)
ROOT = Path(__file__).parent.parent
OUTPUT_SHEETS = ["Tracking", "Data Quality", "KPIs", "Dashboard", "Definitions", "History"]
CHINESE_OUTPUT_SHEETS = ["跟踪", "数据质量", "关键指标", "仪表板", "说明", "历史"]
# Debian's libapache-poi-java, with the jars it needs.
DEBIAN_JARS = [
    "poi",
    "poi-ooxml",
    "xmlbeans",
    "commons-collections4",
    "commons-compress",
    "commons-codec",
    "commons-math3",
    "curvesapi",
    "commons-logging",
]


def _missing(what: str) -> None:
    unavailable(f"{what} is not installed")


# ---------------------------------------------------------------- the workbooks


def xlsxwriter_book(path: Path) -> Path:
    """A user's XlsxWriter workbook with a chart, a table, a data validation and a comment."""
    book = xlsxwriter.Workbook(str(path))
    add_xlsxwriter_sheets(book, basic_sheets())
    notes = book.add_worksheet("Notes")
    notes.add_table("A1:C4", {"columns": [{"header": "Rep"}, {"header": "Region"}, {"header": "Quota"}]})
    notes.data_validation("B2:B4", {"validate": "list", "source": ["East", "West"]})
    notes.write_comment("A1", "Kept by the sales manager")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Actuals!$E$2:$E$7"})
    notes.insert_chart("E2", chart)
    book.close()
    return path


def plain_openpyxl_book(path: Path) -> Path:
    """Features openpyxl writes as the specification says: what Gnumeric reports here is its limit."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plain"
    sheet.append(["Name", "Value"])
    for n in range(1, 6):
        sheet.append([f"Row {n}", n])
    sheet.conditional_formatting.add("B2:B6", DataBarRule(start_type="min", end_type="max", color="638EC6"))
    sheet.auto_filter.ref = "A1:B6"
    sheet.print_title_rows, sheet.print_title_cols = "1:1", "A:A"
    sheet["A1"].comment = Comment("a note", "salestrack")
    validation = DataValidation(type="list", formula1='"a,b"')
    sheet.add_data_validation(validation)
    validation.add("A2:A6")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=6), titles_from_data=True)
    sheet.add_chart(chart, "D2")
    book.save(path)
    return path


def _refreshed(source: Path, folder: Path) -> Path:
    copy = folder / f"refreshed-{source.name}"
    shutil.copy(source, copy)
    pipeline.refresh_file(copy, AS_OF)
    return copy


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    demo = write_demo(folder / "demo.xlsx", AS_OF)
    chinese = write_demo(folder / "demo-zh.xlsx", AS_OF, language="zh")
    users = xlsxwriter_book(folder / "xlsxwriter.xlsx")
    xlsm = shutil.copy(ROOT / "salestrack.xlsm", folder / "salestrack.xlsm")
    return {
        "demo (input)": demo,
        "demo refreshed": _refreshed(demo, folder),
        "Chinese demo refreshed": _refreshed(chinese, folder),
        "salestrack.xlsm": Path(xlsm),
        "salestrack.xlsm refreshed": _refreshed(Path(xlsm), folder),
        "XlsxWriter book refreshed": _refreshed(users, folder),
        "XlsxWriter book (input)": users,
        "plain openpyxl": plain_openpyxl_book(folder / "plain.xlsx"),
    }


WRITTEN = [
    "demo refreshed",
    "Chinese demo refreshed",
    "salestrack.xlsm",
    "salestrack.xlsm refreshed",
    "XlsxWriter book refreshed",
]


# ---------------------------------------------------------------- Gnumeric


def gnumeric(book: Path, folder: Path) -> tuple[set[str], dict[str, str]]:
    """Gnumeric's messages (cell addresses taken out) and each sheet as CSV."""
    if shutil.which("ssconvert") is None:
        _missing("Gnumeric (ssconvert)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["ssconvert", "-S", "--export-type=Gnumeric_stf:stf_csv", str(book), str(folder / "%s.csv")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    messages = set()
    for block in re.split(r"\n(?=\S)", done.stderr.strip()):
        message = " ".join(block.split())
        message = re.sub(r"^\*\* \(ssconvert:\d+\): WARNING \*\*: [\d:.]+: ", "", message)
        # "Dashboard!B86 : Dropping missing object": the same message wherever it is.
        message = re.sub(r"^.+? : (?=(?:Ignoring|Dropping|Unhandled) )", "", message)
        # A defined name over two areas (print titles: key columns and the header row).
        message = re.sub(r"^At [A-Z]+\d+: '.*' (?=Multiple expressions)", "", message)
        if message:
            messages.add(message)
    sheets = {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.csv")}
    return messages, sheets


@pytest.fixture(scope="module")
def gnumeric_limits(books, tmp_path_factory) -> set[str]:
    folder = tmp_path_factory.mktemp("gnumeric-baseline")
    limits: set[str] = set()
    for name in ("demo (input)", "XlsxWriter book (input)", "plain openpyxl"):
        limits |= gnumeric(books[name], folder / name)[0]
    return limits


@pytest.mark.parametrize("name", WRITTEN)
def test_gnumeric_reads_every_workbook_salestrack_writes(name, books, gnumeric_limits, tmp_path):
    messages, sheets = gnumeric(books[name], tmp_path)
    assert not messages - gnumeric_limits, f"Gnumeric reports only for {name}: {messages - gnumeric_limits}"
    if "refreshed" in name:
        outputs = CHINESE_OUTPUT_SHEETS if "Chinese" in name else OUTPUT_SHEETS
        assert set(outputs) <= set(sheets), list(sheets)
    if name == "Chinese demo refreshed":
        assert sheets["跟踪"].startswith('"销售目标跟踪') and "已达成" in sheets["跟踪"]
        assert sheets["跟踪"].splitlines()[1].startswith("层级,名称,期间,指标")
    if name == "demo refreshed":
        header = sheets["Tracking"].splitlines()[1]
        assert header.startswith("Level,Name,Period,Metric,Start,End,Target,Actual,Attainment")
        assert "Li Wei 李伟" in sheets["Tracking"]


# ---------------------------------------------------------------- Apache POI


@pytest.fixture(scope="module")
def poi(tmp_path_factory) -> list[str]:
    """`java -cp ... PoiRead` with Debian's POI and the complete schemas from the poi4py package."""
    jars = [Path(f"/usr/share/java/{name}.jar") for name in DEBIAN_JARS]
    if shutil.which("javac") is None or not all(jar.exists() for jar in jars):
        _missing("Java with Apache POI (libapache-poi-java)")
    # Debian's own poi-ooxml-schemas holds about a hundred of the thousands of schema classes.
    spec = importlib.util.find_spec("poi4py")
    if spec is None or not spec.submodule_search_locations:
        _missing("the poi4py package (the test extras bring it)")
    schemas = next(Path(spec.submodule_search_locations[0]).glob("java/poi-ooxml-schemas-*.jar"))
    classes = tmp_path_factory.mktemp("poi-classes")
    classpath = ":".join(map(str, [schemas, *jars]))
    sources = [ROOT / "tests/poi/PoiRead.java", ROOT / "tests/poi/org/apache/poi/POIXMLTypeLoader.java"]
    subprocess.run(
        ["javac", "-nowarn", "-d", str(classes), "-cp", classpath, *map(str, sources)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return ["java", "-cp", f"{classes}:{classpath}", "PoiRead"]


def poi_read(command: list[str], book: Path) -> dict[str, dict[str, str]]:
    done = subprocess.run([*command, str(book)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"Apache POI could not read {book.name}:\n{done.stderr[-3000:]}"
    sheets = {}
    for line in done.stdout.splitlines():
        kind, *fields = line.split("\t")
        if kind == "sheet":
            sheets[fields[0]] = dict(field.split("=", 1) for field in fields[1:])
    return sheets


def test_poi_reads_the_plain_openpyxl_file(poi, books):
    """The reader itself works: a file written as the specification says parses completely."""
    sheets = poi_read(poi, books["plain openpyxl"])
    assert sheets["Plain"]["charts"] == "1" and sheets["Plain"]["formats"] == "1"


@pytest.mark.parametrize("name", WRITTEN)
def test_apache_poi_parses_every_part_of_every_workbook_salestrack_writes(name, poi, books):
    sheets = poi_read(poi, books[name])
    if "refreshed" in name and "Chinese" not in name:
        assert list(sheets)[-len(OUTPUT_SHEETS) :] == OUTPUT_SHEETS
        assert sheets["Tracking"]["first"].startswith("Sales tracking")
        assert int(sheets["Tracking"]["formats"]) >= 1
        assert int(sheets["Dashboard"]["charts"]) == (3 if "demo" in name or "xlsm" in name else 2)
    if name == "XlsxWriter book refreshed":
        notes = sheets["Notes"]
        assert (notes["tables"], notes["comments"], notes["validations"], notes["charts"]) == (
            "1",
            "1",
            "1",
            "1",
        )
    if name.startswith("salestrack.xlsm"):
        inputs = [
            sheet
            for sheet in sheets.values()
            if not sheet["first"].startswith(
                ("Sales tracking", "Data quality", "KPIs", "Dashboard", "How each", "History")
            )
        ]
        assert [sheet["code"] for sheet in inputs] == [f"Sheet{n}" for n in range(1, len(inputs) + 1)]
