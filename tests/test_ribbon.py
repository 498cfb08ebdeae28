"""The ribbon's Python side, called directly with a real xlwings Book."""

from conftest import basic_sheets
from xlwings_books import actions, json_book

from pyxl import ribbon
from pyxl.views.sheets import OUTPUT_SHEETS


def alerts(book):
    return [a["args"] for a in actions(book, "alert")]


def test_refresh_writes_the_sheets_and_says_what_it_did(monkeypatch):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    book = json_book(monkeypatch, sheets)
    ribbon.refresh(book)
    assert [a["args"][1] for a in actions(book, "addSheet")] == list(OUTPUT_SHEETS)
    message = alerts(book)[-1][0]
    assert "As of 2025-05-15" in message and "Tracking, Data Quality, KPIs" in message


def test_validate_lists_problems_with_sheet_row_and_column(monkeypatch):
    sheets = basic_sheets()
    sheets["Actuals"].append(["someday", "Ann", "W", "Z", 5, 1])
    book = json_book(monkeypatch, sheets)
    ribbon.validate(book)
    prompt = alerts(book)[-1][0]
    assert "Actuals row 8, Date: Date could not be read (row skipped)" in prompt


def test_errors_become_a_short_message_box(monkeypatch):
    book = json_book(monkeypatch, {"Sheet1": [["nothing here"]]})
    ribbon.refresh(book)
    prompt, *_ = alerts(book)[-1]
    assert prompt.startswith("The workbook has no Targets sheet")
    assert "Traceback" not in prompt


def test_emails_need_a_saved_workbook(monkeypatch):
    book = json_book(monkeypatch, basic_sheets())
    ribbon.preview_emails(book, open_folder=False)
    assert "Save the workbook first" in alerts(book)[-1][0]


def test_send_asks_first_and_cancel_sends_nothing(monkeypatch, tmp_path):
    book = json_book(
        monkeypatch, basic_sheets() | {"Settings": [["Setting", "Value"], ["As Of", "2025-05-15"]]}
    )
    monkeypatch.setattr(ribbon, "_book_path", lambda _: tmp_path / "Team.xlsm")
    questions = []
    ribbon.send_emails(book, confirm=lambda q: questions.append(q) or False)
    assert questions == ["Send 3 emails now? Anything already sent is skipped."]
    assert not (tmp_path / "Team.salestrack-sent.jsonl").exists()


def test_help(monkeypatch):
    book = json_book(monkeypatch, basic_sheets())
    ribbon.show_help(book)
    assert "Refresh" in alerts(book)[-1][0] and "=ATTAINMENT" in alerts(book)[-1][0]


def test_messages_follow_the_workbook_language(monkeypatch):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    sheets["Actuals"].append(["someday", "Ann", "W", "Z", 5, 1])
    book = json_book(monkeypatch, sheets)
    ribbon.validate(book)
    message = alerts(book)[-1][0]
    assert "个数据问题：\nActuals 第 8 行，Date：日期无法识别（已跳过该行）" in message
    ribbon.show_help(book)
    assert alerts(book)[-1][0].startswith("SalesTrack 用本工作簿")

    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def panic(*_, **__):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(ribbon.pipeline, "refresh", panic)
    ribbon.refresh(book)
    assert alerts(book)[-1][0].startswith("SalesTrack 未能完成：PanicException: called")


def test_the_actuals_source_setting_is_honoured_on_the_desktop(monkeypatch, tmp_path):
    from pyxl.adapters import livebook

    sheets = basic_sheets()
    rows = sheets.pop("Actuals")
    (tmp_path / "sales.csv").write_text(
        "\n".join(",".join(str(v) for v in row) for row in rows) + "\n", encoding="utf-8"
    )
    sheets["Settings"] = [["Setting", "Value"], ["As Of", "2025-05-15"], ["Actuals Source", "sales.csv"]]
    sheets["Actuals"] = [["Date", "Amount"]]  # the workbook's own sheet: the source replaces it
    book = json_book(monkeypatch, sheets)
    monkeypatch.chdir(tmp_path)  # where the book's name puts its folder
    monkeypatch.setattr(livebook, "WEB_ENGINES", ())  # as desktop Excel, which reaches the file
    tracking = ribbon._refreshed(book).tracking
    ann = tracking.table[(tracking.table["Name"] == "Ann") & (tracking.table["Metric"] == "Revenue")]
    assert ann.iloc[0]["Actual"] == 600


def test_excel_on_the_web_says_in_one_sentence_it_cannot_open_an_actuals_source(monkeypatch):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Actuals Source", "sales.parquet"]]}
    book = json_book(monkeypatch, sheets)
    ribbon.refresh(book)
    message = alerts(book)[-1][0]
    assert "sales.parquet" in message and "Excel on the web cannot open" in message
    assert len(message.splitlines()) == 1 and not actions(book, "addSheet")
