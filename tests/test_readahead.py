"""The Actuals sheet read on another thread while pandas loads, and taken only when it is still right."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import basic_sheets, write_book

from pyxl import cli, pipeline
from pyxl.adapters import actualscache, readahead
from pyxl.adapters.filebook import FileWorkbook
from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.inputs import load_inputs


def started(path: Path) -> bool:
    return (path.resolve(), "Actuals") in readahead._reads


def test_the_read_ahead_gives_the_cells_the_usual_read_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", str(tmp_path / "cache"))
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    readahead.start(book)
    assert started(book)
    taken = readahead.take(book, "Actuals")
    assert taken is not None and readahead.take(book, "Actuals") is None  # taken once
    readahead.start(book)
    ahead = FileWorkbook(book).read_sheet("Actuals")
    assert not started(book)
    usual = FileWorkbook(book).read_sheet("Actuals")
    assert ahead.cells.equals(usual.cells) and list(ahead.cells.columns) == taken.columns
    assert ahead.typed is not None and usual.typed is not None
    assert taken.batch.to_pandas().set_axis(taken.columns, axis=1).equals(usual.typed.frame)


def test_no_read_ahead_where_the_cache_holds_the_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", str(tmp_path / "cache"))
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    pipeline.track_file(book)  # fills the cache
    with readahead.reading_ahead(book):
        assert not started(book)
        assert len(actualscache._ahead) == 1  # the cache's entry is read instead
    assert not actualscache._ahead  # and dropped when no load took it
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")  # no cache: the sheet is always read
    readahead.start(book)
    assert started(book)
    readahead.take(book, "Actuals")


def test_cells_read_before_the_file_changed_are_not_taken(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    sheets = basic_sheets()
    book = write_book(tmp_path / "book.xlsx", sheets)
    readahead.start(book)
    sheets["Actuals"][1][-1] = 999
    write_book(book, sheets)  # saved again, as Excel would, while the read ran
    os.utime(book, ns=(0, 0))  # another time, whatever the clock's resolution
    assert readahead.take(book, "Actuals") is None
    assert not started(book)


def test_a_workbook_without_an_actuals_sheet_or_that_is_no_workbook_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    sheets = basic_sheets()
    del sheets["Actuals"]
    book = write_book(tmp_path / "book.xlsx", sheets)
    readahead.start(book)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    readahead.start(broken)
    readahead.start(tmp_path / "missing.xlsx")
    assert not started(book) and not started(broken) and not readahead._reads


def test_refresh_on_the_command_line_takes_the_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", str(tmp_path / "cache"))
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    taken: list[object] = []
    take = readahead.take

    def spy(path: Path, name: str):
        found = take(path, name)
        taken.append(found if found is None else name)
        return found

    monkeypatch.setattr(readahead, "take", spy)
    result = CliRunner().invoke(cli.main, ["refresh", str(book), "--as-of", "2025-05-15"])
    assert result.exit_code == 0, result.output
    assert "Actuals" in taken and not readahead._reads
    taken.clear()  # again: the cache holds the cells now, so nothing is read ahead
    result = CliRunner().invoke(cli.main, ["refresh", str(book), "--as-of", "2025-05-15"])
    assert result.exit_code == 0, result.output
    assert "Actuals" not in taken


def test_a_read_the_command_did_not_take_is_dropped(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    sheets = basic_sheets()
    del sheets["Targets"]  # the command stops before it reads the Actuals
    book = write_book(tmp_path / "book.xlsx", sheets)
    with readahead.reading_ahead(book):
        assert started(book)
    assert not started(book)
    result = CliRunner().invoke(cli.main, ["track", str(book)])
    assert result.exit_code == 2 and "Targets" in result.output
    assert not readahead._reads


def test_an_actuals_sheet_under_its_chinese_name_is_read_ahead(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    sheets = basic_sheets()
    sheets["实际"] = sheets.pop("Actuals")
    book = write_book(tmp_path / "销售目标.xlsx", sheets)
    readahead.start(book)
    assert (book.resolve(), "实际") in readahead._reads
    assert FileWorkbook(book).read_sheet("实际").cells.equals(FileWorkbook(book).read_sheet("实际").cells)
    assert not readahead._reads


def test_on_linux_the_read_ahead_thread_shares_the_main_heap(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    calls: list[tuple[int, int]] = []

    class FakeC:
        def __init__(self, _name: object) -> None:
            pass

        def mallopt(self, option: int, value: int) -> int:
            calls.append((option, value))
            return 1

    monkeypatch.setattr(readahead.ctypes, "CDLL", FakeC)
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    monkeypatch.setattr(readahead.sys, "platform", "linux")
    with readahead.reading_ahead(book):
        assert started(book)
    assert calls == [(readahead.M_ARENA_MAX, 1)]
    monkeypatch.setattr(readahead.sys, "platform", "win32")
    with readahead.reading_ahead(book):
        assert started(book)
    assert len(calls) == 1  # nothing to do elsewhere

    def no_c_library(_name: object) -> None:
        raise OSError("no such library")

    monkeypatch.setattr(readahead.sys, "platform", "linux")
    monkeypatch.setattr(readahead.ctypes, "CDLL", no_c_library)
    with readahead.reading_ahead(book):
        assert started(book)  # the read goes ahead all the same


def test_the_read_begins_before_pandas_is_imported(tmp_path):
    """The read's head start is the import of pandas (0.4 s): starting it must not import pandas,
    or the read waits for what it should overlap."""
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    code = (
        "import sys\nfrom pyxl.adapters import readahead\n"
        f"readahead.start(__import__('pathlib').Path({str(book)!r}))\n"
        "print(bool(readahead._reads), 'pandas' in sys.modules)"
    )
    env = {**os.environ, "SALESTRACK_CACHE_DIR": "off"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == ["True", "False"]


# ------------------------------------------------------------- the Actuals sheet read typed

D = dt.datetime
HEADER = ["Date", "Rep", "Amount", "Units", "Order ID", "Allocated %"]
CLEAN_ROWS = [  # every Date a date cell, every Amount a number: typed columns, blanks and all
    [D(2025, 5, 1), "Ann", 100.5, 2, 1001, None],
    [D(2025, 5, 2, 15, 30), "Bob", 2000, None, 1002, 0.5],
    [D(2025, 5, 2), "Ann", 0.1 + 0.2, 3, 1002, 0.5],
    [None, "Ann", 20, 1, 1003, None],
    [D(2025, 5, 4), "Ann", None, 1, 1004, None],
    [D(9999, 12, 31), "Bob", 5, 1, 1005, None],
    [D(2025, 5, 6), "Bob", "#N/A", 1, 1006, None],  # an error cell, blank either way
]
CARELESS_ROWS = [  # the same columns holding text, serials and blanks among the numbers and dates
    [D(2025, 5, 1), "Ann", "1,200", "3", "SO-1", "50%"],
    ["2025/5/3", "Ann", " 300 ", 1, 1004, 0.5],
    [45780, "Bob", 10, 1, 1005, None],
    [D(2025, 5, 5), "Bob", "abc", 1, 1008, None],
]


def _both_ways(book: Path, monkeypatch) -> tuple[RawSheet, list[pd.DataFrame], list[pd.DataFrame]]:
    """The Actuals sheet as read, and (clean actuals, issues) read typed and read as text."""
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    raw = FileWorkbook(book).read_sheet("Actuals")
    typed = load_inputs(FileWorkbook(book))
    with monkeypatch.context() as text_only:
        text_only.setattr(readahead, "_typed", lambda *args: None)
        text = load_inputs(FileWorkbook(book))
    return raw, [typed.actuals, typed.issues.frame()], [text.actuals, text.issues.frame()]


@pytest.mark.parametrize("rows", [CLEAN_ROWS, CARELESS_ROWS, CLEAN_ROWS + CARELESS_ROWS])
def test_the_actuals_read_typed_clean_as_the_cells_read_as_text(tmp_path, monkeypatch, rows):
    sheets = basic_sheets() | {"Actuals": [["Sales export"], [], HEADER, *rows]}
    raw, typed, text = _both_ways(write_book(tmp_path / "book.xlsx", sheets), monkeypatch)
    assert raw.typed is not None and raw.typed.header == 2  # below the title, found before the read
    kinds = raw.typed.frame.dtypes
    assert pd.api.types.is_float_dtype(kinds[2]) == (rows is CLEAN_ROWS)  # Amount
    assert pd.api.types.is_datetime64_any_dtype(kinds[0]) == (rows is CLEAN_ROWS)  # Date
    pd.testing.assert_frame_equal(typed[0], text[0])
    pd.testing.assert_frame_equal(typed[1], text[1])
    assert len(typed[0]) and len(typed[1])


def test_a_true_among_the_amounts_is_never_counted_as_one(tmp_path, monkeypatch):
    rows = [HEADER, [D(2025, 5, 1), "Ann", 100, 1, 1, None], [D(2025, 5, 2), "Ann", True, 1, 2, None]]
    book = write_book(tmp_path / "book.xlsx", basic_sheets() | {"Actuals": rows})
    raw, typed, text = _both_ways(book, monkeypatch)
    assert raw.typed is None  # fastexcel would type the column as numbers, TRUE as 1
    assert typed[0]["amount"].tolist() == [100.0]
    assert "amount_unreadable" in typed[1]["problem"].tolist()
    pd.testing.assert_frame_equal(typed[1], text[1])


def test_a_header_named_by_the_settings_is_found_in_the_text(tmp_path, monkeypatch):
    """The read-ahead knows no aliases: under a header only an alias names, or a header row
    above the one it found, the sheet is read as text and cleaned the same."""
    settings = [["Setting", "Value"], ["Alias: Sold On", "Date"], ["Alias: Net", "Amount"]]
    for actuals, guessed in (
        ([["Sold On", "Rep", "Net"], *[row[:3] for row in CLEAN_ROWS]], False),
        ([["Sold On", "Rep", "Net"], ["Date", "Rep", "Amount"], *[row[:3] for row in CLEAN_ROWS]], True),
    ):
        sheets = basic_sheets() | {"Actuals": actuals, "Settings": settings}
        raw, typed, text = _both_ways(write_book(tmp_path / f"{guessed}.xlsx", sheets), monkeypatch)
        assert (raw.typed is not None) == guessed
        pd.testing.assert_frame_equal(typed[0], text[0])
        pd.testing.assert_frame_equal(typed[1], text[1])
