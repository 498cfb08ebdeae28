import datetime as dt

import pytest
from conftest import basic_sheets, inputs_from

from pyxl.core.errors import UnusableWorkbook
from pyxl.core.inputs import load_inputs
from pyxl.views import i18n

D = dt.date


def issues_of(sheets):
    return inputs_from(sheets).issues.frame()


def test_bad_actuals_rows_are_skipped_and_reported_with_row_and_column():
    sheets = basic_sheets()
    sheets["Actuals"] += [
        ["not a date", "Ann", "Widget", "X1", 10, 1],
        [D(2025, 5, 2), "Ann", "Widget", "X2", "lots", 1],
        [None, "Ann", "Widget", "X3", 10, 1],
        [D(2025, 5, 2), "Ann", "Widget", "X4", "1,200", "two"],
    ]
    inputs = inputs_from(sheets)
    issues = inputs.issues.frame()
    errors = issues[issues["severity"] == "error"]
    assert errors[["row", "column", "value", "action"]].values.tolist() == [
        [8, "Date", "not a date", "row_skipped"],
        [9, "Amount", "lots", "row_skipped"],
        [10, "Date", "", "row_skipped"],
    ]
    converted = issues[issues["action"] == "converted"]
    assert converted[["row", "value", "detail"]].values.tolist() == [[11, "1,200", "1,200"]]
    units = issues[issues["problem"] == "units_unreadable"]
    assert units[["row", "severity", "action"]].values.tolist() == [[11, "warning", "treated_blank"]]
    assert len(inputs.actuals) == 7


def test_bad_targets_are_skipped_and_reported():
    sheets = basic_sheets()
    sheets["Targets"] += [
        ["2025-13", "Revenue", "Ann", None, 10],
        ["2025-05", "Profit", "Ann", None, 10],
        ["2025-05", "Revenue", "Ann", None, -5],
        ["2025-05", "Revenue", "Ann", None, "abc"],
        ["2025-05", "Revenue", "Ann", None, 0],
    ]
    inputs = inputs_from(sheets)
    issues = inputs.issues.frame()
    assert issues[issues["severity"] == "error"][["row", "problem"]].values.tolist() == [
        [7, "period_unreadable"],
        [8, "metric_unknown"],
        [9, "target_not_positive"],
        [10, "target_unreadable"],
        [11, "target_not_positive"],
    ]
    assert len(inputs.targets) == 5


def test_blank_and_banner_rows_are_ignored_and_row_numbers_stay_true():
    sheets = basic_sheets()
    sheets["Actuals"] = [["May sales"], [], *sheets["Actuals"][:2], [], ["bad", "Ann", "W", "Z", 1, 1]]
    inputs = inputs_from(sheets)
    assert len(inputs.actuals) == 1
    assert inputs.actuals["row"].tolist() == [4]
    assert inputs.issues.frame()["row"].tolist() == [6]


def test_chinese_workbook():
    sheets = {
        "目标": [
            ["期间", "指标", "销售代表", "目标值"],
            ["2025-05", "销售额", "李伟", 1000],
            ["2025年5月", "订单数", "李伟", 3],
        ],
        "销售数据": [["日期", "销售代表", "订单号", "金额"], ["2025年5月3日", "李伟", "S1", "¥1,000"]],
        "设置": [["设置项", "值"], ["语言", "中文"], ["截至日期", "2025-05-10"]],
    }
    inputs = inputs_from(sheets)
    assert inputs.settings.language == "zh"
    assert inputs.targets["metric"].tolist() == ["Revenue", "Orders"]
    assert inputs.targets["period"].tolist() == ["2025-05", "2025-05"]
    assert inputs.actuals["amount"].tolist() == [1000.0]


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ({"Actuals": [["Date", "Amount"]]}, "no Targets sheet"),
        ({"Targets": [["Period", "Target"]]}, "no Actuals sheet"),
        ({"Targets": [["Period", "Target"]], "Actuals": [["Date", "Value"]]}, "Amount"),
    ],
)
def test_unusable_workbooks_get_one_sentence(sheets, message):
    with pytest.raises(UnusableWorkbook) as caught:
        inputs_from(sheets)
    assert message in i18n.explain(caught.value)


def test_optional_sheet_without_headers_is_reported_not_fatal():
    sheets = basic_sheets() | {"Holidays": [["When", "What"], [D(2025, 5, 5), "x"]]}
    issues = issues_of(sheets)
    assert issues["problem"].tolist() == ["sheet_ignored"]


def test_settings_sheet_without_headers_is_pairs():
    sheets = basic_sheets() | {"Settings": [["As Of", "2025-05-09"], ["Pacing", "workdays"]]}
    inputs = inputs_from(sheets)
    assert inputs.settings.as_of == D(2025, 5, 9)
    assert inputs.settings.pacing == "workdays"


def test_header_aliases_from_settings():
    sheets = basic_sheets()
    sheets["Actuals"][0] = ["Order Day", "Rep", "Product", "Order ID", "Net", "Units"]
    sheets["Settings"] = [["Setting", "Value"], ["Alias: Order Day", "Date"], ["Alias: Net", "Amount"]]
    assert len(inputs_from(sheets).actuals) == 6


def test_seasonality_months_by_name_and_number():
    sheets = basic_sheets() | {
        "Seasonality": [["Month", "Weight"], ["Jan", 1], [2, 2], ["三月", 3], *[[m, 1] for m in range(4, 13)]]
    }
    weights = inputs_from(sheets).calendar.month_weights
    assert (weights[1], weights[2], weights[3], weights[12]) == (1.0, 2.0, 3.0, 1.0)


def test_a_units_target_without_a_units_column_is_warned():
    from pyxl.core.tracking import track

    sheets = basic_sheets()
    sheets["Actuals"] = [row[:5] for row in sheets["Actuals"]]  # drop Units
    issues = track(inputs_from(sheets), D(2025, 5, 15)).issues.frame()
    assert issues.loc[issues["problem"] == "units_absent", "row"].tolist() == [4]


def test_problems_name_the_users_header_and_the_cell(tmp_path):
    from openpyxl import Workbook

    from pyxl.adapters.filebook import FileWorkbook
    from pyxl.views.sheets import quality_rows

    book = Workbook()
    targets = book.active
    targets.title = "目标"
    targets.append(["期间", "目标值"])
    targets.append(["2025-05", 100])
    actuals = book.create_sheet("销售数据")
    actuals["C3"], actuals["D3"] = "日期", "金额"
    actuals["C4"], actuals["D4"] = "someday", 5
    book.save(tmp_path / "cells.xlsx")
    readable = quality_rows(load_inputs(FileWorkbook(tmp_path / "cells.xlsx")).issues.frame(), "en")
    assert readable[["Sheet", "Row", "Column", "Cell", "Value"]].values.tolist() == [
        ["销售数据", 4, "日期", "C4", "someday"]
    ]


@pytest.mark.parametrize(
    "survey",
    [
        [["Date", "Score"], [D(2025, 5, 3), 9], [D(2025, 5, 4), 4]],
        [["Date", "Score", "Scale"], [D(2025, 5, 3), 9, None], [D(2025, 5, 4), 4, None]],
    ],
    ids=["no-scale-column", "blank-scale-column"],
)
def test_a_survey_without_scales_reads_high_scores_as_nps(survey):
    inputs = inputs_from(basic_sheets() | {"Survey": survey})
    assert inputs.survey["scale"].tolist() == ["NPS", "CSAT"]
