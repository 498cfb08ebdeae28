"""The sales meeting: what moved since the last one, who needs help, the actions agreed, and the pack."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import basic_sheets, inputs_from, unavailable, write_book
from pptx import Presentation
from xlwings_books import json_book

from pyxl import pipeline, ribbon
from pyxl.cli import main
from pyxl.core import meeting
from pyxl.core.cleaning.actions import overdue
from pyxl.core.history import AS_OF, snapshot
from pyxl.core.tracking import track

FIRST, SECOND = dt.date(2025, 5, 10), dt.date(2025, 5, 24)


def meeting_sheets(language=None):
    sheets = basic_sheets()
    sheets["Actions"] = [
        ["Action", "Owner", "Due", "Status", "Rep"],
        ["Call the hospital about the tender", "Ann", dt.date(2025, 5, 20), "Open", "Ann"],
        ["Price review", "Mia", dt.date(2025, 6, 30), "", None],
        ["Send the recap", "Mia", dt.date(2025, 5, 15), "Done", None],
        [None, "Mia", dt.date(2025, 5, 15), "Done", None],
        ["Typo status", "Bob", "next week", "maybe", "Bob"],
    ]
    sheets["Pipeline"] = [
        ["Opportunity", "Rep", "Amount", "Probability", "Close Date", "Status"],
        ["Big deal", "Ann", 900, 0.5, dt.date(2025, 5, 15), "won"],
        ["Lost one", "Bob", 300, 0.5, dt.date(2025, 5, 12), "lost"],
        ["Late one", "Bob", 400, 0.5, dt.date(2025, 5, 20), "open"],
        ["Future", "Bob", 500, 0.5, dt.date(2025, 6, 20), "open"],
    ]
    if language:
        sheets["Settings"] = [["Setting", "Value"], ["Language", language]]
    return sheets


def test_actions_are_cleaned_and_reported_and_overdue_is_open_past_due():
    inputs = inputs_from(meeting_sheets())
    actions = inputs.actions
    assert list(actions["action"]) == [
        "Call the hospital about the tender",
        "Price review",
        "Send the recap",
        "Typo status",
    ]
    assert list(actions["status"]) == ["Open", "Open", "Done", "Open"]  # blank and unknown: Open
    assert pd.isna(actions["due"].iloc[3])
    issues = inputs.issues.frame()
    actions_issues = issues[issues["sheet"] == "Actions"]
    assert set(actions_issues["problem"]) >= {"action_missing", "action_status_unknown", "date_unreadable"}
    late = overdue(actions, pd.Timestamp(SECOND))
    assert list(late) == [True, False, False, False]


def test_since_is_historys_latest_date_before_the_as_of_date_unless_named():
    days = [dt.date(2025, 5, 1), FIRST, SECOND]
    assert meeting.since_date(days, SECOND) == FIRST
    assert meeting.since_date(days, dt.date(2025, 5, 30)) == SECOND
    assert meeting.since_date(days, dt.date(2025, 5, 1)) is None
    assert meeting.since_date(days, SECOND, dt.date(2025, 5, 1)) == dt.date(2025, 5, 1)


def test_what_moved_deals_and_actions_since_the_last_meeting():
    inputs = inputs_from(meeting_sheets())
    then, now = track(inputs, FIRST), track(inputs, SECOND)
    found = meeting.meeting(now, snapshot(then), FIRST, None)
    changes = found.status_changes
    ann = changes[(changes["Name"] == "Ann") & (changes["Metric"] == "Revenue")]
    before = then.table.set_index(meeting.KEY).loc[("Rep", "Ann", "2025-05", "Revenue"), "Status"]
    after = now.table.set_index(meeting.KEY).loc[("Rep", "Ann", "2025-05", "Revenue"), "Status"]
    assert (before != after) == (len(ann) == 1)
    assert all(changes["Before"] != changes["Now"])
    deals = found.deals.set_index("Opportunity")["What"].to_dict()
    assert deals == {"Big deal": "won", "Lost one": "lost", "Late one": "slipped"}
    actions = found.actions.set_index("Action")
    assert bool(actions.loc["Call the hospital about the tender", "Overdue"])
    assert bool(actions.loc["Send the recap", "Done Since"])
    assert not actions.loc["Price review", "Overdue"]
    assert found.actions["Action"].iloc[0] == "Call the hospital about the tender"  # overdue first


def test_the_year_to_date_by_hand():
    sheets = basic_sheets()
    sheets["Targets"] = [
        ["Period", "Metric", "Rep", "Target"],
        ["2025-04", "Revenue", "Ann", 100],
        ["2025-05", "Revenue", "Ann", 1000],
    ]
    tracking = track(inputs_from(sheets), dt.date(2025, 5, 15))
    table = meeting.month_and_year(tracking.table, tracking.as_of).set_index(["Level", "Name"])
    ann = table.loc[("Rep", "Ann")]
    may = tracking.table[(tracking.table["Name"] == "Ann") & (tracking.table["Period"] == "2025-05")].iloc[0]
    assert ann["Month Target"] == 1000 and ann["Month Actual"] == may["Actual"]
    # April whole (100, nothing sold by Ann), May as far as expected by the 15th.
    assert ann["YTD Target"] == pytest.approx(100 + may["Expected"])
    assert ann["YTD Actual"] == pytest.approx(may["Actual"])
    assert ann["YTD Attainment"] == pytest.approx(may["Actual"] / (100 + may["Expected"]))


def two_meetings_book(tmp_path: Path, language=None) -> Path:
    book = write_book(tmp_path / "team.xlsx", meeting_sheets(language))
    for day in (FIRST, SECOND):
        result = CliRunner().invoke(main, ["refresh", str(book), "--as-of", day.isoformat()])
        assert result.exit_code == 0, result.output
    return book


def pack_text(path: Path) -> str:
    texts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(texts)


@pytest.mark.parametrize(("language", "overdue_word"), [(None, "Overdue"), ("zh", "逾期")])
def test_the_pack_has_native_charts_the_reps_that_moved_and_the_overdue_action(
    tmp_path, language, overdue_word
):
    book = two_meetings_book(tmp_path, language)
    out = tmp_path / "pack.pptx"
    result = CliRunner().invoke(main, ["pack", str(book), "--as-of", SECOND.isoformat(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    presentation = Presentation(str(out))
    charts = [shape for slide in presentation.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) >= 2
    text = pack_text(out)
    found, _, _ = pipeline.meeting_of(pipeline.file_reader(book), SECOND)
    assert found.since == FIRST
    for name in found.status_changes["Name"]:
        assert str(name) in text or name == "All"
    assert overdue_word in text
    if language == "zh":
        assert "定期销售会议" in text and "同比" in text
        runs = [
            run
            for slide in presentation.slides
            for shape in slide.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
        ]
        assert all(run._r.rPr.find("{*}ea") is not None for run in runs)


def test_the_pack_opens_in_impress_one_page_per_slide(tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        unavailable("LibreOffice Impress and poppler-utils render the pack")
    for language in (None, "zh"):
        folder = tmp_path / (language or "en")
        folder.mkdir()
        book = two_meetings_book(folder, language)
        packed = pipeline.pack_file(book, SECOND)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(packed.path)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = packed.path.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert f"Pages:          {packed.slides}" in info.replace("Pages:           ", "Pages:          ")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert ("逾期" if language else "Overdue") in text
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf), str(folder / "slide")],
            check=True,
        )
        assert list(folder.glob("slide*.png"))


def test_the_first_meeting_says_there_is_nothing_to_compare_with(tmp_path):
    book = write_book(tmp_path / "team.xlsx", meeting_sheets())
    packed = pipeline.pack_file(book, SECOND)
    assert "Nothing to compare with yet" in pack_text(packed.path)


def test_a_pack_must_be_a_pptx(tmp_path):
    book = write_book(tmp_path / "team.xlsx", meeting_sheets())
    result = CliRunner().invoke(main, ["pack", str(book), "--out", str(tmp_path / "pack.pdf")])
    assert result.exit_code == 2 and ".pptx" in result.output and "Traceback" not in result.output


def test_excel_on_the_web_gets_a_printable_meeting_sheet(monkeypatch):
    sheets = meeting_sheets() | {"Settings": [["Setting", "Value"], ["As Of", SECOND]]}
    book = json_book(monkeypatch, sheets)
    ribbon.meeting_sheet(book)
    names = [sheet.name for sheet in book.sheets]
    assert "Meeting" in names
    written = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    text = str([a["values"] for a in written])
    assert "Overdue" in text and "Sales meeting" in text


def test_history_rows_of_the_since_date_are_what_moved_is_measured_against(tmp_path):
    book = two_meetings_book(tmp_path)
    history = pd.read_excel(book, sheet_name="History", header=1)
    assert set(pd.to_datetime(history[AS_OF]).dt.date) == {FIRST, SECOND}
