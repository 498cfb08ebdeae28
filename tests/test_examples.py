"""The example rows of `salestrack new` never count once the manager's own rows exist."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from pyxl import pipeline
from pyxl.core.kpis import kpi_table
from pyxl.excel.starter import write_starter

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_starter_alone_keeps_its_examples_and_says_so(tmp_path, language):
    book = write_starter(tmp_path / "new.xlsx", language, TODAY)
    tracking = pipeline.track_file(book, TODAY)
    issues = tracking.issues.frame()
    examples = issues[issues["problem"] == "example_row"]
    assert len(examples) == 9 and set(examples["action"]) == {"warning_only"}
    assert tracking.table["Actual"].iloc[0] == 12500
    # Every one named by its own header and cell, the Actuals sheet's too (in Chinese: 日期, A2).
    [actual] = examples[examples["sheet"] == ("实际" if language == "zh" else "Actuals")].itertuples()
    assert (actual.column, actual.letter, actual.row) == ("日期" if language == "zh" else "Date", "A", 2)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_examples_are_left_out_once_the_managers_own_rows_exist(tmp_path, language):
    book = write_starter(tmp_path / "new.xlsx", language, TODAY)
    workbook = load_workbook(book)
    targets, actuals, team = workbook.worksheets[1], workbook.worksheets[2], workbook.worksheets[3]
    targets.append(["2026-12", None, 5000, "Bo Li"])
    actuals.append([dt.datetime(2026, 12, 2), 700, 1, "X1", "Bo Li"])
    team.append(["Bo Li", "bo@example.com", "West", "West Region", "Mo", "mo@example.com"])
    workbook.save(book)

    tracking = pipeline.track_file(book, TODAY)
    issues = tracking.issues.frame()
    examples = issues[issues["problem"] == "example_row"]
    assert len(examples) == 9 and set(examples["action"]) == {"row_skipped"}
    assert list(tracking.table["Name"][tracking.table["Level"] == "Rep"]) == ["Bo Li"]
    company = kpi_table(tracking).iloc[0]
    assert company["Revenue"] == 700 and company["Spend"] == 0 and company["Responses"] == 0
    assert tracking.inputs.pipeline is not None and tracking.inputs.pipeline.empty


def test_an_edited_example_row_is_the_managers_own(tmp_path):
    book = write_starter(tmp_path / "new.xlsx", "en", TODAY)
    workbook = load_workbook(book)
    workbook["Costs"]["D2"] = 9000  # marketing spend edited
    workbook["Targets"].append(["2026-12", None, 5000, "Bo Li"])
    workbook.save(book)
    tracking = pipeline.track_file(book, TODAY)
    issues = tracking.issues.frame()
    assert "Costs" not in set(issues.loc[issues["problem"] == "example_row", "sheet"])
    assert kpi_table(tracking).iloc[0]["Spend"] == 21000
