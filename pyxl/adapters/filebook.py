"""The workbook file on disk: input sheets read with fastexcel, output sheets spliced in losslessly."""

from __future__ import annotations

import datetime as dt
import os
import stat
import weakref
import zipfile
from pathlib import Path

import fastexcel
import pandas as pd

from pyxl.adapters import readahead, xlsxpackage
from pyxl.adapters.xlsxguard import StrayCell, check_package, without_strays
from pyxl.core import schema
from pyxl.core.cleaning.cells import RawSheet, TypedRows
from pyxl.core.errors import UnusableWorkbook, first_line
from pyxl.core.history import HISTORY_COLUMNS
from pyxl.core.parsing import as_text
from pyxl.views import i18n
from pyxl.views.history import HistoryUpdate, history_from_cells, sample_row
from pyxl.views.outputs import Progress
from pyxl.views.sheets import OUTPUT_MARKER, SheetSpec

WRITABLE_SUFFIXES = (".xlsx", ".xlsm")
READ_ONLY_SUFFIXES = (".xls", ".ods")  # read (track, kpis, validate), never written


def check_readable(path: Path) -> list[StrayCell]:
    """Raise UnusableWorkbook when `path` cannot be a workbook; the stray cells a reader must
    not be given (check_package)."""
    if not path.exists():
        raise UnusableWorkbook("file_missing", path=path)
    if path.is_dir():
        raise UnusableWorkbook("file_is_folder", path=path)
    if not os.access(path, os.R_OK):
        raise UnusableWorkbook("not_readable", name=path.name)
    return check_package(path)


def lock_holder(path: Path) -> str | None:
    """The lock file Excel or LibreOffice keeps beside a workbook it has open, if any."""
    for name in (f"~${path.name}", f".~lock.{path.name}#"):
        if (path.parent / name).exists():
            return name
    return None


def _named(path: Path, strays: list[StrayCell]) -> list[tuple[str, int, int]]:
    """Stray cells as (sheet name, row, column number)."""
    if not strays:
        return []
    with zipfile.ZipFile(path) as package:
        names = xlsxpackage.sheet_names_by_part(package)
    return [(names.get(cell.part, cell.part), cell.row, cell.column) for cell in strays]


class FileWorkbook:
    """A workbook file's input sheets, each cell read as text by fastexcel."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        strays = check_readable(self.path)
        self.stray_cells = _named(self.path, strays)
        readable = self.path
        if strays:  # read from a copy without them, removed when this reader goes
            readable = without_strays(self.path, strays)
            weakref.finalize(self, readable.unlink, missing_ok=True)
        self._readable = readable
        try:
            self._reader = fastexcel.read_excel(str(readable))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # fastexcel's own errors, and a Rust panic (a BaseException)
            raise UnusableWorkbook("unopenable", name=self.path.name, reason=first_line(error)) from None

    @property
    def name(self) -> str:
        return self.path.name

    def sheet_names(self) -> list[str]:
        return list(self._reader.sheet_names)

    def read_sheet(self, name: str) -> RawSheet:
        read = readahead.take(self.path, name) or self._load(name, typed=True)
        cells = _frame(read)
        if read.header is None or read.head is None:
            return RawSheet(name, cells)
        head = pd.DataFrame(
            [[row[c] if c < len(row) else None for c in read.columns] for row in read.head],
            columns=read.columns,
            dtype=object,
        )

        def as_text() -> pd.DataFrame:  # read only if the header is not where it was found
            return _frame(self._load(name, typed=False))

        return RawSheet(name, head, typed=TypedRows(read.header, cells, as_text))

    def _load(self, name: str, typed: bool) -> readahead.Cells:
        """Sheet `name`'s cells, its Actuals typed where `typed` (readahead.load_cells)."""
        actuals = schema.find_sheets(self.sheet_names(), [schema.ACTUALS]).get(schema.ACTUALS.key)
        writable = self._readable.suffix.lower() in WRITABLE_SUFFIXES
        try:
            return readahead.load_cells(
                self._reader, name, self._readable if typed and writable and name == actuals else None
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # an empty sheet loads as empty: this is damage
            raise UnusableWorkbook(
                "sheet_damaged", name=self.path.name, sheet=name, reason=first_line(error)
            ) from None

    def read_values(self, name: str, skip_rows: int) -> pd.DataFrame:
        """A sheet's values below its first `skip_rows` rows as text, numbers at full precision
        (Python's shortest exact form), for sheets read back rather than typed by people."""
        try:
            frame = self._reader.load_sheet(name, header_row=None, skip_rows=skip_rows).to_pandas()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:
            raise UnusableWorkbook(
                "sheet_damaged", name=self.path.name, sheet=name, reason=first_line(error)
            ) from None
        frame.columns = list(range(frame.shape[1]))
        return frame.apply(as_text)

    def fingerprint(self, name: str) -> str | None:
        """What the cells of sheet `name` are made of (xlsxpackage.cells_fingerprint). Style
        changes are checked apart (cell_formats), since each refresh adds styles. None (not
        cached) for an .xls or .ods."""
        if self.path.suffix.lower() in READ_ONLY_SUFFIXES:
            return None
        return xlsxpackage.cells_fingerprint(self.path, name)

    def cell_formats(self) -> tuple[str, ...]:
        """The number format of every cell style, in order: a cell's date-ness comes from it."""
        try:
            with zipfile.ZipFile(self.path) as package:
                return xlsxpackage.cell_formats(package)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            return ()


def _frame(read: readahead.Cells) -> pd.DataFrame:
    """Cells as read, as a frame whose columns are labelled by sheet column."""
    return read.batch.to_pandas().set_axis(read.columns, axis=1)


def refuse_unwritable_kind(path: Path) -> None:
    """An .xls or .ods is read, never written: say so before anything is read."""
    if path.suffix.lower() in READ_ONLY_SUFFIXES:
        raise UnusableWorkbook("refresh_needs_xlsx", name=path.name)


class FileOutput:
    """Writes output sheets into the workbook at `source`, or into a copy at `destination`.

    The sheets are rendered by XlsxWriter into a scratch workbook whose parts are moved into the
    user's package; every other part is copied unchanged.
    """

    def __init__(self, source: Path | str, destination: Path | str | None = None) -> None:
        self.source = Path(source)
        self.destination = Path(destination) if destination else self.source
        self.written_to = self.destination
        # Refused before any work is done, so the user hears at once.
        refuse_unwritable_kind(self.source)
        if self.destination.suffix.lower() not in WRITABLE_SUFFIXES:
            raise UnusableWorkbook("not_writable_type", name=self.destination.name)
        if not self.destination.parent.is_dir():
            raise UnusableWorkbook("no_folder", folder=self.destination.parent)
        if self.destination.exists() and not self.destination.stat().st_mode & stat.S_IWUSR:
            raise UnusableWorkbook("read_only", name=self.destination.name)
        holder = lock_holder(self.destination)
        if holder:
            age = dt.datetime.now() - dt.datetime.fromtimestamp(
                (self.destination.parent / holder).stat().st_mtime
            )
            if age > dt.timedelta(days=1):  # Excel left it behind when it crashed, most likely
                raise UnusableWorkbook("locked_stale", name=self.destination.name, lock=holder, days=age.days)
            raise UnusableWorkbook("locked", name=self.destination.name, lock=holder)
        self._stamp = readahead.stamp(self.destination)
        # XlsxWriter loads only where sheets will be written, and now rather than after the work:
        # on a first refresh, the Actuals sheet is still being read on another thread.
        from pyxl.adapters.xlsxrender import render_workbook

        self._render = render_workbook
        self.unreadable_history: list[int] = []  # History rows a full rewrite could not read back

    def _whole_history(
        self, history: HistoryUpdate, existing: str | None
    ) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
        """History's rows whole (those already in sheet `existing`, read back, and this
        refresh's), as the sheet shows them, with each as-of date's row count, for when History
        cannot simply be appended to."""
        old = pd.DataFrame(columns=HISTORY_COLUMNS)
        if existing is not None:
            reader = FileWorkbook(self.source)
            headers = reader.read_sheet(existing).cells.head(2)
            headers.columns = list(range(headers.shape[1]))
            cells = pd.concat([headers, reader.read_values(existing, 2)], ignore_index=True)
            old, self.unreadable_history = history_from_cells(cells, history.settings.language)
        rows, counts = history.merged(old)
        return history.worded(rows), counts

    def _unchanged(self) -> bool:
        """Right before the replace: nobody saved or opened the destination since we began."""
        return readahead.stamp(self.destination) == self._stamp and lock_holder(self.destination) is None

    def sheet_owners(self) -> dict[str, bool]:
        return xlsxpackage.sheet_owners(self.source, OUTPUT_MARKER)

    def write_sheets(
        self, specs: list[SheetSpec], progress: Progress, history: HistoryUpdate | None = None
    ) -> None:
        progress(i18n.said("progress_formatting"))
        appending = None
        if history is not None:
            # History's rows are written by historypart, a format per column: XlsxWriter renders
            # the sheet around one sample row that shows each column's style.
            specs = [history.sheet(sample_row()) if spec is history.spec else spec for spec in specs]
            appending = xlsxpackage.HistoryAppend(
                history.spec.name,
                history.spec.former_names,
                history.as_of,
                history.worded(history.snapshot),
                lambda existing: self._whole_history(history, existing),
            )
        scratch = self._render(specs)
        progress(i18n.said("progress_saving", name=self.destination.name))
        names, former = [s.name for s in specs], [s.former_names for s in specs]
        try:
            self.written_to = xlsxpackage.write_sheets(
                self.source, scratch, names, self.destination, self._unchanged, former, appending
            )
        except PermissionError:
            folder = self.destination.parent
            if not os.access(folder, os.W_OK):
                raise UnusableWorkbook("folder_read_only", folder=folder) from None
            raise UnusableWorkbook("replace_refused", name=self.destination.name) from None
        except xlsxpackage.PackageError as error:
            raise UnusableWorkbook("left_unchanged", name=self.destination.name, reason=str(error)) from None
