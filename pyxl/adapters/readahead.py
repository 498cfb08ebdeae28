"""The Actuals sheet read on another thread while Python is still loading pandas.

A first refresh of a large workbook spends most of its time in fastexcel reading the Actuals
sheet, which runs without Python's lock, after about 0.4 s of importing pandas and the pipeline.
The command line starts the read before those imports (`reading_ahead`); the file adapter takes
its cells when it reads that sheet (`take`).

Nothing here needs pandas. A read is started only where it will be used: for the sheet the
pipeline reads as Actuals, when the actuals cache holds nothing made from its cells. It runs on a
daemon thread, so one that is never taken (the Settings name an actuals source, or the command
stops at a problem first) never holds the process, and is dropped when the command ends. Its
cells are taken only while the file is as it was when the read began.

The Actuals sheet is read typed where it can be (`load_cells`): fastexcel turning a million
amounts and dates into text, and the cleaning parsing them back, took 0.5 s of a first refresh.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyxl.core import schema

if TYPE_CHECKING:
    import fastexcel
    import pyarrow as pa

# What a typed column may come back as: its type throughout, or text where its cells are mixed.
_KEPT_TYPES = ("double", "timestamp", "date32", "string", "large_string", "null")


@dataclass
class Cells:
    """A sheet's cells as read, each `columns` entry the sheet column of one of the batch's: every
    cell as text, or, with `header` (a row of `head`), the rows below that row with number and
    date columns typed, and `head`, the sheet's first rows as text."""

    batch: pa.RecordBatch
    columns: list[int]
    header: int | None = None
    head: list[list[str | None]] | None = None


class _Read:
    """One sheet being read on a thread of its own."""

    def __init__(self, began: tuple[int, int], reader: fastexcel.ExcelReader, name: str, path: Path) -> None:
        self.stamp = began
        self.cells: Cells | None = None
        self.thread = threading.Thread(
            target=self._fill, args=(reader, name, path), daemon=True, name="salestrack-read-ahead"
        )

    def _fill(self, reader: fastexcel.ExcelReader, name: str, path: Path) -> None:
        with contextlib.suppress(BaseException):  # a Rust panic too; the usual read tells it
            self.cells = load_cells(reader, name, path)


_reads: dict[tuple[Path, str], _Read] = {}
M_ARENA_MAX = -8  # glibc's malloc.h


def stamp(path: Path) -> tuple[int, int] | None:
    """Size and modification time: what changes when another program saves the file."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def load_cells(reader: fastexcel.ExcelReader, name: str, actuals: Path | None = None) -> Cells:
    """The cells of sheet `name`: typed below its header where it is the Actuals sheet of the
    workbook at `actuals` and that can be done safely (`_typed`), as text otherwise."""
    if actuals is not None:
        with contextlib.suppress(Exception):  # fastexcel's errors: the text read tells them
            typed = _typed(reader, name, actuals)
            if typed is not None:
                return typed
    columns: list[int] = []
    # Eager: straight to Arrow without keeping calamine's range, about 0.4 s less per million rows.
    cells = reader.load_sheet(
        name, header_row=None, skip_rows=0, dtypes="string", eager=True, use_columns=_noting(columns)
    )
    return Cells(cells, columns)


def _noting(columns: list[int]) -> Callable[[fastexcel.ColumnInfoNoDtype], bool]:
    def keep(column: fastexcel.ColumnInfoNoDtype) -> bool:
        columns.append(column.absolute_index)  # calamine's range starts at the first used column
        return True

    return keep


def _typed(reader: fastexcel.ExcelReader, name: str, path: Path) -> Cells | None:
    """The Actuals rows below the header found in the sheet's first rows, each number and date
    column typed from all of its cells (text where they are mixed), every other column text;
    None where the header is not found without the Settings' aliases, or the sheet has a TRUE or
    FALSE cell (fastexcel would count it as 1 in a column of numbers)."""
    from pyxl.adapters import sheetpeek

    # Its note that a blank column is read as text is no message for a manager.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    head = sheetpeek.first_rows(path, name, schema.HEADER_SEARCH_ROWS)
    found = schema.find_header(head, schema.ACTUALS) if head else None
    if head is None or found is None:
        return None
    header, mapping = found
    typed = {position for position, key in mapping.items() if schema.ACTUALS.column(key).kind != "text"}
    text: fastexcel.DTypeMap = {
        position: "string" for position in range(len(head[0])) if position not in typed
    }
    booleans: list[bool] = []
    scan = threading.Thread(target=lambda: booleans.append(sheetpeek.holds_booleans(path, name)))
    scan.start()
    columns: list[int] = []
    batch = reader.load_sheet(
        name,
        header_row=None,
        skip_rows=header + 1,
        dtypes=text,  # by sheet column
        schema_sample_rows=None,  # a column's type from all of its cells
        eager=True,
        use_columns=_noting(columns),
    )
    scan.join()
    if booleans != [False] or not all(str(field.type).startswith(_KEPT_TYPES) for field in batch.schema):
        return None
    return Cells(batch, columns, header, head)


def _share_one_heap() -> None:
    """Have glibc serve every thread from the main heap. A thread's own heap grows a few pages
    at a time (some 30,000 mprotect calls for a million rows read), and the main thread, which
    cleans those rows next, cannot reuse what it freed: 0.3 s more of a first refresh. Takes
    effect only before a thread has a heap of its own; elsewhere (Windows, macOS) nothing to do."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(Exception):  # another C library (musl) may have no mallopt
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)


def start(path: Path) -> None:
    """Begin reading the Actuals sheet of the workbook at `path`, unless the actuals cache holds
    its cells. Never raises: whatever fails here is met again, and told, in the usual read."""
    try:
        import fastexcel

        from pyxl.adapters import actualscache, xlsxpackage
        from pyxl.adapters.xlsxguard import check_package
        from pyxl.core import schema

        began = stamp(path)
        if check_package(path):  # stray cells: read from a copy without them, in the usual read
            return
        reader = fastexcel.read_excel(str(path))
        name = schema.find_sheets(reader.sheet_names, [schema.ACTUALS]).get(schema.ACTUALS.key)
        if began is None or name is None:
            return
        cache = actualscache.user_cache()
        cells = xlsxpackage.cells_fingerprint(path, name) if cache is not None else None
        if cache is not None and (cells is None or cache.read_ahead(cells)):
            return
        read = _Read(began, reader, name, path)
        _share_one_heap()
        read.thread.start()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a refused package, fastexcel's errors, a Rust panic, no threads (Pyodide)
        return
    _reads[(path.resolve(), name)] = read


@contextlib.contextmanager
def reading_ahead(path: Path) -> Iterator[None]:
    """`start` for the length of a command; a read it did not take is dropped at the end."""
    start(path)
    try:
        yield
    finally:
        for key in [key for key in _reads if key[0] == path.resolve()]:
            del _reads[key]
        from pyxl.adapters import actualscache

        actualscache.forget_read_ahead()


def take(path: Path, name: str) -> Cells | None:
    """The cells read ahead for sheet `name` of `path`, once, if the file is unchanged since."""
    read = _reads.pop((path.resolve(), name), None)
    if read is None:
        return None
    read.thread.join()
    if read.cells is None or stamp(path) != read.stamp:
        return None
    return read.cells
