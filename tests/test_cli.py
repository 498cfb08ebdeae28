import csv
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from conftest import basic_sheets, write_book
from openpyxl import load_workbook
from test_chinese import NEW_COLUMNS

from pyxl import __version__
from pyxl.cli import main
from pyxl.core.tracking import TRACKING_COLUMNS


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_track_csv_follows_the_contract(basic_book):
    result = run("track", basic_book, "--as-of", "2025-05-15", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == TRACKING_COLUMNS
    ann = rows[0]
    assert (ann["Level"], ann["Name"], ann["Start"], ann["End"], ann["Status"]) == (
        "Rep",
        "Ann",
        "2025-05-01",
        "2025-05-31",
        "Ahead",
    )
    assert float(ann["Attainment"]) == pytest.approx(0.6)
    bob = rows[1]
    assert bob["Pace"] == "0.0" and bob["Forecast"] == "0.0"
    not_started = run("track", basic_book, "--as-of", "2025-04-15", "--format", "csv").output
    assert next(iter(csv.DictReader(io.StringIO(not_started))))["Pace"] == ""


def test_track_json_uses_null_for_blanks(basic_book):
    result = run("track", basic_book, "--as-of", "2025-04-15", "--format", "json")
    records = json.loads(result.output)
    assert list(records[0]) == TRACKING_COLUMNS
    assert records[0]["Status"] == "Not started"
    assert records[0]["Pace"] is None and records[0]["Forecast"] is None
    assert records[0]["Start"] == "2025-05-01"
    assert records[0]["Days Left"] == 31


def test_track_table_is_readable(basic_book):
    result = run("track", basic_book, "--as-of", "2025-05-15")
    assert "Team rollup" in result.output and "60.0%" in result.output


def test_chinese_workbook_keeps_english_statuses_in_csv(tmp_path):
    book = write_book(
        tmp_path / "中文.xlsx",
        {
            "目标": [["期间", "指标", "代表", "目标"], ["2025-05", "销售额", "李伟", 1000]],
            "实际": [["日期", "代表", "金额"], ["2025/5/3", "李伟", "¥1,000"]],
            "设置": [["设置项", "值"], ["语言", "zh"]],
        },
    )
    result = run("track", book, "--as-of", "2025-05-10", "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)[0]
    assert (record["Name"], record["Status"], record["Actual"]) == ("李伟", "Ahead", 1000.0)


def test_refresh_writes_output_sheets_and_leaves_inputs(basic_book):
    before = {n: zipfile.ZipFile(basic_book).read(n) for n in zipfile.ZipFile(basic_book).namelist()}
    result = run("refresh", basic_book, "--as-of", "2025-05-15")
    assert result.exit_code == 0, result.output
    assert "Wrote Tracking, Data Quality, KPIs, Dashboard, Definitions and History" in result.output
    book = load_workbook(basic_book)
    assert book.sheetnames == [
        "Targets",
        "Actuals",
        "Team",
        "Tracking",
        "Data Quality",
        "KPIs",
        "Dashboard",
        "Definitions",
        "History",
    ]
    sheet = book["Tracking"]
    assert sheet["A1"].value == "Sales tracking · as of 2025-05-15"
    assert [c.value for c in sheet[2]] == TRACKING_COLUMNS
    assert sheet["B3"].value == "Ann" and sheet["I3"].value == pytest.approx(0.6)
    after = zipfile.ZipFile(basic_book)
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"):
        assert after.read(name) == before[name]


def test_refresh_to_a_copy_leaves_the_original(basic_book, tmp_path):
    original = digest(basic_book)
    out = tmp_path / "copy.xlsx"
    assert run("refresh", basic_book, "--out", out, "--as-of", "2025-05-15").exit_code == 0
    assert digest(basic_book) == original
    assert "Tracking" in load_workbook(out).sheetnames


def test_validate_exit_status(tmp_path, basic_book):
    clean = run("validate", basic_book)
    assert clean.exit_code == 0 and "No data problems found" in clean.output
    sheets = basic_sheets()
    sheets["Actuals"].append(["someday", "Ann", "W", "Z", 5, 1])
    dirty = run("validate", write_book(tmp_path / "dirty.xlsx", sheets))
    assert dirty.exit_code == 1
    assert "Date could not be read" in dirty.output and "someday" in dirty.output and " 8 " in dirty.output


def test_validate_speaks_the_workbook_language(tmp_path):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    sheets["Actuals"].append(["someday", "Ann", "W", "Z", 5, 1])
    result = run("validate", write_book(tmp_path / "zh.xlsx", sheets))
    assert "日期无法识别" in result.output and "已跳过该行" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "not a readable Excel workbook"),
        (None, "does not exist"),
    ],
)
def test_unusable_files_get_one_sentence_and_status_2(tmp_path, content, message):
    path = tmp_path / "book.xlsx"
    if content is not None:
        path.write_bytes(content)
    for command in ("track", "refresh", "validate"):
        result = run(command, path)
        assert result.exit_code == 2
        assert message in result.output
        assert "Traceback" not in result.output
    if content is not None:
        assert path.read_bytes() == content


def test_missing_sheet_leaves_the_file_unchanged(tmp_path):
    path = write_book(tmp_path / "book.xlsx", {"Actuals": [["Date", "Amount"]]})
    original = digest(path)
    result = run("refresh", path)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "salestrack: The workbook has no Targets sheet (目标); add one with the columns Period, Target."
    )
    assert digest(path) == original


def test_workbook_open_elsewhere_is_refused(basic_book):
    lock = basic_book.parent / f"~${basic_book.name}"
    lock.write_text("x")
    result = run("refresh", basic_book)
    assert result.exit_code == 2 and "open in another program" in result.output


def test_every_command_has_help():
    for command in ("track", "refresh", "validate", "demo"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_console_script_runs_in_a_real_process(basic_book):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyxl",
            "track",
            str(basic_book),
            "--as-of",
            "2025-05-15",
            "--format",
            "csv",
            "--progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Reading basic.xlsx" in done.stderr
    assert done.stdout.startswith("Level,Name,Period")


def console(*arguments: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """`salestrack` as its console script runs it, after the Python in `before`."""
    code = f"import sys\n{before}\nfrom pyxl.cli import run\nsys.argv = ['salestrack', *sys.argv[1:]]\nrun()"
    command = [sys.executable, "-c", code, *arguments]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_the_console_script_leaves_quickly_but_as_a_normal_exit_would(tmp_path):
    # Exit handlers still run (a temporary folder an external source made is removed, say),
    # a thread still finishing its work is waited for, and what was printed is all there.
    marker = tmp_path / "finished"
    before = (
        "import atexit, threading, time, pathlib\n"
        "atexit.register(print, 'exit handler ran')\n"
        f"threading.Thread(target=lambda: (time.sleep(0.3), pathlib.Path({str(marker)!r}).touch())).start()"
    )
    done = console("--version", before=before)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"salestrack, version {__version__}", "exit handler ran"]
    assert marker.exists()
    done = console("track", str(tmp_path / "missing.xlsx"))
    assert done.returncode == 2 and "missing.xlsx" in done.stderr and "Traceback" not in done.stderr
    done = console("no-such-command")
    assert done.returncode == 2 and "No such command" in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="pyarrow carries jemalloc in its Linux builds")
def test_the_console_script_gives_arrow_jemalloc_unless_the_user_chose(basic_book, monkeypatch):
    report = (
        "import atexit\n"
        "atexit.register(lambda: print(__import__('pyarrow').default_memory_pool().backend_name))"
    )
    track = ("track", str(basic_book), "--as-of", "2025-05-15", "--format", "csv")
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    done = console(*track, before=report)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "jemalloc", done.stderr
    assert "ARROW_DEFAULT_MEMORY_POOL" not in done.stderr
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert console(*track, before=report).stdout.splitlines()[-1] == "system"


def test_progress_is_worded_in_the_workbooks_language(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESTRACK_CACHE_DIR", "off")
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    book = write_book(tmp_path / "销售.xlsx", sheets)
    result = run("refresh", book, "--as-of", "2025-05-15", "--progress")
    assert result.exit_code == 0, result.output
    progress = [line for line in result.output.splitlines() if line.startswith("[")]
    assert [line.split("] ", 1)[1].split(" ", 1)[0] for line in progress] == [
        "正在读取",
        "正在跟踪",
        "正在设置输出工作表的格式",
        "正在保存",
    ]


def test_demo_creates_and_refreshes_a_workbook(tmp_path):
    result = run("demo", tmp_path, "--as-of", "2026-05-20")
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "salestrack-demo.xlsx")
    assert {
        "Targets",
        "Actuals",
        "Team",
        "Seasonality",
        "Holidays",
        "Settings",
        "Tracking",
        "Data Quality",
    } <= set(book.sheetnames)
    assert "As of 2026-05-20" in result.output


def test_kpis_command_follows_the_contract(tmp_path):
    from test_kpis import sheets as kpi_sheets

    from pyxl.core.kpis import KPI_COLUMNS

    book = write_book(tmp_path / "kpis.xlsx", kpi_sheets())
    result = run("kpis", book, "--as-of", "2025-05-15", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == KPI_COLUMNS
    assert (rows[0]["Level"], rows[0]["CAC"], rows[0]["Win Rate"]) == ("Company", "400.0", "0.5")
    records = json.loads(run("kpis", book, "--as-of", "2025-05-15", "--format", "json").output)
    west = next(r for r in records if r["Name"] == "West")
    assert west["CAC"] is None and list(west) == KPI_COLUMNS
    assert "Win Rate" in run("kpis", book, "--as-of", "2025-05-15").output


@pytest.mark.parametrize("written", ["2025-05-15", "2025/5/15", "2025年5月15日"])
def test_as_of_is_read_as_people_type_it(basic_book, written):
    result = run("track", basic_book, "--as-of", written, "--format", "json")
    assert result.exit_code == 0, result.output
    ann = next(r for r in json.loads(result.output) if r["Name"] == "Ann" and r["Metric"] == "Revenue")
    assert ann["Status"] == "Ahead"


def test_a_date_that_does_not_exist_is_not_a_date(basic_book):
    result = run("track", basic_book, "--as-of", "2025-11-31")
    assert result.exit_code == 2 and "'2025-11-31' is not a date" in result.output
    assert run("track", basic_book, "--as-of", "today").exit_code == 0


def test_a_chinese_workbook_hears_chinese(tmp_path):
    sheets = basic_sheets() | {"Settings": [["设置项", "值"], ["语言", "中文"]]}
    sheets["Team"] = [["Rep", "Team"], ["Ann", "East"], ["Bob", "East"]]
    book = write_book(tmp_path / "zh.xlsx", sheets)
    summary = run("refresh", book, "--as-of", "2025-05-15").output
    assert "已将 跟踪、数据质量、关键指标、仪表板、说明 和 历史 写入" in summary
    assert "截至 2025-05-15" in summary and "数据问题" in summary and "领先" in summary
    emails = run("email", book, "--as-of", "2025-05-15", "--out", tmp_path / "drafts").output
    assert "团队成员表中没有 Ann 的邮箱" in emails


def test_a_skipped_target_is_named_on_screen_and_a_stale_lock_is_called_stale(tmp_path):
    import os
    import time

    sheets = basic_sheets()
    sheets["Targets"].append(["2025-13", "Revenue", "Ann", None, 100])
    book = write_book(tmp_path / "typo.xlsx", sheets)
    result = run("refresh", book, "--as-of", "2025-05-15")
    assert result.exit_code == 0 and "Target skipped, Targets row 7: Period is not one of" in result.output
    lock = tmp_path / f"~${book.name}"
    lock.write_text("x")
    three_days_ago = time.time() - 3 * 86400
    os.utime(lock, (three_days_ago, three_days_ago))
    stale = run("refresh", book)
    assert stale.exit_code == 2 and "3 days old" in stale.output and "delete" in stale.output


def test_output_writes_a_byte_order_mark_for_excel_and_stdout_stays_plain(tmp_path):
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", "孙丽", None, 100])
    book = write_book(tmp_path / "zh-names.xlsx", sheets)
    out = tmp_path / "tracking.csv"
    result = run("track", book, "--as-of", "2025-05-15", "--format", "csv", "--output", out)
    assert result.exit_code == 0 and str(out) in result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfLevel,Name") and "孙丽" in out.read_text("utf-8-sig")
    plain = run("track", book, "--as-of", "2025-05-15", "--format", "csv").stdout
    assert plain.startswith("Level,Name")


def test_terminal_tables_line_up_chinese_names_by_display_width(tmp_path):
    sheets = basic_sheets()
    sheets["Targets"].append(["2025-05", "Revenue", "孙丽", None, 100])
    book = write_book(tmp_path / "zh-names.xlsx", sheets)
    lines = run("track", book, "--as-of", "2025-05-15").stdout.splitlines()
    from pyxl.views.sheets import display_width

    def end_of(line: str, name: str) -> int:
        return display_width(line[: line.index(name) + len(name)])

    name_column_end = end_of(lines[0], "Name")
    sun, bob = (next(line for line in lines if f" {n} " in line) for n in ("孙丽", "Bob"))
    assert end_of(sun, "孙丽") == end_of(bob, "Bob") == name_column_end


def test_a_chinese_workbooks_terminal_tables_are_in_chinese(tmp_path):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    book = write_book(tmp_path / "zh.xlsx", sheets)
    tracked = run("track", book, "--as-of", "2025-05-15").stdout.splitlines()
    headers = ["层级", "名称", "期间", "指标", "开始", "结束", "目标", "实际", "达成率"]
    assert tracked[0].split()[:9] == headers
    assert tracked[0].split()[-10:] == ["剩余天数", "每日所需", *NEW_COLUMNS]
    levels = {line.split()[0] for line in tracked[1:]}
    assert "销售代表" in levels and "公司汇总" in levels and not any(c.isascii() for c in "".join(levels))
    assert all(line.split()[1] == "全部" for line in tracked[1:] if line.startswith("公司"))
    kpis = run("kpis", book, "--as-of", "2025-05-15").stdout.splitlines()[0]
    assert not any(word.isascii() for word in kpis.split())
    suggested = run("suggest", book, "2025-07", "--as-of", "2025-05-15").stdout.splitlines()[0]
    assert not any(word.isascii() for word in suggested.split())
    # CSV keeps the contract's words.
    assert run("track", book, "--as-of", "2025-05-15", "--format", "csv").stdout.startswith("Level,Name")


def test_period_rep_and_level_filters_pick_rows_in_every_format(basic_book):
    result = run(
        "track", basic_book, "--as-of", "2025-05-15", "--format", "csv", "--rep", " ann ", "--level", "REP"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and {(r["Level"], r["Name"].casefold()) for r in rows} == {("Rep", "ann")}
    result = run("track", basic_book, "--as-of", "2025-05-15", "--format", "json", "--period", "2025-5")
    assert {r["Period"] for r in json.loads(result.output)} == {"2025-05"}
    result = run("kpis", basic_book, "--as-of", "2025-05-15", "--format", "csv", "--level", "company")
    assert {r["Level"] for r in csv.DictReader(io.StringIO(result.output))} == {"Company"}


def test_a_filter_that_matches_nothing_names_what_there_is(basic_book):
    result = run("track", basic_book, "--as-of", "2025-05-15", "--rep", "Nobody")
    assert result.exit_code == 2
    assert result.output.strip().startswith("salestrack: --rep 'Nobody' matches no row; there are: Ann")
    assert "Traceback" not in result.output


def test_terminal_tables_keep_the_columns_that_fit(basic_book):
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, ["track", str(basic_book), "--as-of", "2025-05-15"]
    )
    assert result.exit_code == 0, result.output
    *table, note = result.output.splitlines()
    assert all(len(line) <= 80 for line in table)
    assert table[0].split()[:4] == ["Level", "Name", "Period", "Metric"] and "Attainment" in table[0]
    assert note.startswith("(left out to fit the terminal: ") and "Start" in note
    wide = CliRunner(env={"COLUMNS": "400"}).invoke(main, ["track", str(basic_book), "--as-of", "2025-05-15"])
    assert "left out" not in wide.output and "Required per Day" in wide.output
    # A pipe gets every column, whatever the terminal.
    piped = run("track", basic_book, "--as-of", "2025-05-15")
    assert "Required per Day" in piped.output


@pytest.mark.parametrize("language", ["en", "zh"])
def test_new_writes_a_ready_to_fill_workbook_that_refreshes_cleanly(tmp_path, language):
    from pyxl.core import schema
    from pyxl.core.inputs import load_inputs
    from pyxl.pipeline import file_reader

    book = tmp_path / "targets.xlsx"
    result = run("new", book, "--language", language)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(book)
    found = schema.find_sheets(workbook.sheetnames)
    assert set(found) == {sheet.key for sheet in schema.INPUT_SHEETS}
    assert workbook.sheetnames[0] == ("使用说明" if language == "zh" else "How to")
    for sheet in schema.INPUT_SHEETS:
        rows = [list(row) for row in workbook[found[sheet.key]].iter_rows(values_only=True)]
        header = schema.find_header(rows, sheet)
        assert header is not None and header[0] == 0, sheet.key
        assert len(rows) >= 2, f"{sheet.key} has no example row"
        if language == "zh" and sheet.key != "settings":
            assert all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in rows[0]), rows[0]
    inputs = load_inputs(file_reader(book))
    # Only the example rows are spoken of, each once, until the manager's own replace them.
    assert set(inputs.issues.frame()["problem"]) == {"example_row"}, inputs.issues.frame()
    assert inputs.settings.language == language
    refreshed = run("validate", book)
    assert refreshed.exit_code == 0, refreshed.output
    again = run("new", book)
    assert (again.exit_code == 2 and "already exists" in again.output) or "已存在" in again.output


def test_the_demo_explains_its_data_problems_and_speaks_of_periods_in_progress_first(tmp_path):
    result = run("demo", tmp_path, "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "As of 2026-11-27:"
    assert lines[2].lstrip().startswith(tuple(f"{n} targets in progress" for n in range(1, 100)))
    assert "targets ended:" in lines[3]
    assert "problems on purpose" in result.output and "'n/a'" in result.output
    # Targets set from last year's actuals: a handful flagged, the stretch target among them.
    warnings = int(re.search(r"(\d+) warnings", result.output).group(1))
    assert 1 <= warnings <= 12


def test_errors_before_the_settings_are_read_follow_the_locale_and_after_them_the_workbook(tmp_path):
    missing = tmp_path / "nope.xlsx"
    chinese = CliRunner(env={"LANG": "zh_CN.UTF-8", "LC_ALL": None}).invoke(main, ["track", str(missing)])
    assert chinese.exit_code == 2 and "不存在" in chinese.output
    english = CliRunner(env={"LANG": "en_GB.UTF-8", "LC_ALL": None}).invoke(main, ["track", str(missing)])
    assert english.exit_code == 2 and "does not exist" in english.output
    book = write_book(
        tmp_path / "no-targets.xlsx",
        {"实际": [["日期", "金额"]], "设置": [["设置项", "值"], ["语言", "zh"]]},
    )
    result = CliRunner(env={"LANG": "C", "LC_ALL": None}).invoke(main, ["track", str(book)])
    assert result.exit_code == 2 and "工作簿中没有 Targets 工作表" in result.output


def test_the_command_line_starts_light_and_track_loads_no_writer(basic_book):
    """`salestrack --help` imports no pandas; `track` loads neither openpyxl, XlsxWriter, Jinja2
    nor xlwings (measured with python -X importtime; the times are in the README)."""
    heavy = ("pandas", "numpy", "openpyxl", "xlsxwriter", "jinja2", "xlwings", "fastexcel")
    code = f"import sys, pyxl.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    code = (
        "import sys\nfrom pyxl.cli import main\n"
        f"try:\n    main(['track', {str(basic_book)!r}, '--as-of', '2025-05-15', '--format', 'csv'])\n"
        "except SystemExit:\n    pass\n"
        "print([m for m in ('openpyxl', 'xlsxwriter', 'jinja2', 'xlwings') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-500:]


def test_a_chinese_workbook_hears_of_a_missing_out_folder_in_chinese(tmp_path):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    book = write_book(tmp_path / "zh.xlsx", sheets)
    result = run("refresh", book, "--out", tmp_path / "missing" / "out.xlsx")
    assert result.exit_code == 2 and "不存在" in result.output
    table = CliRunner(env={"COLUMNS": "300"}).invoke(main, ["track", str(book), "--as-of", "2025-05-15"])
    assert "销售额" in table.output and "Revenue" not in table.output.splitlines()[1]


def test_an_ambiguous_as_of_names_both_readings_in_the_workbooks_language(tmp_path, basic_book):
    result = run("track", basic_book, "--as-of", "05/11/2025")
    assert result.exit_code == 2
    assert "'05/11/2025' could be 2025-11-05 or 2025-05-11" in result.output
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    chinese = write_book(tmp_path / "zh.xlsx", sheets)
    worded = run("validate", chinese, "--as-of", "05/11/2025")
    assert worded.exit_code == 2 and "既可能是 2025-11-05，也可能是 2025-05-11" in worded.output
    assert "不是日期" in run("kpis", chinese, "--as-of", "2025-11-31").output
    day_first = write_book(tmp_path / "dmy.xlsx", basic_sheets() | {"Settings": [["Date Order", "DMY"]]})
    assert run("track", day_first, "--as-of", "15/05/2025").exit_code == 0


def test_every_command_that_tracks_takes_the_common_options():
    for command in ("track", "refresh", "validate", "email", "kpis", "suggest"):
        options = {o for p in main.commands[command].params for o in p.opts}
        assert {"--as-of", "--actuals", "--actuals-table"} <= options, command


def test_no_sales_yet_is_an_ordinary_state_for_every_command(tmp_path):
    sheets = basic_sheets()
    sheets["Actuals"] = sheets["Actuals"][:1]
    sheets["Targets"] += [["2025-05", "Orders", None, None, 10], ["2025-05", "Units", "Bob", None, 5]]
    book = write_book(tmp_path / "empty.xlsx", sheets)
    for command in ("track", "validate", "kpis", "email", "refresh"):
        result = run(command, book, "--as-of", "2025-05-01")
        assert result.exit_code == 0, (command, result.output)
    records = json.loads(run("track", book, "--as-of", "2025-05-01", "--format", "json").output)
    assert {r["Actual"] for r in records} == {0}
    assert {r["Level"] for r in records} >= {"Rep", "Company", "Team rollup", "Company rollup"}
    assert run("suggest", book, "2025-06", "--as-of", "2025-05-01").exit_code == 0


def test_a_chinese_level_and_company_name_pick_rows(tmp_path):
    sheets = basic_sheets() | {"Settings": [["Setting", "Value"], ["Language", "zh"]]}
    book = write_book(tmp_path / "zh.xlsx", sheets)
    reps = run("track", book, "--as-of", "2025-05-15", "--level", "销售代表", "--format", "json")
    assert reps.exit_code == 0 and {r["Level"] for r in json.loads(reps.output)} == {"Rep"}
    company = run("track", book, "--as-of", "2025-05-15", "--rep", "全部", "--level", "公司汇总")
    assert company.exit_code == 0 and "公司汇总" in company.output
    wrong = run("track", book, "--as-of", "2025-05-15", "--level", "经理")
    assert wrong.exit_code == 2 and "销售代表" in wrong.output


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_are_read_and_refresh_says_to_save_as_xlsx(tmp_path, basic_book, kind):
    import libreoffice

    libreoffice.require()
    libreoffice.convert(basic_book, kind, tmp_path)
    book = tmp_path / f"basic.{kind}"
    expected = json.loads(run("track", basic_book, "--as-of", "2025-05-15", "--format", "json").output)
    tracked = run("track", book, "--as-of", "2025-05-15", "--format", "json")
    assert tracked.exit_code == 0, tracked.output
    assert json.loads(tracked.output) == expected
    assert run("validate", book).exit_code == 0 and run("kpis", book, "--as-of", "2025-05-15").exit_code == 0
    before = digest(book)
    refused = run("refresh", book)
    assert refused.exit_code == 2 and "save it as .xlsx" in refused.output and digest(book) == before


@pytest.mark.parametrize("name", ["sales.csv", "sales.parquet", "crm.duckdb", "sales.csv.gz"])
def test_a_file_of_sales_given_as_the_workbook_points_at_actuals(tmp_path, name):
    (tmp_path / name).write_bytes(b"Date,Amount\n2025-05-01,10\n")
    for command in ("track", "refresh"):
        result = run(command, tmp_path / name)
        assert result.exit_code == 2 and f"--actuals {name}" in result.output, result.output


def test_amounts_near_the_float_limit_print_no_library_warning(tmp_path):
    sheets = basic_sheets()
    sheets["Actuals"] += [[dt.date(2025, 5, 2), "Ann", "Widget", f"H{i}", 1.7e308, 1] for i in range(2)]
    book = write_book(tmp_path / "huge.xlsx", sheets)
    for command in ("track", "kpis", "refresh"):
        done = console(command, str(book), "--as-of", "2025-05-15")
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr and "overflow" not in done.stderr, done.stderr
