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

# Actuals kept beside a workbook, given where the workbook goes: the message points at --actuals.
ACTUALS_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".parquet", ".duckdb", ".db")
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


@dataclass(frozen=True)
class StrayCell:
    """A cell far outside its sheet's data (XFD1048576, typed by accident): read without it."""

    part: str
    row: int
    column: int


_checked: dict[tuple[str, int, int, int], list[StrayCell]] = {}


def check_package(path: Path) -> list[StrayCell]:
    """Raise UnusableWorkbook, naming the cause, when the file at `path` is no workbook a
    reader can open safely: password-protected, damaged, a zip bomb, a DTD, or a sheet whose
    cells span far more of the grid than any data needs. A few stray cells that alone make a
    sheet that large are returned instead: `without_strays` gives a copy a reader can open.

    A file checked already, and not changed since (the same size, time and inode), is not read
    again: the read-ahead and the reader both ask, a tenth of a second each on a large file."""
    try:
        facts = path.stat()
        key = (str(path.resolve()), facts.st_size, facts.st_mtime_ns, facts.st_ino)
    except OSError:
        return _check_package(path)
    if key not in _checked:
        _checked[key] = _check_package(path)
    return list(_checked[key])


def _check_package(path: Path) -> list[StrayCell]:
    if path.name.casefold().endswith(ACTUALS_SUFFIXES):
        raise UnusableWorkbook("book_is_actuals", name=path.name)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(OLE_SIGNATURE):
        if ENCRYPTION_STREAM in head or _has_encryption(path):
            raise UnusableWorkbook("encrypted", name=path.name)
        return []  # an .xls: calamine reads it (salestrack writes only .xlsx, FileOutput says so)
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnusableWorkbook("not_a_workbook", name=path.name) from None
    with package:
        names = set(package.namelist())
        if _is_opendocument(package, names):
            total = 0
            for info in package.infolist():
                total += info.file_size
                _check_size(path, info, total)
            return []
        for required in ("[Content_Types].xml", "_rels/.rels"):
            if required not in names:
                raise UnusableWorkbook("part_missing", name=path.name, part=required)
        total = 0
        strays: list[StrayCell] = []
        for info in package.infolist():
            total += info.file_size
            _check_size(path, info, total)
            if info.filename.endswith((".xml", ".rels", ".vml")):
                strays += _check_part(path, package, info)
        for part in _workbook_parts(package):
            if part not in names:
                raise UnusableWorkbook("part_missing", name=path.name, part=part)
    return strays


def _is_opendocument(package: zipfile.ZipFile, names: set[str]) -> bool:
    """A LibreOffice (.ods) spreadsheet: its first entry names its type."""
    return "mimetype" in names and package.read("mimetype").startswith(b"application/vnd.oasis.opendocument")


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


def _check_part(path: Path, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[StrayCell]:
    worksheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    try:
        with package.open(info) as stream:
            head = _prolog(stream.read(1 << 16), stream)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnusableWorkbook("dtd_refused", name=path.name, part=info.filename)
            if not worksheet:
                return []
            extent = _declared_extent(head)
            if info.file_size < SCANNED_BELOW:  # small enough to read through for its real cells
                data = head + stream.read()
                extent = _scanned_extent(data)
                if extent.cells > MAX_CELLS:
                    strays = _strays(data)
                    if strays is not None:
                        return [StrayCell(info.filename, row, column) for row, column in strays]
            if extent.cells > MAX_CELLS:
                raise UnusableWorkbook(
                    "sheet_too_wide", name=path.name, part=info.filename, cells=f"{extent.cells:,}"
                )
            return []
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise UnusableWorkbook("part_damaged", name=path.name, part=info.filename) from None


MAX_STRAYS = 100  # cells that may be set aside as strays; a sheet with more is refused


def _strays(data: bytes) -> list[tuple[int, int]] | None:
    """The fewest far cells (at most MAX_STRAYS) without which the sheet's cells span a sane
    grid, farthest first; None where no such few exist."""
    cells = [(int(row), column_number(letters)) for letters, row in _CELL_REF.findall(data)]
    # The cells that force the largest grid go first; the rest must then fit.
    by_reach = sorted(cells, key=lambda cell: cell[0] * cell[1], reverse=True)
    rows_after = [0] * (len(by_reach) + 1)
    columns_after = [0] * (len(by_reach) + 1)
    for index in range(len(by_reach) - 1, -1, -1):
        rows_after[index] = max(rows_after[index + 1], by_reach[index][0])
        columns_after[index] = max(columns_after[index + 1], by_reach[index][1])
    for dropped in range(1, min(MAX_STRAYS, len(by_reach)) + 1):
        if rows_after[dropped] * columns_after[dropped] <= MAX_CELLS:
            return by_reach[:dropped]
    return None


def without_strays(path: Path, strays: list[StrayCell]) -> Path:
    """A copy of the workbook at `path` without its stray cells, for a reader to open: the
    user's own file keeps them (salestrack never writes an input sheet)."""
    import tempfile

    by_part: dict[str, set[str]] = {}
    for cell in strays:
        by_part.setdefault(cell.part, set()).add(f"{column_letter(cell.column)}{cell.row}")
    handle, name = tempfile.mkstemp(prefix="salestrack-read-", suffix=".xlsx")
    copy = Path(name)
    with (
        open(handle, "wb") as out,
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename in by_part:
                data = _drop_cells(data, by_part[info.filename])
            target.writestr(info, data)
    return copy


def _drop_cells(data: bytes, references: set[str]) -> bytes:
    """Sheet XML without the cells at `references`, its declared extent dropped (a reader
    works it out from the cells left)."""
    data = _DIMENSION.sub(b"", data, count=1)
    for reference in references:
        data = re.sub(
            rb'<(?:\w+:)?c r="' + reference.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</(?:\w+:)?c>)',
            b"",
            data,
            count=1,
            flags=re.S,
        )
    return data


def column_letter(number: int) -> str:
    """Excel column letters for a column number counted from 1 (1 -> A)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


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


def _scanned_extent(data: bytes) -> Extent:
    """The real extent of a small worksheet: its last row and its widest column reference."""
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
