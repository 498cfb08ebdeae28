"""The xlwings Lite front end, run through xlwings' own server dispatcher as Lite runs it.

No Excel and no Pyodide run here. Each check starts `tests/lite_dispatch.py` in a process of its
own, with fastexcel and css_inline blocked as in Pyodide and `XLWINGS_ON_SERVER=true` (xlwings
then uses the decorators and dispatcher of its server and Lite runtimes). The JSON-backed Book
stands in for Excel; the noncommercial licence key is set for the test processes only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import unavailable
from openpyxl import load_workbook
from packaging.requirements import Requirement
from xlwings_books import book_data

from pyxl import __version__, udfs
from pyxl.cli import main
from pyxl.excel.demo import write_demo

AS_OF = dt.date(2026, 11, 27)
DISPATCH = Path(__file__).parent / "lite_dispatch.py"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lite")
    result = CliRunner().invoke(main, ["lite", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def dispatch(kit: Path, *arguments: str, alone: bool = False) -> object:
    """Run the dispatcher on `kit`; `alone`: as in a workbook with nothing but Pyodide's packages,
    salestrack not installed (no site hooks, so its editable install is invisible) and openpyxl,
    lxml and keyring blocked."""
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    python = [sys.executable]
    if alone:
        import sysconfig

        env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
        env["SALESTRACK_BLOCKED"] = "openpyxl,lxml,keyring"
        python.append("-S")
    done = subprocess.run(
        [*python, str(DISPATCH), str(kit), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory) -> dict[str, list[list[object]]]:
    """The demo's input sheets as Excel would send them to a Lite script."""
    book = load_workbook(write_demo(tmp_path_factory.mktemp("demo") / "demo.xlsx", AS_OF), read_only=True)
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    sheets["Settings"] = [row for row in sheets["Settings"] if row[0] != "As Of"] + [["As Of", AS_OF]]
    return sheets


def run_script(kit: Path, name: str, sheets: dict, tmp_path: Path) -> dict:
    payload = tmp_path / "book.json"
    payload.write_text(json.dumps(book_data(sheets, "Demo.xlsx"), default=str), encoding="utf-8")
    return dispatch(kit, "script", name, str(payload))  # type: ignore[return-value]


def test_lite_writes_a_main_py_and_requirements_a_user_pastes(kit):
    main_py = (kit / "main.py").read_text(encoding="utf-8")
    assert "from pyxl.lite import *" in main_py
    assert len(main_py.splitlines()) <= 10  # a few lines over the package
    needs = [line for line in (kit / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    assert needs == [f"salestrack=={__version__}"]
    with_url = CliRunner().invoke(
        main, ["lite", str(kit / "url"), "--wheel-url", "https://example.com/s.whl"]
    )
    assert with_url.exit_code == 0 and "paste both files" in with_url.output
    assert (kit / "url" / "requirements.txt").read_text().splitlines()[-1] == "https://example.com/s.whl"
    plain = CliRunner().invoke(main, ["lite", str(kit / "plain"), "--wheel-url", "http://example.com/s.whl"])
    assert plain.exit_code == 2 and "not an https address" in plain.output
    assert not (kit / "plain").exists()
    by_name = CliRunner().invoke(main, ["lite", str(kit / "name")])
    assert (
        by_name.exit_code == 0 and "not published yet" in by_name.output and "--wheel-url" in by_name.output
    )


def test_main_py_registers_three_scripts_and_the_desktop_cell_functions_without_fastexcel(kit):
    meta = dispatch(kit, "meta")
    scripts = sorted(s["function_name"] for s in meta["scripts"])
    assert scripts == ["meeting", "preview_emails", "refresh", "validate"]
    # Only the input sheets travel from Excel: every name each goes by, English and Chinese.
    include = meta["scripts"][0]["include"].split(",")
    assert {"Targets", "目标", "Actuals", "实际", "Settings", "设置"} <= set(include)
    assert "Tracking" not in include
    functions = {f["name"]: f for f in meta["functions"]["functions"]}
    desktop = {n for n in dir(udfs) if n.isupper() and callable(getattr(udfs, n))} - {"TRACK", "TRACKING"}
    assert set(functions) == desktop
    pace = functions["PACE"]
    assert [p["name"] for p in pace["parameters"]] == [
        "actual",
        "target",
        "start_date",
        "end_date",
        "as_of",
        "method",
    ]
    assert [p.get("optional", False) for p in pace["parameters"]][-2:] == [True, True]
    assert pace["description"] == udfs.PACE.__doc__.splitlines()[0]


def test_refresh_through_the_dispatcher_writes_tracking_values_and_formats(kit, demo_inputs, tmp_path):
    after = run_script(kit, "refresh", demo_inputs, tmp_path)
    actions = after["actions"]
    added = {a["args"][1]: a["args"][0] for a in actions if a["func"] == "addSheet"}
    assert list(added) == ["Tracking", "Data Quality", "KPIs", "Dashboard", "Definitions", "History"]

    def cells(sheet: str, row: int) -> list:
        return next(
            a["values"]
            for a in actions
            if a["func"] == "setValues" and a["sheet_position"] == added[sheet] and a["start_row"] == row
        )

    header, rows = cells("Tracking", 1)[0], cells("Tracking", 2)
    assert header[:4] == ["Level", "Name", "Period", "Metric"]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["Level"], first["Name"], first["Period"], first["Metric"]) == (
        "Rep",
        "Li Wei 李伟",
        "2026-01",
        "Revenue",
    )
    assert first["Attainment"] == pytest.approx(first["Actual"] / first["Target"])
    assert first["Status"] == ("Achieved" if first["Actual"] >= first["Target"] else "Missed")
    on_tracking = [a for a in actions if a.get("sheet_position") == added["Tracking"]]
    formats = {a["args"][0] for a in on_tracking if a["func"] == "setNumberFormat"}
    assert "0.0%" in formats and any("¥" in f for f in formats)
    assert sum(a["func"] == "addConditionalFormat" for a in on_tracking) >= 7  # statuses and the data bar
    assert any(a["func"] == "freezePaneAtRange" for a in on_tracking)
    assert sum(a["func"] == "addChart" for a in actions) == 3  # the Dashboard's
    assert any(a["func"] == "alert" and "As of 2026-11-27" in json.dumps(a["args"]) for a in actions)


def test_preview_emails_puts_every_summary_on_a_sheet(kit, demo_inputs, tmp_path):
    after = run_script(kit, "preview_emails", demo_inputs, tmp_path)
    actions = after["actions"]
    [position] = [
        a["args"][0] for a in actions if a["func"] == "addSheet" and a["args"][1] == "Email Preview"
    ]
    on_sheet = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == position]
    header = next(a["values"][0] for a in on_sheet if a["start_row"] == 1)
    rows = next(a["values"] for a in on_sheet if a["start_row"] == 2)
    assert header == ["For", "Name", "Email", "Subject", "Message"]
    assert {row[0] for row in rows} == {"rep", "manager"}
    assert any(row[1] == "Li Wei 李伟" and "Hi Li Wei 李伟" in row[4] for row in rows)
    assert any(a["func"] == "setWrapText" for a in actions)


def test_a_broken_workbook_gets_a_message_not_a_traceback(kit, tmp_path):
    after = run_script(kit, "refresh", {"Notes": [["nothing here"]]}, tmp_path)
    alerts = [a for a in after["actions"] if a["func"] == "alert"]
    assert alerts and "Targets" in json.dumps(alerts[0]["args"], ensure_ascii=False)


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("ATTAINMENT", [870, 1000]),
        ("VARIANCE_PCT", [[[90], [120]], [[100], [100]]]),
        ("PACE", [400, 1000, dt.date(2025, 5, 1), dt.date(2025, 5, 31), dt.date(2025, 5, 15)]),
        ("STATUS", [400, 1000, dt.date(2025, 5, 1), dt.date(2025, 5, 31), dt.date(2025, 5, 15), "workdays"]),
        ("CLTV", [1000, 0.5, 0.6]),
        ("NPS", [[[10], [9], [2]]]),
        ("CSAT", [[[6]]]),
        (
            "FORECAST_RANGE",
            [
                "Ann",
                "2025-05",
                "Revenue",
                [
                    [
                        "Name",
                        "Period",
                        "Metric",
                        "Forecast",
                        "Forecast Low",
                        "Forecast High",
                        "Forecast Method",
                    ],
                    ["Ann", "2025-05", "Revenue", 1240.0, 1100.0, 1500.0, "pattern"],
                ],
            ],
        ),
    ],
)
def test_cell_functions_give_the_desktop_results(kit, tmp_path, name, arguments):
    def as_excel_sends(value):
        value = excel_serial(value) if isinstance(value, dt.date) else value
        return value if isinstance(value, list) else [[value]]

    call = {
        "func_name": name,
        "args": [as_excel_sends(a) for a in arguments],
        "version": "officejs",
        "client": "Office.js",
        "caller_address": "Sheet1!A1",
        "runtime": "1.4",  # the Office.js requirement set the add-in reports
    }
    calls = tmp_path / "calls.json"
    calls.write_text(json.dumps([call]))
    [result] = dispatch(kit, "functions", str(calls))
    desktop = getattr(udfs, name)(*arguments)
    as_grid = desktop if isinstance(desktop, list) else [[desktop]]
    assert result == json.loads(json.dumps(as_grid)), (result, as_grid)


# The Pyodide xlwings Lite runs: its changelog (1.0.0.0-12, April 2025) says "Upgraded to Pyodide
# 0.27.5", and no later entry changes it. .ci/run fetches this version's package list.
LITE_PYODIDE = "0.27.5"


def pyodide_lock() -> dict:
    """The package list of the Pyodide xlwings Lite runs, from the npm package (.ci/run fetches it)."""
    found = sorted((ROOT / ".ci" / "cache").glob(f"pyodide-{LITE_PYODIDE}/package/pyodide-lock.json"))
    if not found:
        unavailable(
            f"no pyodide-lock.json: run `npm pack pyodide@{LITE_PYODIDE}` into .ci/cache (see .ci/run)"
        )
    lock = json.loads(found[-1].read_text(encoding="utf-8"))
    assert lock["info"]["version"] == LITE_PYODIDE
    return lock


def wheel_is_pure(name: str) -> bool:
    """Whether the installed distribution came from a py3-none-any wheel, which micropip installs."""
    from importlib import metadata

    wheel = metadata.distribution(name).read_text("WHEEL") or ""
    return "Root-Is-Purelib: true" in wheel and re.search(r"^Tag: py3-none-any$", wheel, re.M) is not None


def test_every_requirement_and_theirs_installs_in_pyodide():
    """Each dependency Pyodide would install (markers evaluated as in Pyodide), and each of theirs,
    is built by Pyodide in a version we allow, or is pure Python; xlwings comes with xlwings Lite."""
    from importlib import metadata

    lock = pyodide_lock()
    packages = lock["packages"]
    pyodide = {"sys_platform": "emscripten", "platform_system": "Emscripten", "extra": ""}
    pyodide["python_version"] = ".".join(lock["info"]["python"].split(".")[:2])
    wanted = [Requirement(r) for r in metadata.requires("salestrack") or []]
    installs = [r for r in wanted if r.marker is None or r.marker.evaluate(pyodide)]
    skipped = {r.name for r in wanted} - {r.name for r in installs} - {"pytest"}
    assert {"fastexcel", "css-inline", "click", "keyring", "python-pptx"} <= skipped
    seen: set[str] = set()
    while installs:
        requirement = installs.pop()
        key = requirement.name.lower().replace("_", "-")
        if key in seen or key == "xlwings":
            continue
        seen.add(key)
        if key in packages:
            # Pyodide's own build, whose dependencies Pyodide provides too.
            assert requirement.specifier.contains(packages[key]["version"], prereleases=True), (
                requirement,
                packages[key]["version"],
            )
            continue
        assert wheel_is_pure(requirement.name), f"{requirement.name} is neither in Pyodide nor pure Python"
        for text in metadata.requires(requirement.name) or []:
            theirs = Requirement(text)
            if theirs.marker is None or theirs.marker.evaluate(pyodide):
                installs.append(theirs)
    assert {"openpyxl", "et-xmlfile", "pypinyin", "pandas"} <= seen


def test_the_bundled_main_py_works_with_no_package_index_and_no_salestrack_installed(
    tmp_path, demo_inputs, kit
):
    bundled = tmp_path / "bundled"
    result = CliRunner().invoke(main, ["lite", str(bundled), "--bundle"])
    assert result.exit_code == 0 and "no package index is needed" in result.output
    size = (bundled / "main.py").stat().st_size
    assert size < 400_000  # a workbook carries it easily (measured: about 220 KB)
    requirements = [
        line for line in (bundled / "requirements.txt").read_text().splitlines() if not line.startswith("#")
    ]
    lock = pyodide_lock()["packages"]
    assert requirements and all(name in lock for name in requirements)
    meta = dispatch(bundled, "meta", alone=True)
    assert ".zip" in meta["pyxl"] and "salestrack-" in meta["pyxl"]
    scripts = sorted(s["function_name"] for s in meta["scripts"])
    assert scripts == ["meeting", "preview_emails", "refresh", "validate"]
    plain = run_script(kit, "refresh", demo_inputs, tmp_path)
    payload = tmp_path / "book.json"
    payload.write_text(json.dumps(book_data(demo_inputs, "Demo.xlsx"), default=str), encoding="utf-8")
    alone = dispatch(bundled, "script", "refresh", str(payload), alone=True)
    values = lambda book: [a["values"] for a in book["actions"] if a["func"] == "setValues"]  # noqa: E731
    assert values(alone) == values(plain)
