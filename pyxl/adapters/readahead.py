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
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import fastexcel
    import pyarrow as pa


class _Read:
    """One sheet being read on a thread of its own."""

    def __init__(self, began: tuple[int, int], reader: fastexcel.ExcelReader, name: str) -> None:
        self.stamp = began
        self.cells: pa.RecordBatch | None = None
        self.columns: list[int] | None = None
        self.thread = threading.Thread(
            target=self._fill, args=(reader, name), daemon=True, name="salestrack-read-ahead"
        )

    def _fill(self, reader: fastexcel.ExcelReader, name: str) -> None:
        with contextlib.suppress(BaseException):  # a Rust panic too; the usual read tells it
            self.cells, self.columns = load_cells(reader, name)


_reads: dict[tuple[Path, str], _Read] = {}
M_ARENA_MAX = -8  # glibc's malloc.h


def stamp(path: Path) -> tuple[int, int] | None:
    """Size and modification time: what changes when another program saves the file."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def load_cells(reader: fastexcel.ExcelReader, name: str) -> tuple[pa.RecordBatch, list[int]]:
    """Every cell of sheet `name` as text, and the sheet column of each of the batch's columns."""
    columns: list[int] = []

    def keep(column: fastexcel.ColumnInfoNoDtype) -> bool:
        columns.append(column.absolute_index)  # calamine's range starts at the first used column
        return True

    # Eager: straight to Arrow without keeping calamine's range, about 0.4 s less per million rows.
    cells = reader.load_sheet(
        name, header_row=None, skip_rows=0, dtypes="string", eager=True, use_columns=keep
    )
    return cells, columns


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
        read = _Read(began, reader, name)
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


def take(path: Path, name: str) -> tuple[pa.RecordBatch, list[int]] | None:
    """The cells read ahead for sheet `name` of `path`, once, if the file is unchanged since."""
    read = _reads.pop((path.resolve(), name), None)
    if read is None:
        return None
    read.thread.join()
    if read.cells is None or read.columns is None or stamp(path) != read.stamp:
        return None
    return read.cells, read.columns
