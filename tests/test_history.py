"""History (历史): every refresh's rows kept under its as-of date, appended without rewriting the past."""

import datetime as dt
import os
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner
from conftest import basic_sheets, write_book
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from xlwings_books import actions, json_book, refresh_live

from pyxl import pipeline
from pyxl.adapters import historypart, xlsxpackage
from pyxl.cli import main
from pyxl.core.history import AS_OF, HISTORY_COLUMNS, kept_dates
from pyxl.core.tracking import TRACKING_COLUMNS

FIRST, SECOND = dt.date(2025, 5, 10), dt.date(2025, 5, 24)


def history_frame(book: Path, sheet: str = "History") -> pd.DataFrame:
    frame = pd.read_excel(book, sheet_name=sheet, header=1)
    frame[frame.columns[0]] = pd.to_datetime(frame[frame.columns[0]]).dt.date
    return frame


def refresh(book: Path, as_of: dt.date) -> None:
    result = CliRunner().invoke(main, ["refresh", str(book), "--as-of", as_of.isoformat()])
    assert result.exit_code == 0, result.output


def ledger(book: Path) -> list[historypart.Segment]:
    package = xlsxpackage.Package(book)
    try:
        _, part = xlsxpackage._sheet_part(package, ["History", "历史"])
        raw = package.raw(part)
        assert raw is not None
        found = historypart.ledger_of(historypart.Stored.holding(historypart.Entry(*raw)))
        assert found is not None
        return found[1]
    finally:
        package.close()


def same_figures(history: pd.DataFrame, tracking: pd.DataFrame) -> None:
    assert list(history.columns) == HISTORY_COLUMNS
    for column in TRACKING_COLUMNS:
        left, right = history[column].reset_index(drop=True), tracking[column].reset_index(drop=True)
        if column in ("Start", "End"):
            left = pd.to_datetime(left).dt.date
        if pd.api.types.is_numeric_dtype(right) and column != "Days Left":
            np.testing.assert_allclose(left.astype(float), right.astype(float), rtol=1e-9, err_msg=column)
        else:
            assert [None if pd.isna(v) else v for v in left] == [None if pd.isna(v) else v for v in right], (
                column
            )


def test_two_refreshes_a_fortnight_apart_keep_both_dates_as_track_gives_them(basic_book):
    refresh(basic_book, FIRST)
    refresh(basic_book, SECOND)
    history = history_frame(basic_book)
    assert history[AS_OF].value_counts().to_dict() == {FIRST: 11, SECOND: 11}
    for day in (FIRST, SECOND):
        same_figures(history[history[AS_OF] == day], pipeline.track_file(basic_book, day).table)
    assert [s.as_of for s in ledger(basic_book)] == ["", FIRST.isoformat(), SECOND.isoformat()]


def test_a_third_refresh_on_the_second_date_replaces_only_its_rows_and_keeps_the_first_bytes(tmp_path):
    sheets = basic_sheets()
    book = write_book(tmp_path / "book.xlsx", sheets)
    refresh(book, FIRST)
    refresh(book, SECOND)
    first_rows = history_frame(book)[lambda f: f[AS_OF] == FIRST]
    before = ledger(book)
    kept_bytes = _compressed(book)[: before[1].end]
    # The sales now come from a file with one more sale: the second date's figures change.
    sales = pd.DataFrame(sheets["Actuals"][1:], columns=sheets["Actuals"][0])
    sales.loc[len(sales)] = [dt.date(2025, 5, 22), "Bob", "Widget", "B9", 700, 1]
    source = tmp_path / "sales.csv"
    sales.to_csv(source, index=False)
    result = CliRunner().invoke(
        main, ["refresh", str(book), "--as-of", SECOND.isoformat(), "--actuals", str(source)]
    )
    assert result.exit_code == 0, result.output
    history = history_frame(book)
    assert history[AS_OF].value_counts().to_dict() == {FIRST: 11, SECOND: 11}
    now = pipeline.track_file(book, SECOND, actuals=pipeline.Actuals(str(source)))
    same_figures(history[history[AS_OF] == SECOND], now.table)
    assert history[history[AS_OF] == SECOND]["Actual"].sum() > first_rows["Actual"].sum()
    assert history[history[AS_OF] == FIRST]["Actual"].tolist() == first_rows["Actual"].tolist()
    assert _compressed(book)[: before[1].end] == kept_bytes  # the first date's rows were not rewritten


def _compressed(book: Path) -> bytes:
    package = xlsxpackage.Package(book)
    try:
        _, part = xlsxpackage._sheet_part(package, ["History", "历史"])
        raw = package.raw(part)
        assert raw is not None
        return raw[0]
    finally:
        package.close()


def test_an_older_date_is_written_whole_and_keeps_every_other_date(basic_book):
    refresh(basic_book, SECOND)
    refresh(basic_book, FIRST)
    history = history_frame(basic_book)
    assert sorted(history[AS_OF].unique()) == [FIRST, SECOND]
    assert len(history) == 22
    assert [s.as_of for s in ledger(basic_book)][1:] == [SECOND.isoformat(), FIRST.isoformat()]


def test_history_saved_by_another_program_is_read_back_and_kept(basic_book):
    refresh(basic_book, FIRST)
    book = load_workbook(basic_book)
    book.save(basic_book)  # as Excel would: the ledger is gone, the rows are not
    refresh(basic_book, SECOND)
    history = history_frame(basic_book)
    assert history[AS_OF].value_counts().to_dict() == {FIRST: 11, SECOND: 11}
    same_figures(history[history[AS_OF] == FIRST], pipeline.track_file(basic_book, FIRST).table)


def test_a_damaged_history_row_is_reported_and_the_rest_kept(basic_book):
    refresh(basic_book, FIRST)
    book = load_workbook(basic_book)
    book["History"]["A5"] = "not a date"
    book["History"]["I6"] = "=1/0"
    book.save(basic_book)
    result = CliRunner().invoke(main, ["refresh", str(basic_book), "--as-of", SECOND.isoformat()])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "History" in result.output and "rows 5" in result.output.replace("[", "rows ").replace("]", "")
    history = history_frame(basic_book)
    assert history[AS_OF].value_counts().to_dict() == {FIRST: 10, SECOND: 11}


def test_a_chinese_workbook_keeps_its_history_in_chinese(tmp_path):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    book = write_book(tmp_path / "zh.xlsx", sheets)
    refresh(book, FIRST)
    refresh(book, SECOND)
    written = load_workbook(book)
    assert "历史" in written.sheetnames and "History" not in written.sheetnames
    assert written["历史"]["A2"].value == "截至日期" and written["历史"]["B3"].value == "销售代表"
    assert len(ledger(book)) == 3


def test_a_change_of_language_rewrites_history_and_keeps_the_rows(tmp_path):
    sheets = basic_sheets()
    book = write_book(tmp_path / "book.xlsx", sheets)
    refresh(book, FIRST)
    workbook = load_workbook(book)
    workbook.create_sheet("Settings").append(["Setting", "Value"])
    workbook["Settings"].append(["Language", "zh"])
    workbook.save(book)
    refresh(book, SECOND)
    written = load_workbook(book)
    assert "历史" in written.sheetnames and "History" not in written.sheetnames
    history = history_frame(book, "历史")
    assert history[history.columns[0]].value_counts().to_dict() == {FIRST: 11, SECOND: 11}


def test_thinning_keeps_recent_days_then_week_ends_then_month_ends():
    days = pd.date_range("2024-01-01", "2025-12-31").date
    rows = pd.Series(10, index=days)
    kept = kept_dates(rows, limit=len(days) * 10)
    assert kept == list(days)
    thinned = kept_dates(rows, limit=2000)
    assert sum(rows[thinned]) <= 2000
    recent = [d for d in thinned if (days[-1] - d).days <= 92]
    assert len(recent) == 93
    old = [d for d in thinned if (days[-1] - d).days > 366]
    assert old and all(pd.Timestamp(d).is_month_end for d in old)
    middle = [d for d in thinned if 92 < (days[-1] - d).days <= 366]
    assert all(pd.Timestamp(d).is_month_end or pd.Timestamp(d).day_of_week == 6 for d in middle)
    assert kept_dates(rows, limit=50) == list(days[-5:])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=3000), min_size=1, max_size=6), st.binary(max_size=200))
def test_segments_always_inflate_to_the_sheet_and_carry_its_crc(pieces, extra):
    head = b'<worksheet><sheetData><row r="1"/><row r="2"/>'
    tail = b"</sheetData></worksheet>"
    rows = [b'<row r="3"><c r="A3"><v>%d</v></c></row>' % i + piece for i, piece in enumerate(pieces)]
    entry = historypart.compose(head, [(f"2025-01-{i + 1:02d}", r, 3) for i, r in enumerate(rows)], tail)
    data = zlib.decompress(entry.compressed, -15)
    assert data.startswith(head + b"".join(rows)) and data.endswith(b"</worksheet>")
    assert zlib.crc32(data) == entry.crc and len(data) == entry.size

    def more(first: int) -> bytes:
        return b'<row r="%d"><c r="A%d"><v>9</v></c></row>' % (first, first) + extra

    stored = historypart.Stored.holding(entry)
    appended = historypart.appended(stored, head, more, 1, "2026-01-01", tail, 10**6)
    assert appended is not None
    found = historypart.ledger_of(stored)
    assert found is not None
    assert appended.kept == found[1][-1].end  # every old segment kept, none read
    grown = zlib.decompress(entry.compressed[: appended.kept] + appended.compressed, -15)
    assert zlib.crc32(grown) == appended.crc and len(grown) == appended.size
    assert b'<row r="4"><c r="A4"><v>9</v></c></row>' in grown
    assert historypart.appended(stored, head + b" ", more, 1, "2026-01-01", tail, 10**6) is None


def test_a_tampered_ledger_is_not_trusted():
    head, tail = b"<worksheet><sheetData>", b"</sheetData></worksheet>"
    entry = historypart.compose(head, [("2025-01-01", b'<row r="3"/>', 3)], tail)
    tampered = historypart.Entry(entry.compressed.replace(b'"rows":3', b'"rows":9'), entry.crc, entry.size)
    assert historypart.ledger_of(historypart.Stored.holding(tampered)) is None
    wrong_crc = historypart.Entry(entry.compressed, entry.crc ^ 1, entry.size)
    assert historypart.ledger_of(historypart.Stored.holding(wrong_crc)) is None


def test_the_open_workbook_appends_after_its_history(monkeypatch):
    book = json_book(monkeypatch, basic_sheets())
    first = refresh_live(book, FIRST)
    values = [a for a in actions(book, "setValues") if a["values"] and a["values"][0][:1] == [AS_OF]]
    assert values, "History's header row was written"
    assert "History" in first.sheets


def test_appending_reads_only_the_end_of_a_long_history():
    head, tail = b"<worksheet><sheetData>", b"</sheetData></worksheet>"
    rows = [
        (f"2025-01-{day:02d}", b'<row r="3"/>' + os.urandom(100_000).hex().encode(), 3) for day in range(1, 6)
    ]
    entry = historypart.compose(head, rows, tail)
    reads: list[tuple[int, int]] = []

    def read(start: int, stop: int) -> bytes:
        reads.append((start, stop))
        return entry.compressed[start:stop]

    stored = historypart.Stored(len(entry.compressed), entry.crc, entry.size, read)
    appended = historypart.appended(
        stored, head, lambda first: b'<row r="%d"/>' % first, 1, "2025-01-06", tail, 10**6
    )
    assert appended is not None and appended.kept > 500_000
    assert min(start for start, _ in reads) >= len(entry.compressed) - 2 * historypart.STORED_BLOCK_LIMIT
    grown = zlib.decompress(entry.compressed[: appended.kept] + appended.compressed, -15)
    assert zlib.crc32(grown) == appended.crc and grown.endswith(b"--></worksheet>")
