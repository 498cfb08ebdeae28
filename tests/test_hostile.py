"""Workbooks from anywhere: each hostile file is built here, and salestrack must answer with one
sentence and a clear exit status, never crash, inject, leak, or lose a byte of the user's file."""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import D, basic_sheets, write_book
from lxml import etree

from pyxl import pipeline
from pyxl.adapters import mail, xlsxguard
from pyxl.cli import main

AS_OF = "2025-05-15"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
T = f"{{{NS['m']}}}t"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def capped(*args) -> subprocess.CompletedProcess:
    """salestrack in a process of its own with 4 GB of address space: should a check regress, the
    reader's giant allocation fails there instead of taking the test run down with it."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    command = [sys.executable, "-m", "pyxl", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, preexec_fn=limit, timeout=300)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(result, *words: str) -> None:
    """Exit status 2, one line naming the problem, no traceback."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "something went wrong" not in result.output
    for word in words:
        assert word in lines[0], lines[0]


def no_leftovers(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.name.endswith(".salestrack-tmp")]


def rewrite(path: Path, change) -> Path:
    """Copy the package entry by entry, letting `change(name, data)` return new bytes or None to drop it."""
    entries = []
    with zipfile.ZipFile(path) as package:
        for info in package.infolist():
            data = change(info.filename, package.read(info.filename))
            if data is not None:
                entries.append((info.filename, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:
            package.writestr(name, data)
    return path


def sheet_xml(path: Path, title: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        book = etree.fromstring(package.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.find("m:sheets", NS)]
        return etree.fromstring(package.read(f"xl/worksheets/sheet{names.index(title) + 1}.xml"))


def hostile_names(tmp_path):
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", '=HYPERLINK("http://evil.example/","click")', None, 500])
    sheets["Targets"].append(["2025-05", "Revenue", "=1+1", None, 500])
    sheets["Actuals"].append(["=2+2", "Ann", "Widget", "O-99", 10])
    sheets["Actuals"].append([D(2025, 5, 2), "-Dave", "Widget", "@O-98", 10])
    return write_book(tmp_path / "hostile.xlsx", sheets)


def test_text_from_the_workbook_is_never_a_formula_on_any_sheet(tmp_path):
    book = hostile_names(tmp_path)
    assert run("refresh", book, "--as-of", AS_OF).exit_code == 0
    with zipfile.ZipFile(book) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name), name
    tracking = sheet_xml(book, "Tracking")
    texts = {t.text for t in tracking.iter(T)}
    assert '=HYPERLINK("http://evil.example/","click")' in texts and "=1+1" in texts
    quality = sheet_xml(book, "Data Quality")
    assert "=2+2" in {t.text for t in quality.iter(T)}


def test_text_that_looks_like_markup_is_written_as_that_text(tmp_path):
    """XlsxWriter takes text from <r> to </r> for rich-text markup and writes it unescaped: a
    name typed so reaches the sheet as that text, and the sheet stays well-formed."""
    sheets = basic_sheets()
    name = "<r>Ann & Bo</r>"
    sheets["Targets"].append(["2025-05", "Revenue", name, None, 500])
    sheets["Actuals"].append([D(2025, 5, 2), name, "Widget", "O-97", 10])
    book = write_book(tmp_path / "markup.xlsx", sheets)
    assert run("refresh", book, "--as-of", AS_OF).exit_code == 0
    tracking = sheet_xml(book, "Tracking")  # an unescaped & would not parse
    assert name in {t.text for t in tracking.iter(T)}


def test_csv_fields_that_a_spreadsheet_would_run_get_a_quote(tmp_path):
    book = hostile_names(tmp_path)
    rows = list(csv.DictReader(io.StringIO(run("track", book, "--as-of", AS_OF, "--format", "csv").output)))
    names = {row["Name"] for row in rows}
    assert "'=1+1" in names and '\'=HYPERLINK("http://evil.example/","click")' in names
    assert not any(v.startswith(("=", "+", "@")) for row in rows for v in row.values())
    assert any(row["Variance"].startswith("-") for row in rows)  # numbers stay numbers
    problems = list(csv.DictReader(io.StringIO(run("validate", book, "--format", "csv").output)))
    assert "'=2+2" in {p["Value"] for p in problems}


def test_the_open_workbook_gets_text_not_formulas(monkeypatch):
    from xlwings_books import actions, json_book, refresh_live

    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", "=1+1", None, 500])
    book = json_book(monkeypatch, sheets)
    refresh_live(book, dt.date(2025, 5, 15))
    written = [v for a in actions(book, "setValues") for row in a["values"] for v in row]
    assert "'=1+1" in written and "=1+1" not in written


def test_dates_outside_what_a_workbook_holds_skip_their_row(tmp_path):
    sheets = basic_sheets()
    sheets["Actuals"].append(["1066-10-14", "Ann", "Widget", "O-1066", 999])
    sheets["Team"] = [
        ["Rep", "Team", "Start Date", "End Date"],
        ["Ann", "East", D(2020, 1, 1), "9999-12-31"],
        ["Bob", "East", D(2020, 1, 1), "1850-01-01"],
    ]
    sheets["Holidays"] = [["Date", "Name"], ["3000-01-01", "far"], [D(2025, 5, 1), "May Day"]]
    book = write_book(tmp_path / "dates.xlsx", sheets)
    result = run("validate", book, "--format", "json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.output)
    outside = [p for p in problems if "before 1900 or after 2262" in p["Problem"]]
    assert {(p["Sheet"], p["Value"]) for p in outside} >= {
        ("Actuals", "1066-10-14"),
        ("Holidays", "3000-01-01"),
    }
    assert not [p for p in problems if p["Value"].startswith("9999")]  # still employed
    assert [p for p in problems if p["Sheet"] == "Team" and p["Value"].startswith("1850")]
    assert run("refresh", book, "--as-of", AS_OF).exit_code == 0


def test_infinities_and_nan_are_bad_values(tmp_path):
    sheets = basic_sheets()
    sheets["Actuals"] += [
        [D(2025, 5, 3), "Ann", "Widget", "O-i", "inf"],
        [D(2025, 5, 3), "Ann", None, "x", "1e309"],
    ]
    sheets["Actuals"].append([D(2025, 5, 3), "Bob", None, "y", "NaN"])
    sheets["Targets"].append(["2025-06", "Revenue", "Ann", None, "-inf"])
    book = write_book(tmp_path / "inf.xlsx", sheets)
    problems = json.loads(run("validate", book, "--format", "json").output)
    bad = [p for p in problems if "finite" in p["Problem"]]
    assert sorted(p["Value"] for p in bad) == ["-inf", "1e309", "NaN", "inf"]
    output = run("track", book, "--as-of", AS_OF, "--format", "json").stdout
    assert "Infinity" not in output and "NaN" not in output
    ann = next(r for r in json.loads(output) if r["Name"] == "Ann" and r["Metric"] == "Revenue")
    assert ann["Actual"] == 600


def test_a_stray_cell_at_the_grids_end_is_reported_and_read_around_not_allocated(tmp_path):
    from openpyxl import load_workbook

    book = write_book(tmp_path / "stray.xlsx", basic_sheets())
    workbook = load_workbook(book)
    workbook["Actuals"]["XFD1048576"] = "x"
    workbook.save(book)
    done = capped("validate", book, "--format", "json")
    assert done.returncode == 0, done.stderr
    [stray] = [p for p in json.loads(done.stdout) if "Ctrl+End" in p["Problem"]]
    assert (stray["Sheet"], stray["Cell"], stray["Severity"]) == ("Actuals", "XFD1048576", "warning")
    tracked = capped("track", book, "--as-of", AS_OF, "--format", "json")
    ann = next(r for r in json.loads(tracked.stdout) if r["Name"] == "Ann" and r["Metric"] == "Revenue")
    assert ann["Actual"] == 600
    assert capped("refresh", book, "--as-of", AS_OF).returncode == 0
    assert load_workbook(book, read_only=True)["Actuals"]["XFD1048576"].value == "x"  # never written
    assert not list(Path(tempfile.gettempdir()).glob("salestrack-read-*"))


def test_a_sheet_full_of_far_cells_is_still_refused(tmp_path):
    book = write_book(tmp_path / "wide.xlsx", basic_sheets())
    far = b"".join(
        b'<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r)
        for r in range(1048400, 1048576)
    )
    rewrite(
        book,
        lambda name, data: (
            data.replace(b"</sheetData>", far + b"</sheetData>")
            if name == "xl/worksheets/sheet2.xml"
            else data
        ),
    )
    done = capped("track", book)
    assert done.returncode == 2 and "Ctrl+End" in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_stray_cell_behind_a_lying_dimension_is_found(tmp_path):
    book = write_book(tmp_path / "lying.xlsx", basic_sheets())

    def plant(name, data):
        if name == "xl/worksheets/sheet2.xml":
            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:E8"/>', data)
            data = data.replace(
                b"</sheetData>",
                b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            )
        return data

    rewrite(book, plant)
    done = capped("validate", book, "--format", "json")
    assert done.returncode == 0 and "XFD1048576" in done.stdout, done.stderr


def test_zip_bombs_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxguard, "RATIO_CHECKED_ABOVE", 1 << 20)
    book = write_book(tmp_path / "bomb.xlsx", basic_sheets())
    padding = b" " * (8 << 20)
    rewrite(
        book,
        lambda name, data: (
            data.replace(b"<sheetData>", b"<sheetData>" + padding, 1)
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    before = digest(book)
    one_sentence(run("refresh", book), "zip bomb", "xl/worksheets/sheet1.xml")
    assert digest(book) == before
    no_leftovers(tmp_path)


def test_a_panic_in_the_reader_is_one_sentence_and_ctrl_c_exits_130(tmp_path, monkeypatch):
    from pyxl.adapters import filebook

    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    book = write_book(tmp_path / "p.xlsx", basic_sheets())

    def panic(*_):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(filebook.fastexcel, "read_excel", panic)
    one_sentence(run("track", book), "p.xlsx")

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(filebook.fastexcel, "read_excel", interrupted)
    assert run("track", book).exit_code == 130


def test_an_actuals_sheet_with_only_its_header_refreshes(tmp_path):
    sheets = basic_sheets()
    sheets["Actuals"] = sheets["Actuals"][:1]
    book = write_book(tmp_path / "new-period.xlsx", sheets)
    result = run("refresh", book, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert run("kpis", book, "--as-of", AS_OF).exit_code == 0


def test_control_characters_are_written_safely_and_never_echoed(tmp_path):
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", "Eve_x0007__x001B_[31m", None, 500])
    sheets["Actuals"].append([D(2025, 5, 2), "Eve_x0007__x001B_[31m", None, "O-7", 50])
    book = write_book(tmp_path / "bell.xlsx", sheets)
    result = run("refresh", book, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    for command in (["track", book, "--as-of", AS_OF], ["track", book, "--as-of", AS_OF, "--format", "csv"]):
        output = run(*command).output
        assert "\x07" not in output and "\x1b" not in output
        assert "Eve\\x07\\x1b" in output


def test_one_address_per_email_cell(tmp_path):
    sheets = basic_sheets()
    sheets["Team"] = [
        ["Rep", "Email", "Team", "Manager", "Manager Email"],
        ["Ann", "ann@example.com,evil@x.example", "East", "Mia", "mia@example.com"],
        ["Bob", "bob@example.com", "East", "Mia", "mia@example.com; boss@x.example"],
    ]
    book = write_book(tmp_path / "lists.xlsx", sheets)
    problems = json.loads(run("validate", book, "--format", "json").output)
    listed = [p for p in problems if "one address" in p["Problem"]]
    assert {p["Value"] for p in listed} == {
        "ann@example.com,evil@x.example",
        "mia@example.com; boss@x.example",
    }
    result = run("email", book, "--as-of", AS_OF, "--out", tmp_path / "drafts")
    assert result.exit_code == 0
    assert "No email address for Ann" in result.output
    drafts = "".join(p.read_text(errors="replace") for p in (tmp_path / "drafts").glob("*.eml"))
    assert "evil@x.example" not in drafts and "boss@x.example" not in drafts


def test_a_second_targets_sheet_is_an_error_naming_both(tmp_path):
    sheets = basic_sheets() | {"目标": [["期间", "代表", "目标值"], ["2025-05", "Ann", 900]]}
    book = write_book(tmp_path / "two.xlsx", sheets)
    result = run("validate", book)
    assert result.exit_code == 1
    assert "目标" in result.output and "Targets" in result.output


@pytest.mark.parametrize(
    ("break_it", "words"),
    [
        (
            lambda name, data: None if name == "[Content_Types].xml" else data,
            ("damaged", "[Content_Types].xml"),
        ),
        (lambda name, data: None if name == "xl/worksheets/sheet2.xml" else data, ("damaged", "sheet2.xml")),
        (
            lambda name, data: data[: len(data) // 2] if name == "xl/worksheets/sheet2.xml" else data,
            ("damaged", "Actuals"),
        ),
        (
            lambda name, data: (
                b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + data
                if name == "xl/styles.xml"
                else data
            ),
            ("DTD",),
        ),
        (lambda name, data: None if name == "xl/styles.xml" else data, ("damaged", "xl/styles.xml")),
    ],
    ids=["no-content-types", "no-sheet-part", "cut-sheet-xml", "billion-laughs", "no-styles"],
)
def test_damaged_packages_are_named_for_what_they_are(tmp_path, break_it, words):
    book = rewrite(write_book(tmp_path / "hostile.xlsx", basic_sheets()), break_it)
    before = digest(book)
    for command in ("track", "refresh", "validate"):
        one_sentence(run(command, book), *words)
    assert digest(book) == before
    no_leftovers(tmp_path)


def test_a_bad_crc_names_the_damaged_part(tmp_path):
    book = write_book(tmp_path / "crc.xlsx", basic_sheets())
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as package:
        info = package.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    book.write_bytes(bytes(data))
    one_sentence(run("track", book), "damaged")


def test_old_xls_and_encrypted_workbooks_are_named(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(xlsxguard.OLE_SIGNATURE + b"\0" * 600)
    one_sentence(run("refresh", old, "--out", tmp_path / "new.xlsx"), ".xls", "save it as .xlsx")
    assert not (tmp_path / "new.xlsx").exists()
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(xlsxguard.OLE_SIGNATURE + b"\0" * 600 + xlsxguard.ENCRYPTION_STREAM + b"\0" * 64)
    one_sentence(run("track", locked), "password-protected")


def test_a_read_only_workbook_is_not_replaced(tmp_path):
    book = write_book(tmp_path / "ro.xlsx", basic_sheets())
    book.chmod(0o444)
    before = digest(book)
    one_sentence(run("refresh", book, "--as-of", AS_OF), "read-only")
    assert digest(book) == before and (book.stat().st_mode & 0o777) == 0o444
    no_leftovers(tmp_path)


def test_refresh_keeps_mode_and_a_new_copy_follows_the_umask(tmp_path):
    book = write_book(tmp_path / "modes.xlsx", basic_sheets())
    book.chmod(0o640)
    assert run("refresh", book, "--as-of", AS_OF).exit_code == 0
    assert book.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        assert run("refresh", book, "--as-of", AS_OF, "--out", tmp_path / "copy.xlsx").exit_code == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "copy.xlsx").stat().st_mode & 0o777 == 0o644


def test_a_save_by_another_program_during_refresh_is_kept(tmp_path, monkeypatch):
    from pyxl.adapters import xlsxrender

    book = write_book(tmp_path / "busy.xlsx", basic_sheets())
    render = xlsxrender.render_workbook

    def meanwhile(specs):
        # The user saves in Excel while salestrack formats the sheets.
        write_book(book, basic_sheets() | {"Notes": [["saved by the user"]]})
        return render(specs)

    monkeypatch.setattr(xlsxrender, "render_workbook", meanwhile)
    result = run("refresh", book, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Tracking" not in sheet_names(book) and "Notes" in sheet_names(book)
    beside = tmp_path / "busy (SalesTrack 1).xlsx"
    assert beside.exists() and "Tracking" in sheet_names(beside)
    assert "changed while salestrack worked" in result.output and str(beside) in result.output
    no_leftovers(tmp_path)


def sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        book = etree.fromstring(package.read("xl/workbook.xml"))
    return [s.get("name") for s in book.find("m:sheets", NS)]


def test_templates_beside_a_workbook_run_sandboxed(tmp_path):
    book = write_book(tmp_path / "team.xlsx", basic_sheets())
    (tmp_path / "templates" / "en").mkdir(parents=True)
    marker = tmp_path / "pwned"
    (tmp_path / "templates" / "en" / "rep.subject.txt").write_text(
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
    )
    one_sentence(run("email", book, "--as-of", AS_OF), "template")
    assert not marker.exists()


def test_an_unwritable_ledger_stops_before_the_first_message(tmp_path, monkeypatch):
    book = write_book(tmp_path / "team.xlsx", basic_sheets())
    ledger = mail.Ledger.beside(book)
    ledger.path.mkdir()  # a folder where the ledger file should be: it cannot be appended to
    tracking = pipeline.track_file(book, dt.date(2025, 5, 15))
    run_ = pipeline.prepare_emails(tracking, book)
    sent = []
    monkeypatch.setattr(mail, "connect", lambda settings: sent.append("connected"))
    tracking.settings.email_from, tracking.settings.smtp_host = "ops@example.com", "localhost"
    with pytest.raises(mail.EmailSetupError) as refused:
        pipeline.send_prepared(run_, book)
    assert refused.value.key == "ledger_unwritable" and not sent


def test_a_ledger_cut_mid_line_keeps_its_whole_lines(tmp_path):
    path = tmp_path / "team.salestrack-sent.jsonl"
    path.write_text('{"key": "a"}\n{"key": "b"}\n{"key": "c", "to": "x@', encoding="utf-8")
    ledger = mail.Ledger(path)
    assert ledger.sent == {"a", "b"} and ledger.unreadable_lines == 1
    from types import SimpleNamespace

    message = SimpleNamespace(
        key="d",
        subject="s",
        summary=SimpleNamespace(recipient=SimpleNamespace(email="d@x.example"), periods=[]),
    )
    ledger.record(message, AS_OF)
    assert mail.Ledger(path).sent == {"a", "b", "d"}
