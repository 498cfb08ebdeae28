"""What a workbook file must pass before a reader touches it.

fastexcel (calamine, in Rust) trusts the file: a part that inflates to gigabytes, or one stray
cell at XFD1048576 that makes it allocate the whole grid, ends the process instead of raising.
These checks read only the zip directory and the first bytes of each part (all of a worksheet
part only when it is small), so they cost little next to the read itself.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from pyxl.adapters import xlsxpackage
from pyxl.core.errors import UnusableWorkbook

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx inside an OLE file
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MAX_PART_BYTES = 1 << 30  # one part inflated; a million-row sheet is about 350 MB
MAX_TOTAL_BYTES = 2 << 30
MAX_RATIO = 200  # compression ratio past which a large part is a bomb (real sheets: 5 to 20)
RATIO_CHECKED_ABOVE = 64 << 20
MAX_CELLS = 60_000_000  # the grid a reader may allocate (about 2 GB at 32 bytes a cell)
SCANNED_BELOW = 64 << 20  # worksheet parts read whole for their real extent
PROLOG_LIMIT = 1 << 20

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
_ROOT = re.compile(rb"<[A-Za-z_]")
_LAST_ROW = b'<row r="'
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_BEYOND_Z = re.compile(rb'<c r="[A-Z]{2,3}\d')  # a cell right of column Z


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class Extent:
    """The rows and columns a worksheet's cells span, as far as the checks saw."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def check_package(path: Path) -> None:
    """Raise UnusableWorkbook, naming the cause, when the file at `path` is no workbook a
    reader can open safely: old .xls, password-protected, damaged, a zip bomb, a DTD, or a
    sheet whose cells span far more of the grid than any data needs."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(OLE_SIGNATURE):
        key = "encrypted" if ENCRYPTION_STREAM in head or _has_encryption(path) else "old_xls"
        raise UnusableWorkbook(key, name=path.name)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnusableWorkbook("not_a_workbook", name=path.name) from None
    with package:
        names = set(package.namelist())
        for required in ("[Content_Types].xml", "_rels/.rels"):
            if required not in names:
                raise UnusableWorkbook("part_missing", name=path.name, part=required)
        total = 0
        for info in package.infolist():
            total += info.file_size
            _check_size(path, info, total)
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_part(path, package, info)
        for part in _workbook_parts(package):
            if part not in names:
                raise UnusableWorkbook("part_missing", name=path.name, part=part)


def _workbook_parts(package: zipfile.ZipFile) -> list[str]:
    """The workbook part and every part it names (sheets, styles, shared strings, theme)."""
    try:
        workbook = xlsxpackage.find_workbook_part(package.read)
        rels = xlsxpackage.parse_xml(package.read(xlsxpackage.rels_path(workbook)))
    except (KeyError, xlsxpackage.PackageError, etree.XMLSyntaxError):
        return ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    return [workbook] + [
        xlsxpackage.resolve(workbook, rel.get("Target", ""))
        for rel in rels
        if rel.get("TargetMode") != "External"
    ]


def _check_size(path: Path, info: zipfile.ZipInfo, total: int) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    too_big = info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES
    if too_big or (info.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_RATIO):
        raise UnusableWorkbook(
            "part_too_large", name=path.name, part=info.filename, size=f"{info.file_size / (1 << 20):,.0f}"
        )


def _check_part(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    worksheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    try:
        with package.open(info) as stream:
            head = _prolog(stream.read(1 << 16), stream)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnusableWorkbook("dtd_refused", name=path.name, part=info.filename)
            if worksheet:
                extent = _declared_extent(head)
                if extent.cells <= MAX_CELLS and info.file_size < SCANNED_BELOW:
                    extent = _scanned_extent(head, stream)
                if extent.cells > MAX_CELLS:
                    raise UnusableWorkbook(
                        "sheet_too_wide", name=path.name, part=info.filename, cells=f"{extent.cells:,}"
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise UnusableWorkbook("part_damaged", name=path.name, part=info.filename) from None


def _prolog(head: bytes, stream: IO[bytes]) -> bytes:
    """The part's bytes up to its root element, where a DTD would stand, plus what follows."""
    while not _root_start(head):
        more = stream.read(1 << 16)
        if not more:
            return head
        head += more
        if len(head) > PROLOG_LIMIT:
            raise ValueError("no root element in the first megabyte")
    return head


def _root_start(data: bytes) -> bool:
    """Whether the root element starts in `data`, past declarations and comments."""
    without_comments = re.sub(rb"<!--.*?-->", b"", data, flags=re.S)
    return bool(_ROOT.search(without_comments))


def _declared_extent(head: bytes) -> Extent:
    match = _DIMENSION.search(head)
    if not match or not match.group(3):
        return Extent()
    first_column, first_row = match.group(1) or b"A", int(match.group(2) or 1)
    return Extent(
        rows=int(match.group(4)) - first_row + 1,
        columns=column_number(match.group(3)) - column_number(first_column) + 1,
    )


def _scanned_extent(head: bytes, stream: IO[bytes]) -> Extent:
    """The real extent of a small worksheet: its last row and its widest column reference."""
    data = head + stream.read()
    numbered = _ROW_NUMBER.search(data, data.rfind(_LAST_ROW)) if _LAST_ROW in data else None
    rows = max(int(numbered.group(1)) if numbered else 0, data.count(b"<row"))
    columns = 26
    if _BEYOND_Z.search(data):
        columns = max(column_number(letters) for letters, _ in _CELL_REF.findall(data))
    return Extent(rows, columns)


def _has_encryption(path: Path) -> bool:
    """An encrypted .xlsx is an OLE file with an EncryptionInfo stream named in its directory."""
    with path.open("rb") as handle:
        return ENCRYPTION_STREAM in handle.read(4 << 20)
