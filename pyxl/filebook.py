"""The workbook file on disk: fast reads with fastexcel, output sheets written by xlsxpackage."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import fastexcel
import pandas as pd

from pyxl.inputs import Inputs, RawSheet, load_inputs
from pyxl.validation import UnusableWorkbook

WRITABLE_SUFFIXES = (".xlsx", ".xlsm")


def check_readable(path: Path) -> None:
    """Raise UnusableWorkbook with one plain sentence when `path` cannot be a workbook."""
    if not path.exists():
        raise UnusableWorkbook(f"{path} does not exist; check the path and try again.")
    if path.is_dir():
        raise UnusableWorkbook(f"{path} is a folder, not a workbook; give the path of an .xlsx file.")
    if path.suffix.lower() in WRITABLE_SUFFIXES and not zipfile.is_zipfile(path):
        raise UnusableWorkbook(
            f"{path.name} is not a readable Excel workbook (it may be damaged or still being "
            "saved); open it in Excel, save it as .xlsx, and try again."
        )
    if not os.access(path, os.R_OK):
        raise UnusableWorkbook(f"{path.name} cannot be read; check its permissions.")


def lock_holder(path: Path) -> str | None:
    """The lock file Excel or LibreOffice keeps beside a workbook it has open, if any."""
    for name in (f"~${path.name}", f".~lock.{path.name}#"):
        if (path.parent / name).exists():
            return name
    return None


def _reader(path: Path) -> fastexcel.ExcelReader:
    check_readable(path)
    try:
        return fastexcel.read_excel(str(path))
    except Exception as error:  # fastexcel raises its own error types for every kind of bad file
        raise UnusableWorkbook(
            f"{path.name} could not be opened as a workbook ({str(error).splitlines()[0]}); "
            "save it from Excel as .xlsx or .xlsm and try again."
        ) from None


def sheet_reader(reader: fastexcel.ExcelReader) -> Callable[[str], RawSheet]:
    """A function that loads one sheet's cells as text, starting at Excel row 1."""

    def read(name: str) -> RawSheet:
        try:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        except Exception:  # an empty sheet has no range to load
            return RawSheet(name, pd.DataFrame())
        cells = sheet.to_pandas()
        cells.columns = [column.absolute_index for column in sheet.available_columns()]
        return RawSheet(name, cells)

    return read


def read_inputs(path: Path | str) -> Inputs:
    """Read and clean every input sheet of the workbook at `path`."""
    reader = _reader(Path(path))
    return load_inputs(reader.sheet_names, sheet_reader(reader))
