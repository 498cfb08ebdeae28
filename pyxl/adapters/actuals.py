"""Actuals kept beside the workbook: Parquet, CSV (or .csv.gz) files and globs of them, and tables
of DuckDB files, read through DuckDB; and tables of a PostgreSQL database or a Spark cluster,
read through Ibis.

The source stands in for the workbook's Actuals sheet, and its rows stay where they are: an
`Engine` of each kind is handed to `adapters.pushdown`, which sums them there with every rule
of the sheet. Data Quality counts the header as row 1, as a CSV opened in Excel does.
"""

from __future__ import annotations

import atexit
import functools
import glob
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import duckdb
import pandas as pd
import pyarrow as pa

from pyxl.adapters.passwords import password
from pyxl.adapters.pushdown import DATE, NUMBER, TEXT, Column, Engine, EngineActuals, quoted
from pyxl.core import schema
from pyxl.core.cleaning.cells import RawSheet
from pyxl.core.errors import BadArgument, UnusableWorkbook, first_line
from pyxl.core.inputs import WorkbookReader
from pyxl.core.settings import Settings

FILE_READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".gz": "read_csv", ".tsv": "read_csv"}
DATABASE_FILES = (".duckdb", ".db")
# Databases reached through Ibis (the `warehouse` extra). The password never comes from the
# workbook or the command line: SALESTRACK_DB_PASSWORD, else the keyring entry for user@host.
DATABASE_SCHEMES = ("postgres", "postgresql", "spark")
PASSWORD_VARIABLE = "SALESTRACK_DB_PASSWORD"
DUCKDB_MEMORY = "1GB"
ARROW_TEXT = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}
NUMERIC_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
}


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
        """The workbook's own sheets. The actuals are never read as a sheet: `pushed_actuals`
        sums them where they are kept."""
        if name == schema.ACTUALS.name:
            raise NotImplementedError("actuals beside the workbook are read through pushed_actuals")
        return self.workbook.read_sheet(name)

    def pushed_actuals(self, settings: Settings) -> EngineActuals:
        """The actuals summed where they are kept (see adapters.pushdown)."""
        engine = self._engine()
        try:
            name = f"{self.source} ({self.table})" if self.table else self.source
            return EngineActuals(engine, settings, name)
        except (UnusableWorkbook, BadArgument):
            raise
        except Exception as error:  # the engine's own words: a damaged file, a type it cannot cast
            raise UnusableWorkbook(
                "actuals_unreadable", source=self.source, table=self.table, reason=first_line(error)
            ) from None

    def _engine(self) -> Engine:
        if "://" in self.source:
            connection, shown, spark = _database(self.source, self.table)
            assert self.table is not None
            try:
                return IbisEngine(connection, self.table, spark)
            except Exception as error:
                raise UnusableWorkbook(
                    "actuals_table_missing", source=shown, table=self.table, reason=first_line(error)
                ) from None
        files = self._files()
        connection = self._connect(files)
        try:
            relation = self._relation(connection, files)
            connection.sql(f"CREATE TEMP VIEW st_source AS {relation.sql_query()}")
        except duckdb.Error as error:
            connection.close()
            key = "actuals_table_missing" if self.table else "actuals_unreadable"
            raise UnusableWorkbook(
                key, source=self.source, table=self.table, reason=first_line(error)
            ) from None
        return DuckDBEngine(connection, "st_source")

    def _files(self) -> list[str]:
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

    def _connect(self, files: list[str]) -> duckdb.DuckDBPyConnection:
        # DuckDB takes most of the machine's memory by default; held to a bound, it works through
        # fifty million rows by spilling to a temporary folder (removed when the process ends).
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": DUCKDB_MEMORY,
            "temp_directory": _spill_folder(),
        }
        if Path(files[0]).suffix.lower() in DATABASE_FILES:
            return duckdb.connect(files[0], read_only=True, config=config)
        return duckdb.connect(":memory:", config=config)

    def _relation(self, connection: duckdb.DuckDBPyConnection, files: list[str]) -> duckdb.DuckDBPyRelation:
        suffix = Path(files[0]).suffix.lower()
        if suffix in DATABASE_FILES:
            return connection.table(str(self.table))
        reader = FILE_READERS[suffix]
        # CSV cells are read as the text they hold, as a sheet's cells are.
        options = ", all_varchar = true, header = true" if reader == "read_csv" else ""
        return connection.sql(f"SELECT * FROM {reader}({files!r}{options})")


class DuckDBEngine:
    """A DuckDB connection as the pushdown's `Engine`."""

    row_number = "row_number() OVER ()"

    def __init__(self, connection: duckdb.DuckDBPyConnection, source: str) -> None:
        self.connection, self.source = connection, source
        weakref.finalize(self, connection.close)

    def columns(self) -> list[Column]:
        relation = self.connection.sql(f"SELECT * FROM {self.source} LIMIT 0")
        return [
            Column(name, _kind(str(kind)))
            for name, kind in zip(relation.columns, relation.types, strict=True)
        ]

    def put(self, name: str, frame: pd.DataFrame) -> None:
        self.connection.register(name, frame)

    def keep(self, name: str, sql: str) -> None:
        # Sums need no order, and DuckDB needs less memory for them when it may forget it.
        self.connection.execute("SET preserve_insertion_order = false")
        try:
            self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        finally:
            self.connection.execute("SET preserve_insertion_order = true")

    def get(self, sql: str) -> pd.DataFrame:
        found = self.connection.sql(sql).arrow()  # a table in older DuckDB, a reader in newer
        table = found.read_all() if isinstance(found, pa.RecordBatchReader) else found
        # Text stays in Arrow: ten million names as Python strings would take gigabytes.
        return table.to_pandas(types_mapper=ARROW_TEXT.get)


@functools.cache
def _spill_folder() -> str:
    folder = tempfile.mkdtemp(prefix="salestrack-duckdb-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _drop_views(connection, names: list[str]) -> None:
    for name in names:  # by Spark's catalog: Ibis's drop_view has the same nameless DROP VIEW
        connection._session.catalog.dropTempView(name)


def _kind(duckdb_type: str) -> str:
    if duckdb_type.startswith(("DATE", "TIMESTAMP")):
        return DATE
    if duckdb_type.split("(")[0] in NUMERIC_TYPES:
        return NUMBER
    return TEXT


def _database(source: str, table: str | None) -> tuple[Any, str, bool]:
    """An Ibis connection to the database the address names, the address as it may be shown,
    and whether it is Spark. Raises UnusableWorkbook saying what is wrong."""
    address = urlsplit(source)
    shown = _without_password(address)
    if address.scheme.split("+")[0].lower() not in DATABASE_SCHEMES:
        raise UnusableWorkbook("actuals_database_unsupported", source=shown)
    if address.password is not None:
        raise UnusableWorkbook("actuals_password_in_address", source=shown)
    if not table:
        raise UnusableWorkbook("actuals_table_needed", source=shown)
    spark = address.scheme.lower() == "spark"
    try:
        return _connect(address, spark), shown, spark
    except ImportError:
        raise UnusableWorkbook("actuals_needs_warehouse", source=shown) from None
    except Exception as error:  # refused, unreachable, wrong password: the driver says which
        raise UnusableWorkbook("actuals_unreachable", source=shown, reason=first_line(error)) from None


def _ibis_table(connection, table: str):
    *database, name = table.split(".")
    return connection.table(name, database=database[0] if database else None)


class IbisEngine:
    """A PostgreSQL or Spark connection through Ibis as the pushdown's `Engine`. sqlglot, Ibis's
    SQL layer, turns the DuckDB-dialect SQL into the engine's; it runs as raw SQL, since Ibis's own
    `sql()` fails on PostgreSQL with the newest sqlglot (it writes `DROP VIEW IF EXISTS` with no name)."""

    def __init__(self, connection, table: str, spark: bool) -> None:
        self.connection, self.spark = connection, spark
        self._views: list[str] = []
        if spark:  # the session may be the user's own, and others may still use it: tidy, not stop
            weakref.finalize(self, _drop_views, connection, self._views)
        else:
            weakref.finalize(self, connection.disconnect)
        self.relation = _ibis_table(connection, table)
        self.source = ".".join(quoted(part) for part in table.split("."))
        # Spark numbers rows only in an order; the order it reads them in is the one it has.
        self.row_number = (
            "row_number() OVER (ORDER BY monotonically_increasing_id())" if spark else "row_number() OVER ()"
        )

    def columns(self) -> list[Column]:
        return [
            Column(name, DATE if kind.is_temporal() else NUMBER if kind.is_numeric() else TEXT)
            for name, kind in self.relation.schema().items()
        ]

    def put(self, name: str, frame: pd.DataFrame) -> None:
        import ibis

        if self.spark:
            self.connection.create_view(name, ibis.memtable(frame))
            self._views.append(name)
        else:  # each name is put once per connection
            self.connection.create_table(name, ibis.memtable(frame), temp=True)

    def keep(self, name: str, sql: str) -> None:
        if self.spark:  # Spark keeps no temporary tables; a cached view serves the same end
            self._run(f"CREATE TEMPORARY VIEW {name} AS {self._translated(sql)}")
            self._run(f"CACHE TABLE {name}")
            self._views.append(name)
        else:
            self._run(f"CREATE TEMPORARY TABLE {name} AS {self._translated(sql)}")

    def get(self, sql: str) -> pd.DataFrame:
        found = self.connection.raw_sql(self._translated(sql))
        if self.spark:
            return found.toPandas()
        with found as cursor:
            return pd.DataFrame(cursor.fetchall(), columns=[column.name for column in cursor.description])

    def _run(self, sql: str) -> None:
        found = self.connection.raw_sql(sql)
        if not self.spark:
            found.close()

    def _translated(self, sql: str) -> str:
        import sqlglot

        return sqlglot.transpile(sql, read="duckdb", write="spark" if self.spark else "postgres")[0]


def _connect(address: SplitResult, spark: bool):
    """An Ibis connection: PostgreSQL at the address, or the Spark cluster at spark://HOST:PORT
    (spark://local: a Spark on this machine), joining a Spark session already running here."""
    import ibis

    if spark:
        from pyspark.sql import SparkSession

        master = "local[*]" if address.hostname == "local" else address.geturl()
        session = SparkSession.builder.master(master).appName("salestrack").getOrCreate()
        return ibis.pyspark.connect(session)
    return ibis.postgres.connect(
        host=address.hostname or "localhost",
        port=address.port or 5432,
        user=address.username,
        password=database_password(address),
        database=address.path.lstrip("/") or None,
    )


def database_password(address: SplitResult) -> str | None:
    """SALESTRACK_DB_PASSWORD, else the keyring's password for user@host; None for none."""
    return password(PASSWORD_VARIABLE, f"{address.username}@{address.hostname}" if address.username else None)


def _without_password(address: SplitResult) -> str:
    """The address as it may be shown: any password in it replaced by ***."""
    if address.password is None:
        return address.geturl()
    host = address.netloc.rsplit("@", 1)[-1]
    return address._replace(netloc=f"{address.username}:***@{host}").geturl()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
