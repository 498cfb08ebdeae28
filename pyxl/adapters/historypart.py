"""The History sheet's zip entry, appended to without re-rendering or recompressing its past.

A year of daily refreshes of 2,000 targets is 700,000 rows, some 400 MB of sheet XML: rendering
or deflating that again on every refresh would cost seconds. So salestrack writes the entry as a
chain of deflate segments, each compressed on its own and ended with a sync flush (byte-aligned,
not final), then a final stored block holding the sheet's closing XML and a ledger:

    [title and header rows] [as-of date 1's rows] … [as-of date n's rows] [</sheetData>…, ledger]

The ledger (an XML comment, which Excel ignores) records, after each segment, the compressed
length, the CRC-32 and size of everything so far, and the last sheet row. A refresh for a new
date keeps every segment's compressed bytes, adds one, and writes a new final block; a refresh
for the last date replaces only its segment. Anything else (an older date, History grown past a
sheet, another language, or an entry Excel has saved since, whose ledger is gone) is a full
rewrite, which lays the segments down again so the next refresh is cheap.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pandas as pd

from pyxl.adapters import sheetxml
from pyxl.core.schema import column_letter

LEDGER_START, LEDGER_END = b"<!--salestrack-history ", b"-->"
LEDGER_VERSION = 1
STORED_BLOCK_LIMIT = 65535  # bytes a deflate stored block holds
_DIMENSION = re.compile(rb"<dimension [^>]*/>")
_STYLE = re.compile(rb'<c r="([A-Z]+)\d+"(?: s="(\d+)")?')


@dataclass(frozen=True)
class Segment:
    """After one segment: compressed bytes so far, CRC-32 and size of the XML so far, last row."""

    as_of: str  # the segment's as-of date (ISO), "" for the title and header rows
    end: int
    crc: int
    size: int
    rows: int


@dataclass(frozen=True)
class Entry:
    """A History zip entry: its CRC-32 and uncompressed size, and its compressed bytes: the old
    entry's first `kept` (copied file to file when the workbook is saved, never read into
    memory: a year of History is 80 MB of them), then `compressed`."""

    compressed: bytes
    crc: int
    size: int
    kept: int = 0


@dataclass(frozen=True)
class Stored:
    """An entry as the workbook holds it, read only where needed: `read(start, stop)` gives
    that range of its compressed bytes."""

    length: int
    crc: int
    size: int
    read: Callable[[int, int], bytes]

    @classmethod
    def holding(cls, entry: Entry) -> Stored:
        """An entry in memory, whole (`kept` 0), as a stored one."""
        data = entry.compressed
        return cls(len(data), entry.crc, entry.size, lambda start, stop: data[start:stop])


def split(xml: bytes) -> tuple[bytes, bytes, bytes]:
    """A rendered History sheet's XML as (everything through the header row, the data rows,
    everything from </sheetData>). The dimension element goes: it would be stale after appends."""
    xml = _DIMENSION.sub(b"", xml)
    first_data = xml.find(b'<row r="3"')
    closing = xml.index(b"</sheetData>")
    if first_data < 0:
        first_data = closing
    return xml[:first_data], xml[first_data:closing], xml[closing:]


def column_styles(sample: bytes) -> dict[str, str]:
    """Each column's style (by letter) in a rendered sample row with a value in every column."""
    return {m[1].decode(): (m[2] or b"").decode() for m in _STYLE.finditer(sample)}


def rows_xml(rows: pd.DataFrame, first_row: int, styles: dict[str, str]) -> bytes:
    """Sheet rows for `rows` (as the sheet shows them), from `first_row`, each column in its
    style (by letter, from `column_styles`)."""
    columns = [(rows[name], styles.get(column_letter(index), "")) for index, name in enumerate(rows.columns)]
    return sheetxml.rows_xml(columns, first_row).encode("utf-8")


def segments_by_date(rows: bytes, counts: list[tuple[str, int]]) -> list[tuple[str, bytes, int]]:
    """Data rows (from sheet row 3) cut into one piece per as-of date, given each date's row
    count in order."""
    pieces, start, row = [], 0, 3
    for as_of, count in counts:
        row += count
        match = re.compile(rb'<row r="%d"' % row).search(rows, start)
        end = match.start() if match else len(rows)
        pieces.append((as_of, rows[start:end], row - 1))
        start = end
    return pieces


def _sync_compressed(data: bytes) -> bytes:
    """`data` as deflate blocks that end byte-aligned and not final, standing on their own."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _final_stored(data: bytes) -> bytes:
    """`data` as stored (uncompressed) deflate blocks, the last one final."""
    blocks = [data[i : i + STORED_BLOCK_LIMIT] for i in range(0, len(data), STORED_BLOCK_LIMIT)] or [b""]
    out = bytearray()
    for index, block in enumerate(blocks):
        out.append(1 if index == len(blocks) - 1 else 0)
        out += struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    return bytes(out)


def _tail_with_ledger(tail: bytes, head_crc: int, segments: list[Segment]) -> bytes:
    ledger = {"version": LEDGER_VERSION, "head": head_crc, "segments": [asdict(s) for s in segments]}
    comment = LEDGER_START + json.dumps(ledger, separators=(",", ":")).encode() + LEDGER_END
    closing = tail.rindex(b"</worksheet>")
    return tail[:closing] + comment + tail[closing:]


def compose(head: bytes, pieces: list[tuple[str, bytes, int]], tail: bytes) -> Entry:
    """A whole entry from the head, the data pieces (as-of date, rows XML, last sheet row), and
    the tail."""
    compressed = bytearray(_sync_compressed(head))
    crc, size = zlib.crc32(head), len(head)
    segments = [Segment("", len(compressed), crc, size, 2)]
    for as_of, rows, last_row in pieces:
        compressed += _sync_compressed(rows)
        crc, size = zlib.crc32(rows, crc), size + len(rows)
        segments.append(Segment(as_of, len(compressed), crc, size, last_row))
    return _finish(compressed, crc, size, segments, zlib.crc32(head), tail)


def _finish(
    compressed: bytearray,
    crc: int,
    size: int,
    segments: list[Segment],
    head_crc: int,
    tail: bytes,
    kept: int = 0,
) -> Entry:
    closing = _tail_with_ledger(tail, head_crc, segments)
    compressed += _final_stored(closing)
    return Entry(bytes(compressed), zlib.crc32(closing, crc), size + len(closing), kept)


def ledger_of(entry: Stored) -> tuple[int, list[Segment]] | None:
    """The head's CRC and the segments of an entry salestrack wrote and nobody changed since;
    None otherwise (another program saved it, or it is not ours). Reads only the entry's end."""
    window_start = max(0, entry.length - 2 * STORED_BLOCK_LIMIT)
    window = entry.read(window_start, entry.length)
    start = window.rfind(LEDGER_START)
    if start < 0:
        return None
    end = window.find(LEDGER_END, start)
    try:
        ledger = json.loads(window[start + len(LEDGER_START) : end])
        segments = [Segment(**s) for s in ledger["segments"]]
        head_crc = int(ledger["head"])
        if ledger.get("version") != LEDGER_VERSION or not segments:
            return None
    except (ValueError, TypeError, KeyError):
        return None
    last = segments[-1]
    if not 0 < last.end < entry.length:
        return None
    final = (
        window[last.end - window_start :] if last.end >= window_start else entry.read(last.end, entry.length)
    )
    try:
        closing = zlib.decompress(final, -15)
    except zlib.error:
        return None
    if zlib.crc32(closing, last.crc) != entry.crc or last.size + len(closing) != entry.size:
        return None
    return head_crc, segments


def appended(
    old: Stored,
    head: bytes,
    rows: Callable[[int], bytes],
    count: int,
    as_of: str,
    tail: bytes,
    limit: int,
) -> Entry | None:
    """`old` with `as_of`'s `count` rows put in (`rows(first)` renders them from sheet row
    `first`): after the last segment, or in place of it when it is the same date; the old
    segments kept are not read. None when only a full rewrite can do it (see the module's
    docstring)."""
    found = ledger_of(old)
    if found is None:
        return None
    head_crc, segments = found
    if head_crc != zlib.crc32(head):
        return None
    kept = segments[:-1] if segments[-1].as_of == as_of else segments
    if any(s.as_of == as_of for s in kept) or kept[-1].rows + count > limit:
        return None
    last = kept[-1]
    piece = rows(last.rows + 1)
    added = bytearray(_sync_compressed(piece))
    crc, size = zlib.crc32(piece, last.crc), last.size + len(piece)
    segments = [*kept, Segment(as_of, last.end + len(added), crc, size, last.rows + count)]
    return _finish(added, crc, size, segments, head_crc, tail, kept=last.end)
