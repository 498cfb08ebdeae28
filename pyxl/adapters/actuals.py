"""Actuals kept beside the workbook: Parquet, CSV (or .csv.gz) files and globs of them, and tables
of DuckDB files, read through DuckDB.

The source stands in for the workbook's Actuals sheet: its cells arrive as text, exactly as the
file reader gives a sheet's cells, so every rule (aliases, `Alias:` settings, numbers and dates
typed as text, split credit, groups) applies unchanged and the figures equal those of the same
rows in an Actuals sheet. Data Quality counts the header as row 1, as a CSV opened in Excel does.
"""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import duckdb
import pandas as pd

from pyxl.core import schema
from pyxl.core.errors import UnusableWorkbook, first_line
from pyxl.core.inputs import RawSheet, WorkbookReader

FILE_READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".gz": "read_csv", ".tsv": "read_csv"}
DATABASE_FILES = (".duckdb", ".db")
# Dates and times as the file reader renders date cells, so one parser serves both.
_AS_CELL_TEXT = "strftime(CAST({column} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S')"
_AS_TEXT = "CAST({column} AS VARCHAR)"


class ExternalActuals:
    """A workbook whose Actuals sheet is replaced by a file or table beside it."""

    def __init__(self, workbook: WorkbookReader, source: str, table: str | None, folder: Path) -> None:
        self.workbook, self.source, self.table = workbook, source.strip(), (table or "").strip() or None
        self.folder = folder

    @property
    def name(self) -> str:
        return self.workbook.name

    def sheet_names(self) -> list[str]:
        actuals = {schema.normalise(n) for n in schema.ACTUALS.names}
        kept = [n for n in self.workbook.sheet_names() if schema.normalise(n) not in actuals]
        return [*kept, schema.ACTUALS.name]

    def read_sheet(self, name: str) -> RawSheet:
        if name != schema.ACTUALS.name:
            return self.workbook.read_sheet(name)
        return RawSheet(name, self._cells())

    def fingerprint(self, name: str) -> str | None:
        """For the actuals: each file's path, size and modification time, and the table; a file
        that changes changes at least one of them. Other sheets: the workbook's own."""
        if name != schema.ACTUALS.name:
            inner = getattr(self.workbook, "fingerprint", None)
            return inner(name) if callable(inner) else None
        try:
            stats = [(path, os.stat(path).st_size, os.stat(path).st_mtime_ns) for path in self._files()]
        except (OSError, UnusableWorkbook):
            return None  # the read says what is wrong
        return json.dumps([stats, self.table])

    def cell_formats(self) -> tuple[str, ...]:
        return ()  # a file's values do not depend on the workbook's cell styles

    def _cells(self) -> pd.DataFrame:
        connection = self._connect()
        try:
            relation = self._relation(connection)
            columns = [
                (
                    _AS_CELL_TEXT
                    if str(kind).startswith(("DATE", "TIMESTAMP"))
                    else "CAST({column} AS VARCHAR)"
                ).format(column=_quoted(column))
                for column, kind in zip(relation.columns, relation.types, strict=True)
            ]
            data = relation.project(", ".join(columns)).df()
            header = pd.DataFrame([relation.columns])
        except duckdb.Error as error:
            key = "actuals_table_missing" if self.table else "actuals_unreadable"
            raise UnusableWorkbook(
                key, source=self.source, table=self.table, reason=first_line(error)
            ) from None
        finally:
            connection.close()
        data.columns = range(len(data.columns))
        return pd.concat([header, data], ignore_index=True).astype("string")

    def _files(self) -> list[str]:
        if "://" in self.source:
            raise UnusableWorkbook("actuals_database_unsupported", source=self.source)
        pattern = self.source if Path(self.source).is_absolute() else str(self.folder / self.source)
        files = sorted(glob.glob(pattern))
        if not files:
            raise UnusableWorkbook("actuals_missing", source=self.source, folder=self.folder)
        suffix = Path(files[0]).suffix.lower()
        if suffix not in FILE_READERS and suffix not in DATABASE_FILES:
            raise UnusableWorkbook("actuals_kind", source=self.source)
        if suffix in DATABASE_FILES and not self.table:
            raise UnusableWorkbook("actuals_table_needed", source=self.source)
        return files

    def _connect(self) -> duckdb.DuckDBPyConnection:
        files = self._files()
        if Path(files[0]).suffix.lower() in DATABASE_FILES:
            return duckdb.connect(files[0], read_only=True)
        return duckdb.connect(":memory:")

    def _relation(self, connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
        files = self._files()
        suffix = Path(files[0]).suffix.lower()
        if suffix in DATABASE_FILES:
            return connection.table(str(self.table))
        reader = FILE_READERS[suffix]
        # CSV cells are read as the text they hold, as a sheet's cells are.
        options = ", all_varchar = true, header = true" if reader == "read_csv" else ""
        return connection.sql(f"SELECT * FROM {reader}({files!r}{options})")


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
