"""A workbook whose Language is zh is Chinese all the way down: output sheet names, headers,
levels, options, messages; CSV and JSON keep the contract's English keys."""

import json
import zipfile

from click.testing import CliRunner
from conftest import basic_sheets, write_book
from openpyxl import load_workbook

from pyxl.cli import main
from pyxl.core.tracking import TRACKING_COLUMNS

CHINESE_OUTPUTS = ["跟踪", "数据质量", "关键指标", "仪表板", "说明", "历史"]
ENGLISH_OUTPUTS = ["Tracking", "Data Quality", "KPIs", "Dashboard", "Definitions", "History"]
# The contract's columns after Required per Day, as a Chinese workbook heads them.
NEW_COLUMNS = ["预计下限", "预计上限", "预计方法", "加权商机", "去年同期", "同比增长", "上期", "环比变化"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def chinese_book(tmp_path, name="zh.xlsx"):
    sheets = basic_sheets() | {"Settings": [["设置项", "值"], ["语言", "中文"]]}
    return write_book(tmp_path / name, sheets)


def set_language(book, language):
    workbook = load_workbook(book)
    workbook["Settings"]["B2"] = language
    workbook.save(book)


def test_output_sheets_headers_and_levels_are_chinese(tmp_path):
    book = chinese_book(tmp_path)
    assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    workbook = load_workbook(book)
    assert workbook.sheetnames[-6:] == CHINESE_OUTPUTS
    tracking = workbook["跟踪"]
    headers = [c.value for c in tracking[2]]
    assert headers[:4] == ["层级", "名称", "期间", "指标"] and "达成率" in headers and len(headers) == 27
    assert headers[-8:] == NEW_COLUMNS
    levels = {row[0] for row in tracking.iter_rows(min_row=3, values_only=True)}
    assert {"销售代表", "公司", "团队汇总", "公司汇总"} <= levels
    assert "全部" in {row[1] for row in tracking.iter_rows(min_row=3, values_only=True)}
    kpis = [c.value for c in workbook["关键指标"][2]]
    assert kpis[:3] == ["层级", "名称", "期间"] and "获客成本" in kpis
    # CSV and JSON keep the contract's English keys and words.
    records = json.loads(run("track", book, "--as-of", "2025-05-15", "--format", "json").output)
    assert list(records[0]) == TRACKING_COLUMNS and records[0]["Level"] == "Rep"


def test_a_workbook_refreshed_in_english_keeps_one_set_of_output_sheets(tmp_path):
    book = chinese_book(tmp_path)
    set_language(book, "en")
    assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    assert load_workbook(book).sheetnames[-6:] == ENGLISH_OUTPUTS
    set_language(book, "zh")
    assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    names = load_workbook(book).sheetnames
    assert names[-6:] == CHINESE_OUTPUTS and not set(ENGLISH_OUTPUTS) & set(names)
    # The print titles follow the renamed sheet: no name is left pointing at the old one.
    with zipfile.ZipFile(book) as package:
        workbook_xml = package.read("xl/workbook.xml").decode()
    assert "'Tracking'!" not in workbook_xml and "Tracking!" not in workbook_xml
    set_language(book, "en")
    assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    assert load_workbook(book).sheetnames[-6:] == ENGLISH_OUTPUTS


def test_a_users_own_sheet_named_like_an_output_is_left_alone(tmp_path):
    sheets = basic_sheets() | {"Settings": [["语言", "zh"]], "仪表板": [["我的"]]}
    book = write_book(tmp_path / "mine.xlsx", sheets)
    assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    workbook = load_workbook(book)
    assert workbook["仪表板"]["A1"].value == "我的" and "仪表板 (SalesTrack)" in workbook.sheetnames


def test_messages_and_option_words_are_chinese(tmp_path):
    book = chinese_book(tmp_path)
    table = run("track", book, "--as-of", "2025-05-15", "--format", "表格", "--level", "团队汇总")
    assert table.exit_code == 0 and "团队汇总" in table.output
    missing = write_book(
        tmp_path / "no_amount.xlsx",
        {
            "Targets": basic_sheets()["Targets"],
            "Actuals": [["Date", "Rep"], ["2025-05-01", "Ann"]],
            "Settings": [["语言", "zh"]],
        },
    )
    said = run("track", missing)
    assert said.exit_code == 2 and "金额" in said.output and "Amount" not in said.output
    drafts = tmp_path / "drafts"
    assert run("email", book, "--as-of", "2025-05-15", "--out", drafts).exit_code == 0
    index = (drafts / "index.html").read_text(encoding="utf-8")
    assert "邮件预览" in index and "主题" in index and "email previews" not in index
    assert run("new", tmp_path / "新.xlsx", "--language", "中文").exit_code == 0
    assert load_workbook(tmp_path / "新.xlsx").sheetnames[0] == "使用说明"


def test_written_parts_use_the_prefixes_excel_writes(tmp_path):
    book = write_book(tmp_path / "plain.xlsx", basic_sheets())  # openpyxl declares no r: on the root
    for _ in range(2):
        assert run("refresh", book, "--as-of", "2025-05-15").exit_code == 0
    with zipfile.ZipFile(book) as package:
        for name in package.namelist():
            data = package.read(name)
            assert b"xmlns:ns0" not in data and b"ns1:" not in data, name
        workbook_xml = package.read("xl/workbook.xml")
    assert workbook_xml.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' in workbook_xml
    assert workbook_xml.count(b"xmlns:r=") == 1
