"""Read once: the cleaned actuals kept between refreshes, and never reused when they would differ."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
import zipfile
from pathlib import Path

from conftest import add_xlsxwriter_sheets, basic_sheets, write_book

from pyxl import pipeline
from pyxl.adapters import actualscache
from pyxl.adapters.actualscache import DiskActualsCache
from pyxl.adapters.filebook import FileWorkbook
from pyxl.core.inputs import actuals_key, load_inputs
from pyxl.core.settings import Settings

AS_OF = dt.date(2025, 5, 15)


class CountingCache(DiskActualsCache):
    """The disk cache, counting what it served and what it kept."""

    def __init__(self, folder: Path, limit_bytes: int = 2**31) -> None:
        super().__init__(folder, limit_bytes)
        self.hits = self.saves = 0

    def load(self, key):
        found = super().load(key)
        self.hits += found is not None
        return found

    def save(self, key, cleaned):
        self.saves += 1
        super().save(key, cleaned)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def inputs(path: Path, cache: DiskActualsCache):
    """The workbook's inputs, with the entry they made written."""
    with cache:
        return load_inputs(FileWorkbook(path), cache)


def edit_part(path: Path, part: str, change) -> None:
    """Rewrite one part of the package, leaving every other part as it was."""
    contents = parts(path)
    contents[part] = change(contents[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in contents.items():
            package.writestr(name, data)


def test_a_warm_refresh_writes_exactly_what_a_cold_one_writes(tmp_path, monkeypatch):
    original = write_book(tmp_path / "book.xlsx", basic_sheets())
    cold, warm = tmp_path / "cold.xlsx", tmp_path / "warm.xlsx"
    shutil.copy(original, cold)
    shutil.copy(original, warm)
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    pipeline.refresh_file(cold, AS_OF)
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", str(tmp_path / "cache"))
    pipeline.track_file(original, AS_OF)  # fills the cache: the same cells, another file
    assert list((tmp_path / "cache").glob("*.arrow"))
    pipeline.refresh_file(warm, AS_OF)
    assert parts(warm) == parts(cold)


def test_the_cache_is_used_again_after_a_refresh_and_after_editing_a_target(tmp_path):
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    cache = CountingCache(tmp_path / "cache")
    first = inputs(book, cache)
    assert (cache.hits, cache.saves) == (0, 1)
    refreshed = pipeline.refresh(FileWorkbook(book), pipeline_writer(book), AS_OF, cache=cache)
    assert cache.hits == 1  # the refresh read the Actuals from the cache
    # The refresh added its own styles: the actuals' cells still read the same.
    again = inputs(book, cache)
    assert cache.hits == 2 and again.actuals.equals(first.actuals)
    assert refreshed.tracking.table["Actual"].iloc[0] == 600


def pipeline_writer(book: Path):
    from pyxl.adapters.filebook import FileOutput

    return FileOutput(book)


def test_a_changed_cell_a_changed_setting_or_another_workbook_is_never_served(tmp_path):
    cache = CountingCache(tmp_path / "cache")
    sheets = basic_sheets()
    book = write_book(tmp_path / "book.xlsx", sheets)
    before = inputs(book, cache)
    # Another workbook whose Actuals differ in one amount.
    sheets["Actuals"][1][-1] = 999
    other = write_book(tmp_path / "other.xlsx", sheets)
    assert 999 in set(inputs(other, cache).actuals["amount"]) and cache.hits == 0
    # The same workbook with a changed Date Order setting.
    sheets = basic_sheets()
    sheets["Settings"] = [["Setting", "Value"], ["Date Order", "DMY"]]
    assert inputs(write_book(tmp_path / "dmy.xlsx", sheets), cache).settings.date_order == "DMY"
    assert cache.hits == 0
    assert actuals_key("f", "Actuals", Settings(date_order="DMY")) != actuals_key("f", "Actuals", Settings())
    assert actuals_key("f", "Actuals", Settings(header_aliases={"net": "amount"})) != actuals_key(
        "f", "Actuals", Settings()
    )
    assert len(before.actuals)


def test_text_changed_in_the_shared_strings_alone_is_seen(tmp_path):
    """Excel keeps a sheet's text in sharedStrings.xml: changing "Widget" there leaves the
    Actuals part byte for byte the same, and the cache must still not serve the old rows."""
    import xlsxwriter

    book = tmp_path / "shared.xlsx"
    workbook = xlsxwriter.Workbook(str(book))  # shared strings, as Excel writes them
    add_xlsxwriter_sheets(workbook, basic_sheets())
    workbook.close()
    cache = CountingCache(tmp_path / "cache")
    before = inputs(book, cache)
    actuals_part = parts(book)["xl/worksheets/sheet2.xml"]
    edit_part(book, "xl/sharedStrings.xml", lambda xml: xml.replace(b">Widget<", b">Sprocket<"))
    assert parts(book)["xl/worksheets/sheet2.xml"] == actuals_part
    after = inputs(book, cache)
    assert cache.hits == 0
    assert set(after.actuals["product"].dropna()) - set(before.actuals["product"].dropna()) == {"Sprocket"}


def test_a_number_format_changed_in_place_is_not_served_from_the_cache(tmp_path):
    """Whether a number is a date comes from its cell style: a style changed in place changes
    the cells' meaning though the sheet's part stays the same."""
    cache = CountingCache(tmp_path / "cache")
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    inputs(book, cache)
    edit_part(
        book,
        "xl/styles.xml",
        lambda xml: re.sub(rb'formatCode="[^"]*"', b'formatCode="0.00"', xml, count=1),
    )
    inputs(book, cache)
    assert cache.saves == 2  # found under its key, refused for the changed style, cleaned again


def test_a_damaged_entry_is_ignored_and_removed(tmp_path):
    cache = CountingCache(tmp_path / "cache")
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    good = inputs(book, cache)
    [rows] = (tmp_path / "cache").glob("*.arrow")
    data = bytearray(rows.read_bytes())
    data[len(data) // 2] ^= 0xFF
    rows.write_bytes(bytes(data))
    again = inputs(book, cache)
    assert cache.hits == 0 and again.actuals.equals(good.actuals)
    [json_file] = (tmp_path / "cache").glob("*.json")
    json_file.write_text("{not json", encoding="utf-8")
    assert inputs(book, cache).actuals.equals(good.actuals) and cache.hits == 0


def test_the_folder_stays_under_its_limit_dropping_the_longest_unused(tmp_path):
    cache = CountingCache(tmp_path / "cache", limit_bytes=1)
    for n in range(3):
        sheets = basic_sheets()
        sheets["Actuals"][1][-1] = 100 + n
        inputs(write_book(tmp_path / f"book{n}.xlsx", sheets), cache)
    assert len(list((tmp_path / "cache").glob("*.arrow"))) == 1  # only the newest is kept


def test_an_entry_is_written_in_the_background_and_is_on_disk_when_the_cache_is_left(tmp_path):
    release = threading.Event()

    class SlowCache(DiskActualsCache):
        def _write(self, *args):
            release.wait(10)
            super()._write(*args)

    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    with SlowCache(tmp_path / "cache") as cache:
        load_inputs(FileWorkbook(book), cache)  # returns while the entry is still being written
        assert not list((tmp_path / "cache").glob("*.arrow"))
        release.set()
    assert len(list((tmp_path / "cache").glob("*.arrow"))) == 1


def test_without_threads_an_entry_is_written_at_once(tmp_path, monkeypatch):
    def refuse(_thread):
        raise RuntimeError("can't start new thread")  # as in Pyodide

    monkeypatch.setattr(threading.Thread, "start", refuse)
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    load_inputs(FileWorkbook(book), DiskActualsCache(tmp_path / "cache"))
    assert len(list((tmp_path / "cache").glob("*.arrow"))) == 1


def test_an_unwritable_cache_folder_is_no_cache_not_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = CountingCache(blocker / "cache")
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    assert inputs(book, cache).actuals["amount"].sum() > 0


def test_an_entry_read_ahead_is_served_once_and_a_damaged_one_is_still_refused(tmp_path):
    cache = CountingCache(tmp_path / "cache")
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    good = inputs(book, cache)
    cells = FileWorkbook(book).fingerprint("Actuals")
    assert cells is not None and not cache.read_ahead(cells + "0")  # nothing made from other cells
    assert cache.read_ahead(cells) and len(actualscache._ahead) == 1
    [ahead] = actualscache._ahead.values()
    ahead.thread.join()
    assert ahead.parsed is not None  # checked and parsed on the read-ahead's thread
    assert inputs(book, cache).actuals.equals(good.actuals) and cache.hits == 1
    assert not actualscache._ahead  # taken
    # Parsed against an older JSON file (the entry written again since): read again, not served.
    assert cache.read_ahead(cells)
    [ahead] = actualscache._ahead.values()
    ahead.thread.join()
    assert ahead.parsed is not None
    ahead.parsed = (ahead.parsed[0] ^ 1, ahead.parsed[1].slice(0, 1))
    assert inputs(book, cache).actuals.equals(good.actuals) and cache.hits == 2
    [rows] = (tmp_path / "cache").glob("*.arrow")
    data = bytearray(rows.read_bytes())
    data[len(data) // 2] ^= 0xFF
    rows.write_bytes(bytes(data))
    assert cache.read_ahead(cells)
    assert inputs(book, cache).actuals.equals(good.actuals) and cache.hits == 2  # cleaned again
    assert cache.read_ahead(cells)
    actualscache.forget_read_ahead()
    assert not actualscache._ahead


def test_without_threads_an_entry_read_ahead_is_read_when_it_is_loaded(tmp_path, monkeypatch):
    cache = CountingCache(tmp_path / "cache")
    book = write_book(tmp_path / "book.xlsx", basic_sheets())
    good = inputs(book, cache)

    def refuse(_thread):
        raise RuntimeError("can't start new thread")  # as in Pyodide

    monkeypatch.setattr(threading.Thread, "start", refuse)
    cells = FileWorkbook(book).fingerprint("Actuals")
    assert cells is not None and cache.read_ahead(cells)
    assert inputs(book, cache).actuals.equals(good.actuals) and cache.hits == 1


def test_a_change_to_the_cleaning_code_is_a_new_key(tmp_path):
    core = tmp_path / "core"
    shutil.copytree(actualscache.CORE, core, ignore=shutil.ignore_patterns("__pycache__"))
    before = actualscache.cleaning_code(core)
    parsing = core / "parsing.py"
    parsing.write_text(parsing.read_text(encoding="utf-8") + "\n# a changed cleaning\n", encoding="utf-8")
    actualscache._code.pop(core)
    assert actualscache.cleaning_code(core) != before


def test_a_warm_refresh_after_the_cleaning_changed_shows_the_new_figures(tmp_path, monkeypatch, basic_book):
    from pyxl.core import inputs

    monkeypatch.setenv("SALESTRACK_CACHE_DIR", str(tmp_path / "cache"))
    first = pipeline.track_file(basic_book, AS_OF)
    ann = first.table[(first.table["Name"] == "Ann") & (first.table["Metric"] == "Revenue")].iloc[0]
    assert ann["Actual"] == 600
    # A new release cleans amounts differently (here: doubles them), and its core's source changed.
    cleaned = inputs.clean_actuals
    monkeypatch.setattr(
        inputs, "clean_actuals", lambda *a: cleaned(*a).assign(amount=lambda f: 2 * f["amount"])
    )
    changed = tmp_path / "core"
    shutil.copytree(actualscache.CORE, changed, ignore=shutil.ignore_patterns("__pycache__"))
    (changed / "inputs.py").write_text("# changed\n", encoding="utf-8")
    monkeypatch.setattr(actualscache, "CORE", changed)
    again = pipeline.track_file(basic_book, AS_OF)
    ann = again.table[(again.table["Name"] == "Ann") & (again.table["Metric"] == "Revenue")].iloc[0]
    assert ann["Actual"] == 1200
