"""A sheet's first rows and its boolean cells, read from its XML without the rows below."""

from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path

import xlsxwriter
from conftest import basic_sheets, write_book

from pyxl.adapters import sheetpeek
from pyxl.adapters.readahead import load_cells


def rewritten(book: Path, part: str, replace: tuple[bytes, bytes]) -> Path:
    """A copy of `book` with one part's bytes edited, as another program might have written it."""
    copy = book.with_name(f"edited-{book.name}")
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, data.replace(*replace) if info.filename == part else data)
    return copy


def test_the_first_rows_are_the_cells_fastexcel_reads(tmp_path):
    rows = [["Sales export"], [], [None, None, "Date", "Amount"], [None, None, 45000, "1,200"]]
    book = write_book(tmp_path / "book.xlsx", basic_sheets() | {"Actuals": rows})
    peeked = sheetpeek.first_rows(book, "Actuals", 10)
    assert peeked is not None and len(peeked) == 10
    assert peeked[0][0] == "Sales export" and peeked[2][2:] == ["Date", "Amount"]
    assert peeked[3][2:] == ["45000", "1,200"] and peeked[9] == [None] * 4
    import fastexcel

    read = load_cells(fastexcel.read_excel(str(book)), "Actuals")
    text = read.batch.to_pandas().set_axis(read.columns, axis=1)
    assert [text.iloc[2][2], text.iloc[2][3]] == ["Date", "Amount"]
    assert sheetpeek.first_rows(book, "No such sheet", 10) is None


def test_inline_strings_and_rich_text_without_their_phonetic_guides(tmp_path):
    path = tmp_path / "inline.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})  # writes strings inline
    sheet = book.add_worksheet("Actuals")
    sheet.write_row(0, 0, ["Date", "Amount"])
    sheet.write_row(1, 0, [45000, 12.5])
    book.close()
    assert sheetpeek.first_rows(path, "Actuals", 2) == [["Date", "Amount"], ["45000", "12.5"]]

    plain = write_book(tmp_path / "plain.xlsx", {"Actuals": [["Date", "Amount"], [1, 2]]})
    rich = b'<si><r><t>Da</t></r><r><t xml:space="preserve">te</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>'
    edited = rewritten(plain, "xl/sharedStrings.xml", (b"<si><t>Date</t></si>", rich))
    assert sheetpeek.first_rows(edited, "Actuals", 1) == [["Date", "Amount"]]
    unreferenced = rewritten(plain, "xl/worksheets/sheet1.xml", (b' r="A1"', b""))
    assert sheetpeek.first_rows(unreferenced, "Actuals", 1) is None  # positions unknown: not guessed


def numbers_book(path: Path, last: object) -> Path:
    """An Actuals sheet of 200,000 random amounts (several megabytes deflated), then `last`."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Actuals")
    sheet.write_row(0, 0, ["Date", "Amount"])
    amounts = random.Random(7)
    for row in range(1, 200_001):
        sheet.write_row(row, 0, [45000 + row % 300, amounts.random() * 1000])
    sheet.write_row(200_001, 0, [45000, last])
    book.close()
    return path


def test_booleans_are_found_wherever_they_are(tmp_path):
    book = numbers_book(tmp_path / "book.xlsx", 12.5)
    assert not sheetpeek.holds_booleans(book, "Actuals")
    assert sheetpeek.holds_booleans(numbers_book(tmp_path / "true.xlsx", True), "Actuals")
    assert sheetpeek.holds_booleans(book, "No such sheet")  # cannot be told: as if it had
    damaged = tmp_path / "damaged.xlsx"
    shutil.copy(book, damaged)
    damaged.write_bytes(damaged.read_bytes()[:2000])
    assert sheetpeek.holds_booleans(damaged, "Actuals")
