"""salestrack.xlsm, checked by readers other than Excel: olevba, LibreOffice, the XML itself."""

import hashlib
import importlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import libreoffice
from conftest import unavailable
from lxml import etree
from oletools.olevba import VBA_Parser

from pyxl.excel import xlsm

ROOT = Path(__file__).parent.parent
COMMITTED = ROOT / "salestrack.xlsm"
UNO_PYTHON = "/usr/bin/python3"


def parts(path):
    with zipfile.ZipFile(path) as package:
        return {n: hashlib.sha256(package.read(n)).hexdigest() for n in package.namelist()}


def code_lines(text):
    return [
        line.rstrip()
        for line in text.replace("\r\n", "\n").split("\n")
        if line.strip() and not line.startswith("Attribute ")
    ]


def test_committed_workbook_matches_its_sources(tmp_path):
    rebuilt = xlsm.build(tmp_path / "salestrack.xlsm")
    assert parts(rebuilt) == parts(COMMITTED), "run `salestrack xlsm` and commit salestrack.xlsm"


def vba_modules():
    parser = VBA_Parser(str(COMMITTED))
    return {name: code for _, _, name, code in parser.extract_macros()}


def code_names():
    """The workbook's and each sheet's codeName, in sheet order, as Excel stores them."""
    with zipfile.ZipFile(COMMITTED) as package:
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        names = [workbook.find("{*}workbookPr").get("codeName")]
        for sheet in workbook.iterfind("{*}sheets/{*}sheet"):
            part = etree.fromstring(package.read("xl/" + targets[sheet.get(f"{{{R}}}id")]))
            names.append(part.find("{*}sheetPr").get("codeName"))
    return names


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_olevba_lists_the_modules_and_their_source_equals_the_bas_file():
    modules = vba_modules()
    documents = {f"{name}.cls" for name in code_names()}
    assert set(modules) == documents | {"SalesTrack.bas", "xlwings_udfs.bas"}
    source = xlsm.VBA_MODULE.read_text(encoding="utf-8")
    assert code_lines(modules["SalesTrack.bas"]) == code_lines(source)


def test_every_sheet_has_a_code_name_with_its_own_document_module_as_excel_makes_them():
    """Excel names a new workbook's modules ThisWorkbook, Sheet1, Sheet2, … and writes each
    name into the sheet's sheetPr; a module without a sheet, or a sheet without one, is what
    the issue found in the old file."""
    names = code_names()
    assert names == ["ThisWorkbook", *(f"Sheet{n}" for n in range(1, len(names)))]
    import olefile

    with zipfile.ZipFile(COMMITTED) as package:
        ole = olefile.OleFileIO(package.read("xl/vbaProject.bin"))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    declared = re.findall(r"^Document=(\w+)/&H00000000\r?$", project, re.M)
    assert declared == names
    assert re.findall(r"^Module=(\w+)\r?$", project, re.M) == ["SalesTrack", "xlwings_udfs"]


def test_cell_function_wrappers_are_xlwings_own_and_call_the_add_in_late_bound():
    """Every cell function has a wrapper written by xlwings' generator, calling XLPy, which
    SalesTrack.bas gets through Application.Run: no VBA reference to the add-in is needed."""
    from pyxl import udfs

    wrappers = vba_modules()["xlwings_udfs.bas"]
    assert code_lines(wrappers) == code_lines(xlsm.udf_module_source())
    functions = re.findall(r"^Function (\w+)\(", wrappers, re.M)
    ours = {name for name in dir(udfs) if name.isupper() and callable(getattr(udfs, name))}
    assert sorted(functions) == sorted(ours)
    for name in functions:
        assert f'{name} = XLPy.CallUDF("pyxl.udfs", "{name}", Array(' in wrappers
    assert re.search(r"^#Const App = \"Microsoft Excel\"", wrappers, re.M)
    source = xlsm.VBA_MODULE.read_text(encoding="utf-8")
    assert re.search(r"^Public Function XLPy\(\) As Object$", source, re.M)
    assert 'Set XLPy = Application.Run("xlwings.xlam!XLPy")' in source
    # The generator leaves the imported module alone: xw.func is a no-op off Windows again.
    assert not hasattr(udfs.ATTAINMENT, "__xlfunc__")


def test_wrapper_arguments_match_the_python_signatures():
    import inspect

    from pyxl import udfs

    wrappers = vba_modules()["xlwings_udfs.bas"]
    for name, arguments in re.findall(r"^Function (\w+)\(([^)]*)\)", wrappers, re.M):
        vba = [a.replace("Optional ", "").strip() for a in arguments.split(",") if a.strip()]
        python = [p for p in inspect.signature(getattr(udfs, name)).parameters if p != "caller"]
        assert vba == python, name  # xlwings passes `caller` itself


def test_ribbon_part_is_registered_and_every_action_is_a_ribbon_callback():
    with zipfile.ZipFile(COMMITTED) as package:
        rels = etree.fromstring(package.read("_rels/.rels"))
        ribbon = [r for r in rels if r.get("Type") == xlsm.RIBBON_REL]
        assert [r.get("Target") for r in ribbon] == [xlsm.RIBBON_PART]
        ui = etree.fromstring(package.read(xlsm.RIBBON_PART))
    tab = ui.find(".//{*}tab")
    assert tab.get("label") == "SalesTrack"
    labels = [b.get("label") for b in ui.iter("{*}button")]
    assert labels == ["Refresh", "Validate", "Preview emails", "Send emails", "Meeting pack", "Help"]
    source = xlsm.VBA_MODULE.read_text(encoding="utf-8")
    for button in ui.iter("{*}button"):
        action = button.get("onAction")
        assert re.search(rf"^Public Sub {action}\(control As IRibbonControl\)", source, re.M), action


def test_every_run_python_names_a_python_function_that_exists():
    source = xlsm.VBA_MODULE.read_text(encoding="utf-8")
    commands = re.findall(r'RunPython "import ([\w.]+); \1\.(\w+)\(\)"', source)
    assert len(commands) == 6
    for module, function in commands:
        assert callable(getattr(importlib.import_module(module), function)), (module, function)
    assert len(re.findall(r'RunPython "', source)) == len(commands)


def test_workbook_carries_the_demo_and_the_udf_setting():
    from openpyxl import load_workbook

    book = load_workbook(COMMITTED, keep_vba=True)
    assert book.sheetnames == [
        "Targets",
        "Actuals",
        "Team",
        "Seasonality",
        "Holidays",
        "Products",
        "Pipeline",
        "Costs",
        "Survey",
        "Settings",
        "xlwings.conf",
    ]
    conf = book["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "pyxl.udfs")


def test_libreoffice_opens_the_workbook_and_runs_its_self_test(tmp_path):
    libreoffice.require()
    if (
        not Path(UNO_PYTHON).exists()
        or subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode
    ):
        unavailable("python3-uno is not installed")
    copy = tmp_path / "salestrack.xlsm"
    shutil.copy(COMMITTED, copy)
    done = subprocess.run(
        [
            UNO_PYTHON,
            str(Path(__file__).parent / "uno_selftest.py"),
            str(copy),
            "VBAProject.SalesTrack.SalesTrackSelfTest",
            str(tmp_path / "profile"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert "VBAProject" in done.stderr


def test_product_code_never_uses_xlwings_pro():
    for path in (ROOT / "pyxl").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "xlwings.pro" not in text and "XLWINGS_LICENSE_KEY" not in text and "json=" not in text, path


def test_every_vba_module_ends_its_lines_with_cr_lf():
    """Excel's modules are CR LF."""
    for name, code in vba_modules().items():
        assert "\n" not in code.replace("\r\n", ""), f"{name} has a bare LF"
