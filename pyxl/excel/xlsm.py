"""Build salestrack.xlsm from its text sources: the VBA module, the ribbon XML and the demo sheets.

pyOpenVBA writes the VBA project (source-only modules, as MS-OVBA requires, into an Office-made
template); the sheets go in through the same package code as `refresh`; the ribbon is a
customUI14 part with its relationship in _rels/.rels. The build is deterministic, so a test can
rebuild it and compare with the committed file.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from pyopenvba import ExcelFile

from pyxl.adapters import xlsxpackage
from pyxl.excel.demo import write_demo

SOURCES = Path(__file__).parent
VBA_MODULE = SOURCES / "SalesTrack.bas"
RIBBON = SOURCES / "customUI14.xml"
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
DEMO_AS_OF = dt.date(2026, 11, 27)
XLWINGS_CONF = [["UDF Modules", "pyxl.udfs"], ["Show Console", False]]


def module_source() -> str:
    """The module as the VBA project holds it: the .bas file without its Attribute header, every
    line ended by CR LF as in the modules Excel writes."""
    lines = VBA_MODULE.read_text(encoding="utf-8").splitlines()
    return "".join(f"{line}\r\n" for line in lines if not line.startswith("Attribute VB_Name"))


def _sheets_workbook(folder: Path) -> tuple[bytes, list[str]]:
    """The demo sheets plus xlwings.conf, as a scratch workbook."""
    demo = write_demo(folder / "demo.xlsx", DEMO_AS_OF)
    book = load_workbook(demo)
    conf = book.create_sheet("xlwings.conf")
    for row in XLWINGS_CONF:
        conf.append(row)
    conf.column_dimensions["A"].width = 16
    conf.column_dimensions["B"].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), book.sheetnames


def build(destination: Path) -> Path:
    """Write salestrack.xlsm to `destination`."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "salestrack.xlsm"
        with ExcelFile.create_new(str(work)) as excel:
            project = excel.vba_project()
            project.delete_module("Module1")
            project.add_module("SalesTrack", module_source())
            excel.save()
        scratch, names = _sheets_workbook(Path(folder))
        package = xlsxpackage.Package(work)
        try:
            _rename_first_sheet(package, names[0])
            xlsxpackage.replace_sheets(package, scratch, names)
            _add_ribbon(package)
            package.save(work)
        finally:
            package.close()
        shutil.copyfile(work, destination)
    return destination


def _rename_first_sheet(package: xlsxpackage.Package, name: str) -> None:
    """The template's Sheet1 becomes the first demo sheet, so no empty sheet is left over."""
    part = xlsxpackage.find_workbook_part(package.read)
    workbook = xlsxpackage.parse_xml(package.read(part))
    workbook.find(f"{xlsxpackage.M}sheets")[0].set("name", name)
    package.write(part, xlsxpackage.xml_bytes(workbook))


def _add_ribbon(package: xlsxpackage.Package) -> None:
    package.write(RIBBON_PART, RIBBON.read_bytes())
    rels = package.relationships("")
    for rel in rels.findall(f"{{{xlsxpackage.PKG_REL_NS}}}Relationship"):
        if rel.get("Type") == RIBBON_REL:
            rels.remove(rel)
    etree.SubElement(
        rels,
        f"{{{xlsxpackage.PKG_REL_NS}}}Relationship",
        Id="salestrackRibbon",
        Type=RIBBON_REL,
        Target=RIBBON_PART,
    )
    package.write("_rels/.rels", xlsxpackage.xml_bytes(rels))


if __name__ == "__main__":
    print(build(Path(__file__).resolve().parents[2] / "salestrack.xlsm"))
