"""Actuals beside the workbook (Parquet, CSV, DuckDB, PostgreSQL) give the figures the same rows
give in a sheet."""

import contextlib
import gzip
import hashlib
import json
import os
import uuid

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import D, basic_sheets, unavailable, write_book

from pyxl.cli import main

AS_OF = "2025-05-15"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def beside(tmp_path):
    """The basic workbook without its Actuals sheet, and its actuals in every kind of source."""
    sheets = basic_sheets()
    rows = sheets.pop("Actuals")
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    frame.to_parquet(tmp_path / "sales.parquet")
    frame.iloc[:3].to_parquet(tmp_path / "part-1.parquet")
    frame.iloc[3:].to_parquet(tmp_path / "part-2.parquet")
    frame.to_csv(tmp_path / "sales.csv", index=False)
    with gzip.open(tmp_path / "sales.csv.gz", "wt", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False)
    with duckdb.connect(str(tmp_path / "sales.duckdb")) as connection:
        connection.sql("CREATE TABLE sales AS SELECT * FROM frame")
    book = write_book(tmp_path / "targets.xlsx", sheets)
    whole = write_book(tmp_path / "whole.xlsx", basic_sheets())
    return book, whole


@pytest.mark.parametrize(
    "source",
    [
        ["sales.parquet"],
        ["part-*.parquet"],
        ["sales.csv"],
        ["sales.csv.gz"],
        ["sales.duckdb", "--actuals-table", "sales"],
    ],
    ids=["parquet", "glob", "csv", "csv.gz", "duckdb"],
)
def test_a_source_gives_the_figures_of_the_same_rows_in_a_sheet(beside, source):
    book, whole = beside
    expected = run("track", whole, "--as-of", AS_OF, "--format", "json").output
    result = run("track", book, "--as-of", AS_OF, "--format", "json", "--actuals", *source)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(expected)


def test_the_settings_name_the_source_and_refresh_writes_the_sheets(beside, tmp_path):
    book, _ = beside
    sheets = basic_sheets()
    del sheets["Actuals"]
    sheets["设置"] = [["设置项", "值"], ["实际数据源", "sales.duckdb"], ["实际数据表", "sales"]]
    book = write_book(tmp_path / "configured.xlsx", sheets)
    result = run("refresh", book, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    records = json.loads(run("track", book, "--as-of", AS_OF, "--format", "json").output)
    assert next(r for r in records if r["Name"] == "Ann" and r["Metric"] == "Revenue")["Actual"] == 600


def test_chinese_headers_and_bad_values_are_reported_with_the_sources_row_numbers(beside, tmp_path):
    book, _ = beside
    (tmp_path / "销售.csv").write_text(
        '日期,销售代表,金额\n2025-05-03,Ann,100\nsomeday,Ann,5\n2025-05-04,Ann,"1,200"\n', encoding="utf-8"
    )
    problems = json.loads(run("validate", book, "--format", "json", "--actuals", "销售.csv").output)
    bad = next(p for p in problems if p["Value"] == "someday")
    assert (bad["Sheet"], bad["Row"]) == ("Actuals", 3)
    assert any(p["Value"] == "1,200" for p in problems)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (["missing.parquet"], "was not found"),
        (["sales.duckdb"], "name its table"),
        (["sales.duckdb", "--actuals-table", "nope"], "table 'nope'"),
        (["sales.txt"], "was not found"),
        (["postgresql://sales@localhost:5432/crm"], "name its table"),
        (["mysql://sales@localhost/crm", "--actuals-table", "t"], "reads PostgreSQL databases"),
        (["postgresql://sales:secret@localhost/crm", "--actuals-table", "t"], "remove it from the address"),
        (["postgresql://sales@127.0.0.1:1/crm", "--actuals-table", "t"], "could not be reached"),
    ],
)
def test_a_bad_source_is_one_sentence_and_the_workbook_is_unchanged(beside, source, words):
    book, _ = beside
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    result = run("refresh", book, "--actuals", *source)
    assert result.exit_code == 2 and words in result.output and len(result.output.strip().splitlines()) == 1
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_source_without_an_amount_column_is_named(tmp_path, language):
    sheets = basic_sheets()
    del sheets["Actuals"]
    sheets["Settings"] = [["Setting", "Value"], ["Language", language]]
    book = write_book(tmp_path / "book.xlsx", sheets)
    (tmp_path / "no_amount.csv").write_text("Date,Rep\n2025-05-03,Ann\n", encoding="utf-8")
    result = run("track", book, "--actuals", "no_amount.csv")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    amount = "金额" if language == "zh" else "Amount"
    assert "no_amount.csv" in result.output and amount in result.output and "'Actuals'" not in result.output
    assert ("实际数据源" in result.output) == (language == "zh")


def test_a_damaged_parquet_file_is_named(beside, tmp_path):
    book, _ = beside
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    result = run("track", book, "--actuals", "broken.parquet")
    assert result.exit_code == 2 and "could not be read" in result.output


def test_dates_as_dates_and_text_as_text_in_parquet(beside, tmp_path):
    book, _ = beside
    frame = pd.DataFrame(
        {"Date": [D(2025, 5, 2), D(2025, 5, 3)], "Rep": ["Ann", "Ann"], "Amount": ["¥1,000", "250.5"]}
    )
    frame.to_parquet(tmp_path / "typed.parquet")
    records = json.loads(
        run("track", book, "--as-of", AS_OF, "--format", "json", "--actuals", "typed.parquet").output
    )
    assert next(r for r in records if r["Name"] == "Ann" and r["Metric"] == "Revenue")["Actual"] == 1250.5


# A real PostgreSQL server: .ci/run starts one on loopback and names it here, with its password
# in SALESTRACK_DB_PASSWORD as a user would set it.
POSTGRES_VARIABLE = "SALESTRACK_TEST_POSTGRES"


@contextlib.contextmanager
def postgres_table(header: list[str], rows: list[list[object]], types: dict[str, str] | None = None):
    """A new table of these rows in the PostgreSQL server .ci/run starts (columns text unless
    `types` says otherwise): its address and name. Skips without a server, fails in CI."""
    address = os.environ.get(POSTGRES_VARIABLE)
    if not address:
        unavailable(f"no PostgreSQL server ({POSTGRES_VARIABLE} is not set)")
    import psycopg

    table = f"sales_{uuid.uuid4().hex[:8]}"
    columns = ", ".join(f'"{c}" {(types or {}).get(c, "text")}' for c in header)
    password = os.environ.get("SALESTRACK_DB_PASSWORD")
    with psycopg.connect(address, password=password) as connection:
        connection.execute(f'CREATE TABLE "{table}" ({columns})')
        with connection.cursor() as cursor:
            cursor.executemany(f'INSERT INTO "{table}" VALUES ({", ".join(["%s"] * len(header))})', rows)
    yield address, table
    with psycopg.connect(address, password=password) as connection:
        connection.execute(f'DROP TABLE "{table}" CASCADE')


@pytest.fixture
def postgres(beside):
    book, whole = beside
    header, *rows = basic_sheets()["Actuals"]
    cells = [[v if isinstance(v, D) or v is None else str(v) for v in row] for row in rows]
    with postgres_table(header, cells, {"Date": "date"}) as (address, table):
        yield address, table, book, whole


def test_a_postgres_table_gives_the_figures_of_the_same_rows_in_a_sheet(postgres):
    address, table, book, whole = postgres
    expected = run("track", whole, "--as-of", AS_OF, "--format", "json").output
    result = run(
        "track", book, "--as-of", AS_OF, "--format", "json", "--actuals", address, "--actuals-table", table
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(expected)


def test_a_wrong_table_or_password_is_one_sentence(postgres, monkeypatch):
    address, table, book, _ = postgres
    result = run("track", book, "--actuals", address, "--actuals-table", "no_such_table")
    assert result.exit_code == 2 and "could not be read as table 'no_such_table'" in result.output
    monkeypatch.setenv("SALESTRACK_DB_PASSWORD", "wrong")
    result = run("track", book, "--actuals", address, "--actuals-table", table)
    assert result.exit_code == 2 and "could not be reached" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def spark_session():
    """A real Spark in local mode (Java is on the machine), as `spark://local` joins it."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        unavailable("pyspark is not installed (the test extras bring it)")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("salestrack-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_a_spark_table_gives_the_figures_of_the_same_rows_in_a_sheet(beside, spark_session):
    """The distributed path run, not only compiled: Ibis reads a Spark table of the actuals."""
    book, whole = beside
    rows = basic_sheets()["Actuals"]
    frame = pd.DataFrame(rows[1:], columns=rows[0]).astype({"Amount": "string", "Units": "string"})
    spark_session.createDataFrame(frame).createOrReplaceTempView("sales_spark")
    expected = run("track", whole, "--as-of", AS_OF, "--format", "json").output
    result = run(
        "track",
        book,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--actuals",
        "spark://local",
        "--actuals-table",
        "sales_spark",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(expected)
    missing = run("track", book, "--actuals", "spark://local", "--actuals-table", "no_such_view")
    assert missing.exit_code == 2 and "could not be read as table 'no_such_view'" in missing.output
