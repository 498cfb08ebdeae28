"""The live-workbook adapter on real xlwings Book objects."""

import datetime as dt

from conftest import basic_sheets, unavailable
from xlwings_books import actions, json_book, refresh_live

from pyxl import pipeline
from pyxl.adapters.livebook import LiveWorkbook
from pyxl.core.inputs import load_inputs
from pyxl.core.tracking import TRACKING_COLUMNS
from pyxl.views.outputs import output_sheets
from pyxl.views.sheets import OUTPUT_SHEETS

AS_OF = dt.date(2025, 5, 15)


def test_reads_the_same_inputs_as_the_file_adapter(monkeypatch):
    book = json_book(monkeypatch, basic_sheets())
    inputs = load_inputs(LiveWorkbook(book))
    assert len(inputs.targets) == 5 and len(inputs.actuals) == 6
    assert inputs.actuals["date"].min() == dt.datetime(2025, 4, 30)
    table = pipeline.track_workbook(LiveWorkbook(book), AS_OF).table
    ann = table[(table["Name"] == "Ann") & (table["Metric"] == "Revenue")].iloc[0]
    assert ann["Actual"] == 600 and ann["Status"] == "Ahead"


def test_renders_the_sheet_description(monkeypatch):
    book = json_book(monkeypatch, basic_sheets())
    tracking = refresh_live(book, AS_OF).tracking
    spec = output_sheets(tracking)[0]
    added = actions(book, "addSheet")
    assert [a["args"][1] for a in added] == list(OUTPUT_SHEETS)
    values = actions(book, "setValues")
    assert values[0]["values"] == [[spec.title]]
    assert values[1]["values"] == [TRACKING_COLUMNS]
    assert values[2]["values"][0][:2] == ["Rep", "Ann"] and values[2]["start_row"] == 2
    formats = {
        (a["start_column"], a["args"][0])
        for a in actions(book, "setNumberFormat")
        if a["sheet_position"] == 3
    }
    assert (TRACKING_COLUMNS.index("Attainment"), "0.0%") in formats
    assert (TRACKING_COLUMNS.index("Start"), "yyyy-mm-dd") in formats
    assert actions(book, "setRangeColor")[0]["args"] == ["#1F4E78"]
    rules = [a for a in actions(book) if "onditional" in a["func"]]
    assert len([r for r in rules if r["sheet_position"] == 3]) == len(spec.highlights) + 1
    assert actions(book, "freezePaneAtRange")[0]["args"] == ["1:2"]


def test_existing_output_sheet_is_cleared_not_duplicated(monkeypatch):
    sheets = basic_sheets() | {"tracking": [["old"]]}
    book = json_book(monkeypatch, sheets)
    refresh_live(book, AS_OF)
    assert [a["args"][1] for a in actions(book, "addSheet")] == list(OUTPUT_SHEETS[1:])
    assert [a["sheet_position"] for a in actions(book, "sheetClear")] == [3]


def test_a_users_own_dashboard_is_kept_live(monkeypatch):
    book = json_book(monkeypatch, basic_sheets() | {"Dashboard": [["mine"]]})
    refresh_live(book, AS_OF)
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert "Dashboard (SalesTrack)" in added and "Dashboard" not in added
    marked = actions(book, "namesAdd")
    assert [a["args"] for a in marked] == [["SalesTrackOutput", "=TRUE"]] * len(OUTPUT_SHEETS)


def test_a_change_of_language_renames_salestracks_sheets_in_the_open_workbook(monkeypatch):
    from xlwings_books import book_data

    sheets = basic_sheets() | {
        "Settings": [["Language", "zh"]],
        "Tracking": [["old"]],
        "Dashboard": [["mine"]],
    }
    data = book_data(sheets)
    positions = {sheet["name"]: index for index, sheet in enumerate(data["sheets"])}
    data["names"] = [  # Tracking was written by salestrack in English; Dashboard is the user's own
        {
            "name": "SalesTrackOutput",
            "sheet_index": positions["Tracking"],
            "address": "A1",
            "book_scope": False,
            "scope_sheet_name": "Tracking",
            "scope_sheet_index": positions["Tracking"],
            "refers_to": "=TRUE",
        }
    ]
    import xlwings as xw

    try:
        book = xw.Book(json=data)
    except Exception as refused:  # the engine needs a licence key it may refuse
        unavailable(f"xlwings' JSON engine refused to start: {refused}")
    refresh_live(book, AS_OF)
    renamed = actions(book, "setSheetName")
    assert [(a["sheet_position"], a["args"]) for a in renamed] == [(positions["Tracking"], ["跟踪"])]
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert added == ["数据质量", "关键指标", "仪表板", "说明", "历史"] and "Tracking" not in added


def test_dates_as_excel_on_the_web_sends_them_are_no_data_problem(monkeypatch, tmp_path):
    """Excel on the web hands xlwings Lite dates as serial numbers: what validate finds there is
    what it finds in the file."""
    from conftest import write_book

    sheets = basic_sheets()
    sheets["Actuals"].append(["2025/5/3", "Ann", "Widget", "A9", 5, 1])  # a date typed as text: a note
    sheets["Team"][0] += ["Start Date"]
    sheets["Team"][1] += [dt.date(2024, 1, 2)]
    live = pipeline.track_workbook(LiveWorkbook(json_book(monkeypatch, sheets)), AS_OF).issues.frame()
    file = pipeline.track_file(write_book(tmp_path / "same.xlsx", sheets), AS_OF).issues.frame()
    columns = ["severity", "sheet", "row", "column", "problem"]
    assert live[columns].values.tolist() == file[columns].values.tolist()
    assert list(live["problem"]) == ["converted_date"]  # only the text one
