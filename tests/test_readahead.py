"""The Actuals sheet read on another thread while pandas loads, and taken only when it is still right."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from conftest import basic_sheets, write_book

from pyxl import cli, pipeline
from pyxl.adapters import actualscache, readahead
from pyxl.adapters.filebook import FileWorkbook


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
    assert ahead.cells.equals(usual.cells) and list(ahead.cells.columns) == taken[1]
    assert taken[0].to_pandas().set_axis(taken[1], axis=1).equals(usual.cells)


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
