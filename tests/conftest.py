"""Shared helpers: build real workbooks on disk and raw sheets in memory."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

# xlwings' JSON-backed engine (PRO, free for noncommercial use) stands in for Excel in the live
# tests. The key is read when xlwings is imported, so it is set here, for this test process only.
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
# Cleaned actuals are cached between runs as in use, but in a folder of this test session's own.
os.environ.setdefault("SALESTRACK_CACHE_DIR", tempfile.mkdtemp(prefix="salestrack-cache-"))

import pandas as pd
import pytest
from hypothesis import settings
from openpyxl import Workbook

from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.inputs import load_inputs

# Timing varies with the machine; a slow example is not a failed property.
settings.register_profile("salestrack", deadline=None)
settings.load_profile("salestrack")


def unavailable(reason: str) -> None:
    """A real program or service a test needs is missing: in CI (where .ci/run installs
    everything) that is a failure; elsewhere the test is skipped."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run must provide it")
    pytest.skip(reason)


def write_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a workbook whose sheets hold the given rows, as a user would have typed them."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                # Text stays text, as a CRM export holds it: openpyxl would make "=..." a formula.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    return path


def add_xlsxwriter_sheets(book, sheets: dict[str, list[list[object]]]) -> None:
    """Write `sheets` into an open XlsxWriter workbook: shared strings and dates as Excel saves them."""
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
                elif value is not None:
                    sheet.write(r, c, value)


def raw_sheets(sheets: dict[str, list[list[object]]]):
    """Sheet names and a reader over in-memory rows, rendered as text like the file reader does."""

    def render(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m-%d 00:00:00")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def read(name: str) -> RawSheet:
        rows = sheets[name]
        width = max((len(r) for r in rows), default=0)
        cells = pd.DataFrame(
            [[render(v) for v in r] + [None] * (width - len(r)) for r in rows], dtype="string"
        )
        return RawSheet(name, cells)

    return list(sheets), read


class MemoryWorkbook:
    """A workbook reader over rows in memory: the third kind beside a file and an open workbook."""

    def __init__(self, sheets: dict[str, list[list[object]]]) -> None:
        self.names, self.read_sheet = raw_sheets(sheets)
        self.name = "memory.xlsx"

    def sheet_names(self) -> list[str]:
        return self.names


def inputs_from(sheets: dict[str, list[list[object]]]):
    """Clean inputs from in-memory sheets."""
    return load_inputs(MemoryWorkbook(sheets))


D = dt.date


def basic_sheets() -> dict[str, list[list[object]]]:
    """A small workbook: two reps in one team, month and quarter targets, a few sales."""
    return {
        "Targets": [
            ["Period", "Metric", "Rep", "Product", "Target"],
            ["2025-05", "Revenue", "Ann", None, 1000],
            ["2025-05", "Revenue", "Bob", None, 2000],
            ["2025-Q2", "Units", None, "Widget", 100],
            ["2025-05", "Orders", "ann", None, 4],
            ["2025", "Revenue", None, None, 20000],
        ],
        "Actuals": [
            ["Date", "Rep", "Product", "Order ID", "Amount", "Units"],
            [D(2025, 5, 1), "Ann", "Widget", "A1", 300, 3],
            [D(2025, 5, 1), "Ann", "Widget", "A1", 100, 1],
            [D(2025, 5, 10), " ANN ", "Gadget", "A2", 200, 2],
            [D(2025, 5, 20), "Bob", "Widget", "B1", 500, 5],
            [D(2025, 4, 30), "Bob", "Widget", "B0", 50, 10],
            [D(2025, 5, 31), "Ann", "Widget", "A3", 999, 9],
        ],
        "Team": [
            ["Rep", "Email", "Team", "Region", "Manager", "Manager Email"],
            ["Ann", "ann@example.com", "East", "China", "Mia", "mia@example.com"],
            ["Bob", "bob@example.com", "East", "China", "Mia", "mia@example.com"],
        ],
    }


@pytest.fixture
def basic_book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "basic.xlsx", basic_sheets())
