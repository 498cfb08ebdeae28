"""A sheet's first rows, and whether it holds a TRUE or FALSE cell, read from its XML directly.

The Actuals sheet is read typed (adapters.readahead): fastexcel types a column from all of its
cells, which needs the header row known before the read, so the first rows are read here from
the start of the sheet's XML (and the shared strings they use), without the million rows below.
fastexcel also takes a TRUE among numbers for 1, which a sales figure must never do; so the
sheet's XML is searched for a boolean cell while fastexcel reads it.

Importable without pandas, like the read-ahead that uses it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from pyxl.adapters import xlsxpackage
from pyxl.adapters.xlsxguard import column_number

M = xlsxpackage.M
PEEK_LIMIT = 4 << 20  # bytes of XML read for the first rows before giving up
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)$")
_BOOLEAN_CELLS = (b't="b"', b"t='b'")


def first_rows(path: Path, sheet: str, count: int) -> list[list[str | None]] | None:
    """The first `count` rows of sheet `sheet`, each cell as text (None when blank), indexed by
    sheet column from A; None where they cannot be read this way (no such sheet, a cell without
    its reference, text that is not in the shared strings, a row too long to peek)."""
    try:
        with zipfile.ZipFile(path) as package:
            part = xlsxpackage.sheet_part(package, sheet)
            cells = _cells(package, part, count)
            if cells is None:
                return None
            wanted = {int(value) for kind, value in cells.values() if kind == "s"}
            strings = _shared_strings(package, max(wanted)) if wanted else []
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError):
        return None
    if wanted and len(strings) <= max(wanted):
        return None
    width = max((column for _, column in cells), default=-1) + 1
    rows: list[list[str | None]] = [[None] * width for _ in range(count)]
    for (row, column), (kind, value) in cells.items():
        rows[row][column] = strings[int(value)] if kind == "s" else value
    return rows


def _cells(package: zipfile.ZipFile, part: str, count: int) -> dict[tuple[int, int], tuple[str, str]] | None:
    """The cells of the first `count` rows: (row, column) from 0 to (kind, text), where kind "s"
    means the text is an index into the shared strings."""
    parser = etree.XMLPullParser(events=("end",), tag=(f"{M}c", f"{M}row"), resolve_entities=False)
    cells: dict[tuple[int, int], tuple[str, str]] = {}
    read = 0
    with package.open(part) as stream:
        while read < PEEK_LIMIT:
            chunk = stream.read(1 << 16)
            read += len(chunk)
            if chunk:
                parser.feed(chunk)
            for _, element in parser.read_events():
                if element.tag == f"{M}row":
                    element.clear()
                    continue
                reference = _CELL_REFERENCE.match(element.get("r", ""))
                if reference is None:
                    return None
                row = int(reference[2]) - 1
                if row >= count:
                    return cells
                text = _cell_text(element)
                if text is not None:
                    cells[(row, column_number(reference[1].encode()) - 1)] = text
            if not chunk:
                return cells
    return None


def _cell_text(cell: etree._Element) -> tuple[str, str] | None:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{M}is")
        return ("str", _plain_text(inline)) if inline is not None else None
    value = cell.findtext(f"{M}v")
    if value is None or kind == "e":
        return None
    if kind == "b":
        return "str", "true" if value.strip() == "1" else "false"
    return ("s", value) if kind == "s" else ("str", value)


def _plain_text(item: etree._Element) -> str:
    """A string item's text: its runs joined, without phonetic guides (rPh)."""
    return "".join(t.text or "" for t in item.iter(f"{M}t") if t.getparent().tag != f"{M}rPh")


def _shared_strings(package: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings from the first through index `last`, read no further than that."""
    part = xlsxpackage.shared_strings_part(package)
    if part is None:
        return []
    strings: list[str] = []
    parser = etree.XMLPullParser(events=("end",), tag=f"{M}si", resolve_entities=False)
    with package.open(part) as stream:
        while len(strings) <= last and (chunk := stream.read(1 << 16)):
            parser.feed(chunk)
            for _, item in parser.read_events():
                strings.append(_plain_text(item))
                item.clear()
    return strings


def holds_booleans(path: Path, sheet: str) -> bool:
    """Whether sheet `sheet` has a TRUE or FALSE cell (True also when that cannot be told).
    Inflates the sheet's XML a megabyte at a time, without zipfile's CRC (the read checks it)."""
    try:
        package = xlsxpackage.Package(path)
    except (OSError, zipfile.BadZipFile):
        return True
    try:
        found = package.located(xlsxpackage.sheet_part(package.zip, sheet))
        if found is None:
            return True
        offset, remaining = found[:2]
        inflate, tail = zlib.decompressobj(-15), b""
        while remaining:
            compressed = package.read_at(offset, min(remaining, 1 << 20))
            if not compressed:
                return True
            offset, remaining = offset + len(compressed), remaining - len(compressed)
            xml = inflate.decompress(compressed)
            seam = tail + xml[:8]  # a marker split between two pieces
            if any(marker in xml or marker in seam for marker in _BOOLEAN_CELLS):
                return True
            tail = xml[-8:]
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, zlib.error, xlsxpackage.PackageError):
        return True
    finally:
        package.close()
    return False
