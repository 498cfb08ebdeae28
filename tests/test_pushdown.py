"""Actuals summed in the engine that keeps them give the figures and the Data Quality rows that the
same rows give in an Actuals sheet, rule by rule, in DuckDB, PostgreSQL and Spark."""

import json
import uuid

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import D, write_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_actuals import postgres_table, spark_session  # noqa: F401 (a fixture)

from pyxl.adapters.actuals import ExternalActuals
from pyxl.adapters.filebook import FileWorkbook
from pyxl.cli import main
from pyxl.core.inputs import load_inputs
from pyxl.core.tracking import track

AS_OF = "2025-05-25"

# Every rule at once: aliases and an Alias: setting, text dates and numbers (converted, unreadable,
# not finite, blank), names in any case and spacing, teams from the Team sheet, split credit (one
# line whole, one not), product groups, orders on several days (next to each other and far
# apart), Order IDs with tabs and double spaces, lines without an Order ID.
HEADER = ["Sold On", "销售代表", "Team", "Product", "Customer", "订单号", "金额", "Units", "Allocated %"]
ROWS = [
    ["2025-05-01", "Ann", None, "Widget", "Acme", "A1", "300", "3", None],
    ["2025/5/2", " ANN ", None, "widget ", "acme", "A1", "100", "1", None],
    ["2025年5月3日", "Bob", "West", "Gadget", "Acme", "O-9", "1,200", "x", "50%"],
    ["2025-05-03", "ann", None, "Gadget", "Acme", "o-9 ", "1,200", "x", "50"],
    ["13/05/2025", "Cy", None, "Gizmo", "Zen", "C1", "¥400", "4", "0.6"],
    ["2025-05-13", "Bob", None, "Gizmo", "Zen", "C1", "¥400", "4", "0.3"],
    ["45795", "Bob", None, "Widget", None, "B7", "(50)", "2", None],
    ["2025-05-20", "Bob", None, "Widget", None, "B7", " 70 ", "1", "150"],
    ["someday", "Ann", None, "Widget", "Acme", "Z1", "10", "1", None],
    ["2025-05-21", "Ann", None, "Widget", "Acme", "Z2", "abc", "1", None],
    ["2025-05-22", "Ann", None, "Widget", "Acme", "Z3", "inf", "1", None],
    ["2025-05-22", "Ann", None, "Widget", "Acme", None, "5", None, None],
    ["2025-05-22", "Ann", None, "Widget", "Acme", None, "6", "", None],
    [None, "Ann", None, "Widget", "Acme", "Z4", "7", "1", None],
    ["1890/01/01", "Ann", None, "Widget", "Acme", "Z5", "8", "1", None],
    ["2025-04-28", "Dee", "East", "Gadget", "Acme", "D1", "12.5", "2", None],
    ["2024-05-10", "Ann", None, "Widget", "Acme", "H1", "900", "9", None],
    # One order on three days far apart, its ID spaced three ways: May counts it by its middle day.
    ["2025-04-28", "Cy", None, "Gizmo", "Zen", "M 1", "15", "1", None],
    ["2025-05-10", "Cy", None, "Gizmo", "Zen", "m\t1", "15", "1", None],
    ["2025-06-02", "Cy", None, "Gizmo", "Zen", " M  1", "15", "1", None],
    ["2025-05-11", "Cy", None, "Gizmo", "Zen", "\t", "16", "1", None],
]
SHEETS = {
    "Targets": [
        ["Period", "Metric", "Rep", "Team", "Region", "Product", "Customer", "Target"],
        ["2025-05", "Revenue", "Ann", None, None, None, None, 1000],
        ["2025-05", "Units", "bob", None, None, None, None, 10],
        ["2025-05", "Orders", "ANN", None, None, None, None, 4],
        ["2025-05", "Revenue", None, "East", None, None, None, 3000],
        ["2025-Q2", "Orders", None, None, "North", None, None, 5],
        ["2025-05", "Revenue", None, None, None, "Hardware", None, 2000],
        ["2025-05", "Orders", None, None, None, "Everything", None, 9],
        ["2025-05", "Revenue", "Ann", None, None, "Widget", None, 500],
        ["2025-05", "Units", None, None, None, None, "Acme", 20],
        ["2025", "Revenue", None, None, None, None, None, 20000],
        ["2025", "Orders", None, None, None, None, None, 40],
        ["2025-05", "Orders", "Cy", None, None, None, None, 3],
        ["2025-05", "Revenue", None, None, None, "Nothing", None, 5],
    ],
    "Team": [
        ["Rep", "Email", "Team", "Region"],
        ["Ann", "ann@example.com", "East", "North"],
        ["Bob", "bob@example.com", "East", "North"],
        ["Cy", "cy@example.com", "West", "South"],
    ],
    "Products": [
        ["Product", "Group"],
        ["Widget", "Hardware"],
        ["Gadget", "Hardware"],
        ["Hardware", "Everything"],
        ["Gizmo", "Everything"],
    ],
    "Settings": [["Setting", "Value"], ["Alias: Sold On", "Date"], ["As Of", AS_OF]],
}


def as_dates(row):
    """The row as a sheet holds it: a date written 2025-05-01 in a source is a date cell in a sheet
    (a CSV cannot hold it otherwise, so neither is reported as converted)."""
    text = row[0]
    if isinstance(text, str) and len(text) == 10 and text[4] == text[7] == "-":
        return [D(int(text[:4]), int(text[5:7]), int(text[8:])), *row[1:]]
    return row


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def outputs(book, *source):
    """What track and validate say of a workbook (with its actuals from `source`, if given)."""
    found = []
    for command in ("track", "validate"):
        result = run(command, book, "--format", "json", *source)
        assert result.exit_code in (0, 1), result.output
        found.append(json.loads(result.output))
    return found


@pytest.fixture
def books(tmp_path):
    """The workbook with the rows in its Actuals sheet, and without them, the rows beside it."""
    whole = write_book(
        tmp_path / "whole.xlsx", {**SHEETS, "Actuals": [HEADER, *(as_dates(row) for row in ROWS)]}
    )
    beside = write_book(tmp_path / "targets.xlsx", SHEETS)
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame.to_parquet(tmp_path / "sales.parquet")
    frame.to_csv(tmp_path / "sales.csv", index=False)
    with duckdb.connect(str(tmp_path / "sales.duckdb")) as connection:
        connection.sql("CREATE TABLE sales AS SELECT * FROM frame")
    return whole, beside, outputs(whole)


@pytest.mark.parametrize(
    "source",
    [["sales.parquet"], ["sales.csv"], ["sales.duckdb", "--actuals-table", "sales"]],
    ids=["parquet", "csv", "duckdb"],
)
def test_every_rule_gives_the_sheets_figures_and_problems(books, source):
    _, beside, expected = books
    tracked, problems = outputs(beside, "--actuals", *source)
    assert tracked == expected[0]
    assert problems == expected[1]


@pytest.mark.parametrize("source", [["sales.parquet"], ["sales.csv"]], ids=["parquet", "csv"])
def test_the_kpis_read_a_sources_rows_as_a_sheets(books, source):
    """The outputs about single sales (KPIs, dashboard, emails) get the rows the engine cleaned."""
    whole, beside, _ = books
    expected = run("kpis", whole, "--format", "json")
    found = run("kpis", beside, "--format", "json", "--actuals", *source)
    assert found.exit_code == 0, found.output
    assert json.loads(found.output) == json.loads(expected.output)
    assert any(row["Revenue"] for row in json.loads(found.output))


def test_a_changed_source_is_read_again(books, tmp_path):
    _, beside, _ = books
    before = outputs(beside, "--actuals", "sales.parquet")[0]
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame.loc[0, "金额"] = "1300"
    frame.to_parquet(tmp_path / "sales.parquet")
    after = outputs(beside, "--actuals", "sales.parquet")[0]
    assert after[0]["Actual"] == before[0]["Actual"] + 1000


def test_the_hostile_rows_do_reach_every_rule(books):
    """The comparison above means something only if the rows exercise what they claim to."""
    _, _, (tracked, problems) = books
    reported = {(p["Row"], p["Column"]) for p in problems}
    for row, column in [(10, "Sold On"), (11, "金额"), (12, "金额"), (15, "Sold On"), (16, "Sold On")]:
        assert (row, column) in reported
    assert {p["Row"] for p in problems if "add up to 90%" in p["Problem"]} == {6, 7}
    assert any(p["Value"] == "150" and p["Column"] == "Allocated %" for p in problems)
    actual = {(r["Level"], r["Name"], r["Metric"]): r["Actual"] for r in tracked}
    assert actual[("Product", "Hardware", "Revenue")] > 0
    assert actual[("Team", "East", "Revenue")] > 0


def test_typed_columns_give_the_figures_of_text_ones(tmp_path):
    """Dates as dates and numbers as numbers (NaN and infinity among them) in Parquet."""
    frame = pd.DataFrame(
        {
            "Date": [D(2025, 5, 1), D(2025, 5, 2), D(2025, 5, 3), None],
            "Rep": ["Ann", "ann", "Bob", "Ann"],
            "Amount": [100.5, float("nan"), float("inf"), 7.0],
            "Units": pd.array([1, None, 3, 4], dtype="Int64"),
        }
    )
    frame.to_parquet(tmp_path / "typed.parquet")
    sheets = {
        "Targets": [["Period", "Rep", "Target"], ["2025-05", "Ann", 100], ["2025-05", "Bob", 100]],
        "Settings": [["Setting", "Value"], ["As Of", AS_OF]],
    }
    beside = write_book(tmp_path / "targets.xlsx", sheets)
    tracked, problems = outputs(beside, "--actuals", "typed.parquet")
    assert [r["Actual"] for r in tracked] == [100.5, 0]
    assert sorted(p["Row"] for p in problems) == [3, 4, 5]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 31),
            st.sampled_from(["Ann", "ann ", "BOB", "Bob", None]),
            st.sampled_from(["Widget", "Gadget", "gizmo", None]),
            st.sampled_from(["A1", "a1", "B2", "C3", None]),
            st.integers(-5, 500),
            st.sampled_from([None, "50%", "0.5", "30"]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.booleans(),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_rows_sum_alike_in_duckdb_and_in_memory(tmp_path, rows, with_groups):
    """Split lines or none, groups or none: each takes its own way through the engine."""
    header = ["Date", "Rep", "Product", "Order ID", "Amount", "Allocated %"]
    cells = [
        [f"2025-05-{day:02d}", rep, product, order, str(amount), share]
        for day, rep, product, order, amount, share in rows
    ]
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    sheets = {name: rows for name, rows in SHEETS.items() if with_groups or name != "Products"}
    book = write_book(folder / "book.xlsx", {**sheets, "Actuals": [header, *cells]})
    pd.DataFrame(cells, columns=header).to_parquet(folder / "sales.parquet")
    in_memory = track(load_inputs(FileWorkbook(book)), D(2025, 5, 25)).table
    reader = ExternalActuals(FileWorkbook(book), "sales.parquet", None, folder)
    pushed = track(load_inputs(reader), D(2025, 5, 25)).table
    pd.testing.assert_frame_equal(pushed, in_memory)


@pytest.fixture
def hostile_table():
    with postgres_table(HEADER, ROWS) as found:
        yield found


def test_every_rule_holds_in_postgres(books, hostile_table):
    _, beside, expected = books
    address, table = hostile_table
    tracked, problems = outputs(beside, "--actuals", address, "--actuals-table", table)
    assert tracked == expected[0]
    # Numbered as PostgreSQL reads the table, which for a table written once is the order written.
    assert problems == expected[1]


def test_every_rule_holds_in_spark(books, spark_session):  # noqa: F811
    _, beside, expected = books
    schema = ", ".join(f"`{column}` string" for column in HEADER)
    spark_session.createDataFrame(ROWS, schema=schema).createOrReplaceTempView("hostile")
    tracked, problems = outputs(beside, "--actuals", "spark://local", "--actuals-table", "hostile")
    assert tracked == expected[0]
    assert problems == expected[1]
