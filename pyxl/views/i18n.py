"""English and Chinese wording for sheets, statuses, data problems and messages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from pyxl.core.errors import SalesTrackError

# The language of what is said while a run works for one workbook (`in_language`), for the
# adapters' progress messages, which know nothing of its Settings.
_current: ContextVar[str] = ContextVar("language", default="en")

LANGUAGES = ("en", "zh")

STATUS_WORDS = {
    "Not started": "未开始",
    "Ahead": "领先",
    "On track": "正常",
    "Behind": "落后",
    "At risk": "有风险",
    "Achieved": "已达成",
    "Missed": "未达成",
}

METRIC_WORDS = {"Revenue": "销售额", "Units": "数量", "Orders": "订单数"}
METHOD_WORDS = {"run-rate": "按当前速度", "pattern": "历史规律", "All": "全部"}

TEXT: dict[str, tuple[str, str]] = {
    # sheet titles and headers
    "tracking_title": ("Sales tracking · as of {as_of}", "销售目标跟踪 · 截至 {as_of}"),
    "quality_title": (
        "Data quality · errors: {errors} · warnings: {warnings} · notes: {infos} · as of {as_of}",
        "数据质量 · 错误：{errors} · 警告：{warnings} · 提示：{infos} · 截至 {as_of}",
    ),
    "kpis_title": ("KPIs · as of {as_of}", "关键指标 · 截至 {as_of}"),
    "history_title": (
        "History · the Tracking rows of every refresh, under its as-of date",
        "历史 · 每次刷新的跟踪表行，按截至日期保存",
    ),
    "history_rows_unreadable": (
        "{count} rows of the {sheet} sheet had no date under As Of (rows {rows}) and were left out "
        "when History was written again; History is salestrack's to write, so type nothing there.",
        "{sheet} 表有 {count} 行的截至日期不是日期（第 {rows} 行），重写历史时已略去；历史表由 salestrack 写入，请勿在其中输入。",
    ),
    "pack_title": ("Sales meeting · as of {as_of}", "定期销售会议 · 截至 {as_of}"),
    "pack_since": ("What moved since the last meeting on {since}", "与上次会议（{since}）相比的变化"),
    "pack_first": (
        "No earlier refresh in History yet: this is the first meeting to compare with",
        "历史中尚无更早的刷新：本次会议将作为以后比较的起点",
    ),
    "pack_headline_title": ("Where we stand", "总体进展"),
    "pack_headline_attainment": (
        "{period}: {actual} of {target} ({attainment}), {status}",
        "{period}：完成 {actual}，目标 {target}（达成率 {attainment}），{status}",
    ),
    "pack_headline_forecast": ("Forecast {forecast}", "预计 {forecast}"),
    "pack_headline_growth": ("{growth} on the same days last year", "同比 {growth}"),
    "pack_coverage": ("Pipeline coverage {coverage}× the gap", "商机覆盖率：差额的 {coverage} 倍"),
    "pack_quality": (
        "Data quality: {errors} errors, {warnings} warnings",
        "数据质量：{errors} 个错误，{warnings} 个警告",
    ),
    "pack_chart_attainment": ("Attainment by rep", "各代表达成率"),
    "pack_series_month": ("This month", "本月"),
    "pack_series_ytd": ("Year to date", "年初至今"),
    "pack_table_title": ("Teams and reps: this month and the year to date", "团队与代表：本月与年初至今"),
    "pack_col_name": ("Name", "名称"),
    "pack_col_month_target": ("Month target", "本月目标"),
    "pack_col_month_actual": ("Month actual", "本月实际"),
    "pack_col_month_attainment": ("Month %", "本月达成率"),
    "pack_col_month_variance": ("Surplus / deficit", "超额/差额"),
    "pack_col_growth": ("vs last year", "同比"),
    "pack_col_change": ("vs last month", "环比"),
    "pack_col_ytd_target": ("YTD target", "年初至今目标"),
    "pack_col_ytd_actual": ("YTD actual", "年初至今实际"),
    "pack_col_ytd_attainment": ("YTD %", "年初至今达成率"),
    "pack_col_ytd_growth": ("YTD vs last year", "年初至今同比"),
    "pack_moved_title": ("What moved since {since}", "自 {since} 以来的变化"),
    "pack_moved_title_none": ("What moved since the last meeting", "与上次会议相比的变化"),
    "pack_no_history": (
        "Nothing to compare with yet: refresh the workbook before each meeting and History keeps each refresh.",
        "尚无可比较的数据：每次会议前刷新工作簿，历史表会保存每次刷新的结果。",
    ),
    "pack_forecast_title": ("Forecasts that moved most", "预计变化最大的目标"),
    "pack_no_forecast_moves": (
        "No running target's forecast moved since the last meeting.",
        "自上次会议以来，进行中目标的预计没有变化。",
    ),
    "pack_no_status_change": ("No target changed status.", "没有目标的状态发生变化。"),
    "pack_col_target": ("Target", "目标"),
    "pack_col_before": ("Before", "上次"),
    "pack_col_now": ("Now", "本次"),
    "pack_col_change_forecast": ("Change", "变化"),
    "pack_chart_forecast": ("Forecast then and now", "预计：上次与本次"),
    "pack_deals_title": ("Deals won, lost and slipped", "赢单、丢单与延期商机"),
    "pack_deal_won": ("Won", "赢单"),
    "pack_deal_lost": ("Lost", "丢单"),
    "pack_deal_slipped": ("Slipped (close date passed)", "延期（预计成交日期已过）"),
    "pack_no_deals": (
        "No deal was won or lost since the last meeting, and none slipped.",
        "自上次会议以来没有赢单、丢单或延期的商机。",
    ),
    "pack_col_what": ("What", "类别"),
    "pack_col_deal": ("Deal", "商机"),
    "pack_col_rep": ("Rep", "销售代表"),
    "pack_col_amount": ("Amount", "金额"),
    "pack_col_close": ("Close date", "预计成交日期"),
    "pack_help_title": ("Who needs help", "需要支持的代表"),
    "pack_ahead": ("Ahead: {names}", "领先：{names}"),
    "pack_no_help": ("Nobody is at risk or behind.", "没有代表处于有风险或落后状态。"),
    "pack_col_status": ("Status", "状态"),
    "pack_col_attainment": ("Attainment", "达成率"),
    "pack_col_gap": ("Gap", "差额"),
    "pack_col_per_day": ("Needed per day", "每日需完成"),
    "pack_col_days_left": ("Days left", "剩余天数"),
    "pack_actions_title": ("Actions agreed", "会议行动项"),
    "pack_no_actions": (
        "No actions yet: add an Actions sheet (Action, Owner, Due, Status) to follow them up here.",
        "尚无行动项：添加“行动”表（行动、负责人、截止日期、状态）即可在此跟进。",
    ),
    "pack_action_counts": (
        "{overdue} overdue, {open} open, {done} done since the last meeting",
        "逾期 {overdue} 项，未完成 {open} 项，自上次会议以来完成 {done} 项",
    ),
    "pack_col_action": ("Action", "行动"),
    "pack_col_owner": ("Owner", "负责人"),
    "pack_col_due": ("Due", "截止日期"),
    "pack_overdue": ("Overdue", "逾期"),
    "pack_open": ("Open", "未完成"),
    "pack_done": ("Done", "已完成"),
    "pack_done_since": ("Done since the last meeting", "上次会议后已完成"),
    "pack_more": ("… and {count} more", "……另有 {count} 项"),
    "pack_not_pptx": (
        "{name}: a meeting pack is a .pptx file; name one ending in .pptx",
        "{name}：会议材料是 .pptx 文件，请使用以 .pptx 结尾的文件名",
    ),
    "meeting_sheet_written": (
        "The meeting pack is on the {sheet} sheet, ready to print.",
        "会议材料已写入 {sheet} 表，可直接打印。",
    ),
    "wrote_pack": (
        "Wrote the meeting pack ({slides} slides) to {path}",
        "已写入会议材料（{slides} 页）：{path}",
    ),
    "tile_forecast_range": ("Forecast range (80%)", "预计区间（80%）"),
    "tile_growth": ("vs last year", "同比"),
    "accuracy_title": (
        "Forecast accuracy · {forecasts} forecasts made every Sunday and month-end from {first} to {last}, "
        "each from only the sales known that day",
        "预测准确度 · {first} 至 {last} 每个周日和月末所作的 {forecasts} 次预测，每次只用当天已知的销售",
    ),
    "no_backtest": (
        "Nothing to replay yet: no target's period (or the same period moved back) ended between {first} and "
        "{last}. Add Actuals covering at least one whole past period, then run salestrack backtest again.",
        "暂无可回放的预测：{first} 至 {last} 之间没有任何目标期间（或向前推移的同类期间）结束。"
        "请补充至少覆盖一个完整过去期间的实际销售，再运行 salestrack backtest。",
    ),
    "definitions_title": ("How each figure is worked out", "各项指标的计算方法"),
    "dashboard_title": ("Dashboard · {period} · as of {as_of}", "仪表板 · {period} · 截至 {as_of}"),
    "Figure": ("Figure", "指标"),
    "Definition": ("Definition", "定义"),
    "attainment_by_rep": ("Attainment by rep", "各代表达成率"),
    "cumulative": ("Cumulative actual against expected", "累计实际与应完成"),
    "status_counts": ("Targets by status", "各状态目标数"),
    "Date": ("Date", "日期"),
    "Actual": ("Actual", "实际"),
    "Expected": ("Expected", "应完成"),
    "Target line": ("Target", "目标"),
    "Expected line": ("Expected by today", "截至今日应完成"),
    "Target": ("Target", "目标"),
    "Rep": ("Rep", "销售代表"),
    "Status": ("Status", "状态"),
    "Count": ("Count", "数量"),
    "more_notes": (
        "{detail} more like this, not listed here; salestrack validate lists them all",
        "另有 {detail} 条同类提示未列出；运行 salestrack validate 查看全部",
    ),
    "quality_truncated": (
        "{count} more problems do not fit on this sheet; run salestrack validate --format csv to see them all",
        "还有 {count} 个问题超出本表行数上限；运行 salestrack validate --format csv 查看全部",
    ),
    "quality_clean": (
        "Data quality · no problems found · as of {as_of}",
        "数据质量 · 未发现问题 · 截至 {as_of}",
    ),
    "Severity": ("Severity", "级别"),
    "Sheet": ("Sheet", "工作表"),
    "Row": ("Row", "行"),
    "Column": ("Column", "列"),
    "Cell": ("Cell", "单元格"),
    "Value": ("Value", "值"),
    "Problem": ("Problem", "问题"),
    "Action": ("Action", "处理"),
    # the Email Preview sheet (xlwings Lite)
    "email_preview_title": (
        "Email preview · {count} summaries as of {as_of} · Excel in the browser cannot send them: "
        "copy one into your mail, or run salestrack email on a computer",
        "邮件预览 · 截至 {as_of} 共 {count} 份汇总 · 浏览器中的 Excel 无法发送邮件：请复制到邮件中，或在电脑上运行 salestrack email",
    ),
    "Kind": ("For", "对象"),
    "Name": ("Name", "姓名"),
    "Email": ("Email", "邮箱"),
    "Subject": ("Subject", "主题"),
    "Message": ("Message", "内容"),
    "kind_rep": ("rep", "销售代表"),
    "kind_manager": ("manager", "经理"),
    "previews_title": ("{count} email previews (not sent)", "{count} 封邮件预览（未发送）"),
    "previews_no_address": ("No email address on the Team sheet", "团队成员表中没有邮箱"),
    "previews_shown": (
        "{count} summaries are on the {sheet} sheet.",
        "{count} 份汇总已写入 {sheet} 工作表。",
    ),
    "error": ("error", "错误"),
    "warning": ("warning", "警告"),
    "info": ("info", "提示"),
    # the ribbon's messages
    "help": (
        "SalesTrack keeps your targets and sales in this workbook.\n\nRefresh: compute attainment, pace, forecast and gap; write the Tracking, Data Quality, KPIs, Dashboard and Definitions sheets.\nValidate: list data problems with sheet, row and column.\nPreview emails: write each rep's summary and each manager's digest as drafts, and open the folder.\nSend emails: send them over SMTP (Settings sheet), after you confirm.\n\nCell functions: =ATTAINMENT(actual, target), =PACE(...), =TRACK(name, period), =TRACKING(), =CAC(...), =NPS(...).",
        "SalesTrack 用本工作簿中的目标和销售数据工作。\n\n刷新：计算达成率、进度、预计和差额，写入跟踪、数据质量、关键指标、仪表板和说明工作表。\n校验：按工作表、行、列列出数据问题。\n预览邮件：把每位代表的摘要和每位经理的团队摘要写成草稿并打开文件夹。\n发送邮件：确认后通过 SMTP（设置表）发送。\n\n单元格函数：=ATTAINMENT(实际, 目标)、=PACE(...)、=TRACK(姓名, 期间)、=TRACKING()、=CAC(...)、=NPS(...)。",
    ),
    "no_problems": ("No data problems found.", "未发现数据问题。"),
    "problems_found": ("{count} data problems:", "{count} 个数据问题："),
    "problem_line": (
        "{sheet} row {row}, {column}: {problem} ({action})",
        "{sheet} 第 {row} 行，{column}：{problem}（{action}）",
    ),
    "more_problems": (
        "…and {count} more on the Data Quality sheet.",
        "……另有 {count} 个，见数据质量工作表。",
    ),
    "previews_written": (
        "{count} email previews written to {folder} (nothing was sent).",
        "已将 {count} 封邮件预览写入 {folder}（未发送）。",
    ),
    "send_question": (
        "Send {count} emails now? Anything already sent is skipped.",
        "现在发送 {count} 封邮件？已发送过的会跳过。",
    ),
    "send_report": (
        "Sent {sent}; {skipped} had been sent before.",
        "已发送 {sent} 封；{skipped} 封此前已发送。",
    ),
    "send_stopped": (
        "The server stopped after that ({reason}); click Send emails again.",
        "服务器随后中断了连接（{reason}）；请再次点击发送邮件。",
    ),
    # errors that stop a command: core.errors keys
    "no_sheet": (
        "The workbook has no {sheet} sheet ({aliases}); add one with the columns {columns}.",
        "工作簿中没有 {sheet} 工作表（{aliases}）；请添加一个，包含列 {columns}。",
    ),
    "no_header": (
        "Sheet '{sheet}' has no {columns} column in its first {rows} rows; add that header (English or "
        "Chinese) above the data, or name your own header for it with a Settings row 'Alias: <your header>'.",
        "工作表“{sheet}”的前 {rows} 行中没有 {columns} 列；请在数据上方添加该标题（中文或英文），"
        "或在设置表中用“别名: <你的标题>”一行指明对应的列。",
    ),
    "file_missing": (
        "{path} does not exist; check the path and try again.",
        "{path} 不存在；请检查路径后重试。",
    ),
    "file_is_folder": (
        "{path} is a folder, not a workbook; give the path of an .xlsx file.",
        "{path} 是文件夹而不是工作簿；请给出 .xlsx 文件的路径。",
    ),
    "not_a_workbook": (
        "{name} is not a readable Excel workbook (it may be damaged or still being saved); open it in Excel, "
        "save it as .xlsx, and try again.",
        "{name} 不是可读取的 Excel 工作簿（可能已损坏或仍在保存）；请在 Excel 中打开并另存为 .xlsx 后重试。",
    ),
    "not_readable": ("{name} cannot be read; check its permissions.", "无法读取 {name}；请检查文件权限。"),
    "unopenable": (
        "{name} could not be opened as a workbook ({reason}); save it from Excel as .xlsx or .xlsm and try again.",
        "无法将 {name} 作为工作簿打开（{reason}）；请在 Excel 中另存为 .xlsx 或 .xlsm 后重试。",
    ),
    "not_writable_type": (
        "salestrack writes .xlsx and .xlsm workbooks, not '{name}'; save the workbook as .xlsx and try again.",
        "salestrack 只写入 .xlsx 和 .xlsm 工作簿，不能写入“{name}”；请将工作簿另存为 .xlsx 后重试。",
    ),
    "locked": (
        "{name} is open in another program (lock file {lock}); close it there and run again.",
        "{name} 正被其他程序打开（锁文件 {lock}）；请先关闭后再运行。",
    ),
    "locked_stale": (
        "{name} has a lock file, {lock}, {days} days old; if no one has the workbook open, the lock is stale: "
        "delete {lock} and run again.",
        "{name} 有一个 {days} 天前的锁文件 {lock}；如果没有人打开该工作簿，说明锁文件已失效：请删除 {lock} 后重试。",
    ),
    "target_skipped": (
        "Target skipped, {sheet} row {row}: {problem}",
        "已跳过目标，{sheet} 第 {row} 行：{problem}",
    ),
    "replace_refused": (
        "{name} could not be replaced because another program (probably Excel) has it open; close it there "
        "and run again.",
        "无法替换 {name}，因为其他程序（可能是 Excel）正打开它；请先关闭后再运行。",
    ),
    "left_unchanged": ("{name} was left unchanged because {reason}.", "{name} 未被修改，因为{reason}。"),
    "encrypted": (
        "{name} is password-protected; remove the password in Excel (File › Info › Protect Workbook) and try again.",
        "{name} 设有密码保护；请在 Excel 中取消密码（文件 › 信息 › 保护工作簿）后重试。",
    ),
    "refresh_needs_xlsx": (
        "{name} can be read (track, kpis and validate work on it) but salestrack writes only .xlsx and .xlsm: "
        "open it in Excel or LibreOffice, save it as .xlsx, and refresh that.",
        "{name} 可以读取（track、kpis 和 validate 可用），但 salestrack 只能写入 .xlsx 和 .xlsm："
        "请在 Excel 或 LibreOffice 中打开并另存为 .xlsx，再刷新该文件。",
    ),
    "book_is_actuals": (
        "{name} is a file of sales, not a workbook: give your workbook first and this file as its actuals, "
        "e.g. salestrack refresh targets.xlsx --actuals {name} (no workbook yet? salestrack new targets.xlsx).",
        "{name} 是销售数据文件，不是工作簿：请先给出工作簿，再用 --actuals 指定此文件，"
        "例如 salestrack refresh 目标.xlsx --actuals {name}（还没有工作簿？运行 salestrack new 目标.xlsx）。",
    ),
    "part_missing": (
        "{name} is damaged: its part {part} is missing; open it in Excel, let it repair the file, save it, and try again.",
        "{name} 已损坏：缺少部件 {part}；请在 Excel 中打开并修复、保存后重试。",
    ),
    "part_damaged": (
        "{name} is damaged: its part {part} cannot be read; open it in Excel, let it repair the file, save it, and "
        "try again.",
        "{name} 已损坏：部件 {part} 无法读取；请在 Excel 中打开并修复、保存后重试。",
    ),
    "sheet_damaged": (
        "{name} is damaged: sheet '{sheet}' cannot be read ({reason}); open it in Excel, save it, and try again.",
        "{name} 已损坏：工作表“{sheet}”无法读取（{reason}）；请在 Excel 中打开、保存后重试。",
    ),
    "part_too_large": (
        "{name} was not read: its part {part} would expand to {size} MB, far more than a workbook of sales needs "
        "(it may be a zip bomb); save the data again from Excel.",
        "未读取 {name}：其部件 {part} 解压后将达 {size} MB，远超销售数据所需（可能是压缩炸弹）；请从 Excel 重新保存数据。",
    ),
    "dtd_refused": (
        "{name} was not read: its part {part} holds a DTD, which Excel never writes and which can hide an attack; "
        "save the workbook again from Excel.",
        "未读取 {name}：其部件 {part} 含有 DTD（Excel 从不写入，且可能隐藏攻击）；请从 Excel 重新保存工作簿。",
    ),
    "sheet_too_wide": (
        "{name} was not read: {part} has cells spread over {cells} grid cells, far outside its data; in Excel press "
        "Ctrl+End on each sheet, delete the stray cells there, save, and try again.",
        "未读取 {name}：{part} 的单元格分布在 {cells} 个网格单元中，远超数据范围；请在 Excel 中对各工作表按 Ctrl+End，"
        "删除那里的多余单元格，保存后重试。",
    ),
    "read_only": (
        "{name} is read-only, so salestrack will not replace it; clear the read-only mark (or use --out) and try "
        "again.",
        "{name} 是只读文件，salestrack 不会替换它；请取消只读属性（或使用 --out）后重试。",
    ),
    "folder_read_only": (
        "The folder {folder} cannot be written to; save the workbook somewhere you can write, or use --out.",
        "无法写入文件夹 {folder}；请把工作簿保存到可写的位置，或使用 --out。",
    ),
    "starter_how_to_sheet": ("How to", "使用说明"),
    "starter_title": ("salestrack: how to fill this workbook", "salestrack：如何填写本工作簿"),
    "starter_step_1": (
        "1. Targets: one row per target. Period is a month (2026-11), quarter (2026-Q4), half "
        "(2026-H2) or year (2026); fill Rep, Team, Region, Product, Customer or Channel for whom it "
        "is; Metric is Revenue (default), Units or Orders.",
        "1. 目标：每个目标一行。期间可以是月（2026-11）、季度（2026-Q4）、半年（2026-H2）或年（2026）；"
        "在销售代表、团队、区域、产品、客户或渠道中填写目标对象；指标为销售额（默认）、数量或订单数。",
    ),
    "starter_step_2": (
        "2. Actuals: paste your sales here, one row per sale (Date and Amount at least), or put "
        "the path of a Parquet, CSV or DuckDB file in Settings › Actuals Source.",
        "2. 实际：把销售数据粘贴到这里，每笔销售一行（至少需要日期和金额）；或在设置的“实际数据源”中填写 "
        "Parquet、CSV 或 DuckDB 文件的路径。",
    ),
    "starter_step_3": (
        "3. Team: each rep with email, team, region and manager, so targets roll up and "
        "summaries can be emailed. End Date marks someone who left.",
        "3. 团队成员：填写每位销售代表的邮箱、团队、区域和经理，以便汇总目标和发送邮件。离职日期表示已离职。",
    ),
    "starter_step_4": (
        "4. The other sheets are optional (holidays, seasonality, products, customers, "
        "pipeline, costs, survey): fill what you have, delete what you do not use.",
        "4. 其他工作表（节假日、季节性、产品、客户、销售漏斗、成本、调查）可选：有数据就填，不用可删除。",
    ),
    "starter_step_5": (
        "5. Settings: language, currency, pacing (linear, workdays or seasonal), thresholds; "
        "each row says what it is for. Leave As Of blank to track as of today.",
        "5. 设置：语言、货币、进度方法（linear、workdays 或 seasonal）和阈值，每行都有说明。截至日期留空即按今天计算。",
    ),
    "starter_step_6": (
        "6. The example row on each sheet shows the format: replace it with your own data.",
        "6. 每个工作表中的示例行只演示格式，请替换为您自己的数据。",
    ),
    "starter_step_7": (
        "7. Then run `salestrack refresh BOOK` (or click Refresh on the SalesTrack tab): it writes "
        "the Tracking, Data Quality, KPIs, Dashboard and Definitions sheets, and never changes "
        "these input sheets. `salestrack email BOOK` drafts each rep's and manager's summary.",
        "7. 然后运行 `salestrack refresh 工作簿`（或点击 SalesTrack 选项卡上的“刷新”）：它会写入跟踪、数据质量、"
        "关键指标、仪表板和说明工作表，不会修改这些输入工作表。`salestrack email 工作簿` 会为每位销售代表和经理起草汇总邮件。",
    ),
    "starter_setting_help": ("What it is for", "说明"),
    "setting_help_as_of": ("Track as of this date; blank: today", "按此日期计算；留空：今天"),
    "setting_help_fiscal_year_start_month": (
        "Month the fiscal year starts (1-12); quarters and halves follow it",
        "财年起始月份（1-12）；季度和半年以此为准",
    ),
    "setting_help_pacing": (
        "How targets spread over a period: linear, workdays or seasonal",
        "目标在期间内的分布方式：linear（均匀）、workdays（工作日）或 seasonal（季节性）",
    ),
    "setting_help_weekend": ("Days that are not workdays", "非工作日"),
    "setting_help_ahead_threshold": ("Pace at or above this: Ahead", "进度不低于此值：领先"),
    "setting_help_on_track_threshold": ("Pace at or above this: On track", "进度不低于此值：正常"),
    "setting_help_behind_threshold": (
        "Pace at or above this: Behind; below: At risk",
        "进度不低于此值：落后；低于此值：有风险",
    ),
    "setting_help_currency": ("Currency symbol for money columns", "金额列的货币符号"),
    "setting_help_language": (
        "en or zh: the language of the output and emails",
        "en 或 zh：输出和邮件的语言",
    ),
    "setting_help_date_order": (
        "How to read dates typed as text: YMD, DMY or MDY",
        "文本日期的读取顺序：YMD、DMY 或 MDY",
    ),
    "setting_help_smtp_host": ("Mail server for sending summaries", "发送汇总邮件的邮件服务器"),
    "setting_help_smtp_port": ("Mail server port", "邮件服务器端口"),
    "setting_help_smtp_security": ("starttls, ssl or none", "starttls、ssl 或 none"),
    "setting_help_smtp_user": (
        "Login for the mail server; the password comes from SALESTRACK_SMTP_PASSWORD",
        "邮件服务器登录名；密码取自 SALESTRACK_SMTP_PASSWORD",
    ),
    "setting_help_email_from": ("Sender address of the summaries", "汇总邮件的发件人地址"),
    "setting_help_gross_margin": ("Gross margin for CLTV", "计算客户终身价值用的毛利率"),
    "setting_help_annual_churn": (
        "Annual churn for CLTV; blank: measured from Actuals",
        "计算客户终身价值用的年流失率；留空：根据实际销售计算",
    ),
    "setting_help_realistic_above": (
        "Flag targets this far above history",
        "目标高于历史水平超过此比例时提示",
    ),
    "setting_help_realistic_below": (
        "Flag targets this far below history",
        "目标低于历史水平超过此比例时提示",
    ),
    "setting_help_actuals_source": (
        "Actuals kept beside the workbook: a Parquet, CSV or DuckDB file or glob",
        "工作簿之外的实际数据：Parquet、CSV 或 DuckDB 文件（可用通配符）",
    ),
    "setting_help_actuals_table": ("The table, for a DuckDB file", "DuckDB 文件中的表名"),
    "book_exists": (
        "{path} already exists; choose another name, or delete it first",
        "{path} 已存在；请换一个文件名，或先删除它",
    ),
    "wrote_starter": (
        "Wrote {path}: fill it in (the How to sheet says how), then run salestrack refresh {path}",
        "已写入 {path}：请按“使用说明”工作表填写，然后运行 salestrack refresh {path}",
    ),
    "stopped": ("stopped; the workbook was left unchanged.", "已停止；工作簿未作任何更改。"),
    "All": ("All", "全部"),
    "could_not_finish": ("SalesTrack could not finish: {reason}", "SalesTrack 未能完成：{reason}"),
    "progress_reading": ("Reading {name}", "正在读取 {name}"),
    "progress_tracking": (
        "Tracking {targets:,} targets against {rows:,} sales rows",
        "正在跟踪 {targets:,} 个目标，对照 {rows:,} 行销售记录",
    ),
    "progress_formatting": ("Formatting the output sheets", "正在设置输出工作表的格式"),
    "progress_saving": ("Saving {name}", "正在保存 {name}"),
    "progress_writing_sheet": ("SalesTrack: writing {sheet}…", "SalesTrack：正在写入 {sheet}…"),
    "progress_rendering_emails": ("Rendering {count} emails", "正在生成 {count} 封邮件"),
    "progress_sent": ("Sent {sent} of {total}", "已发送 {sent} / {total} 封"),
    "went_wrong": (
        "something went wrong ({reason}); the workbook was left unchanged. Set SALESTRACK_DEBUG=1 "
        "to see details.",
        "出现意外错误（{reason}）；工作簿未作任何更改。设置 SALESTRACK_DEBUG=1 可查看详情。",
    ),
    "filter_no_match": (
        "{option} {value!r} matches no row; there are: {choices}",
        "{option} {value!r} 没有匹配的行；现有：{choices}",
    ),
    "columns_left_out": (
        "(left out to fit the terminal: {columns}; use a wider window or --format csv)",
        "（为适应终端宽度未显示：{columns}；请加宽窗口或使用 --format csv）",
    ),
    "no_folder": (
        "The folder {folder} does not exist; create it or choose another.",
        "文件夹 {folder} 不存在；请先创建或另选位置。",
    ),
    "saved_beside": (
        "{name} changed while salestrack worked (saved by another program?), so it was left as it is; the "
        "refreshed workbook is {beside}.",
        "salestrack 工作期间 {name} 被修改（可能被其他程序保存），因此保持原样；刷新后的工作簿为 {beside}。",
    ),
    "date_ambiguous": (
        "'{value}' could be {first} or {second}; write the date as {first} or {second} (year first), "
        "or set Date Order in Settings",
        "“{value}”既可能是 {first}，也可能是 {second}；请写作 {first} 或 {second}（年份在前），或在设置中填写日期顺序",
    ),
    "not_a_date": (
        "'{value}' is not a date; write it as 2025-11-14 (or 2025/11/14, 2025年11月14日, today)",
        "“{value}”不是日期；请写作 2025-11-14（或 2025/11/14、2025年11月14日、today）",
    ),
    # what the command line says
    "summary_wrote": ("Wrote {sheets} to {path}", "已将 {sheets} 写入 {path}"),
    "summary_as_of": ("As of {as_of}:", "截至 {as_of}："),
    "summary_in_progress": (
        "  {count} targets in progress: {statuses}.",
        "  进行中的目标 {count} 个：{statuses}。",
    ),
    "summary_ended": ("  {count} targets ended: {statuses}.", "  已结束的目标 {count} 个：{statuses}。"),
    "summary_not_started": ("  {count} targets not started yet.", "  尚未开始的目标 {count} 个。"),
    "demo_problems_on_purpose": (
        "The demo's data has a few problems on purpose, to show the Data Quality sheet at work: an "
        "Amount typed as 'n/a' (the row is skipped), a number and a date typed as text (read as "
        "meant), and targets far from what history implies (flagged, one of them a stretch target "
        "set on purpose).",
        "演示数据中故意放了几个问题，以展示数据质量工作表的作用：一个金额写成了“n/a”（该行被跳过），"
        "一个数字和一个日期以文本形式录入（按原意读取），以及几个与历史水平相差较大的目标（已提示，其中一个是故意设置的挑战目标）。",
    ),
    "summary_problems": (
        "Data problems: {errors} errors, {warnings} warnings.",
        "数据问题：错误 {errors} 个，警告 {warnings} 个。",
    ),
    "day": ("{count} day", "{count} 天"),
    "days": ("{count} days", "{count} 天"),
    "working_day": ("{count} working day", "{count} 个工作日"),
    "working_days": ("{count} working days", "{count} 个工作日"),
    "per_day": ("a day", "每天"),
    "per_working_day": ("a working day", "每个工作日"),
    "list_separator": (", ", "、"),
    "note_separator": ("; ", "；"),
    "list_and": ("{rest} and {last}", "{rest} 和 {last}"),
    "no_email_address": (
        "No email address for {name} on the Team sheet; add one to include them.",
        "团队成员表中没有 {name} 的邮箱；添加后才会包含此人。",
    ),
    "previews_listed": (
        "Wrote {count} previews (not sent) to {folder}; open {index}",
        "已将 {count} 封邮件预览（未发送）写入 {folder}；请打开 {index}",
    ),
    "sent_counts": (
        "Sent {sent}, already sent before {skipped}, refused {refused}.",
        "已发送 {sent} 封，此前已发送 {skipped} 封，被拒收 {refused} 封。",
    ),
    "refused_address": ("Refused: {address} ({reason})", "被拒收：{address}（{reason}）"),
    "batch_stopped": (
        "The server stopped the batch ({reason}); {count} not sent. Run the same command again to send the rest.",
        "服务器中断了发送（{reason}）；{count} 封未发送。请再次运行同一命令发送其余邮件。",
    ),
    "actuals_source_on_the_web": (
        "The Settings name an Actuals Source ({source}), which Excel on the web cannot open: run "
        "salestrack refresh on a computer that reaches it, or clear the setting and paste the sales into "
        "the Actuals sheet.",
        "设置中指定了实际数据源（{source}），网页版 Excel 无法打开：请在能访问该数据源的电脑上运行 salestrack refresh，"
        "或清空该设置并把销售数据粘贴到实际工作表。",
    ),
    "actuals_missing": (
        "The actuals source {source} was not found in {folder}; check the Actuals Source setting or --actuals.",
        "在 {folder} 中找不到实际数据源 {source}；请检查“实际数据源”设置或 --actuals。",
    ),
    "actuals_kind": (
        "salestrack reads actuals from .parquet, .csv, .csv.gz and .duckdb files, not {source}.",
        "salestrack 只能从 .parquet、.csv、.csv.gz 和 .duckdb 文件读取实际数据，不能读取 {source}。",
    ),
    "actuals_table_needed": (
        "{source} is a database; name its table in the Actuals Table setting or with --actuals-table.",
        "{source} 是数据库；请在“实际数据表”设置或 --actuals-table 中指定表名。",
    ),
    "actuals_table_missing": (
        "The actuals source {source} could not be read as table '{table}' ({reason}); check the table name.",
        "无法从实际数据源 {source} 读取表“{table}”（{reason}）；请检查表名。",
    ),
    "actuals_unreadable": (
        "The actuals source {source} could not be read ({reason}); check that it is a whole Parquet or CSV file.",
        "无法读取实际数据源 {source}（{reason}）；请检查它是否为完整的 Parquet 或 CSV 文件。",
    ),
    "actuals_no_header": (
        "The actuals source {source} has no {columns} column; its first row must hold the headers "
        "(English or Chinese), or name your own header with a Settings row 'Alias: <your header>'.",
        "实际数据源 {source} 中没有 {columns} 列；其第一行须为标题（中文或英文），"
        "或在设置表中用“别名: <你的标题>”一行指明对应的列。",
    ),
    "actuals_database_unsupported": (
        "salestrack reads PostgreSQL databases (postgresql://user@host/database) and Spark "
        "(spark://host:port), not {source}; export the table to Parquet or a DuckDB file.",
        "salestrack 可读取 PostgreSQL 数据库（postgresql://用户@主机/数据库）和 Spark（spark://主机:端口），"
        "不支持 {source}；请将数据表导出为 Parquet 或 DuckDB 文件。",
    ),
    "actuals_password_in_address": (
        "{source} holds a password; remove it from the address and set SALESTRACK_DB_PASSWORD or "
        "the keyring entry (keyring set salestrack user@host) instead.",
        "{source} 中包含密码；请从地址中删除密码，改为设置 SALESTRACK_DB_PASSWORD 或密钥环条目"
        "（keyring set salestrack 用户@主机）。",
    ),
    "actuals_needs_warehouse": (
        "Reading {source} needs the database support: pip install 'salestrack[warehouse]' "
        "(for Spark: 'salestrack[spark]').",
        "读取 {source} 需要数据库支持：pip install 'salestrack[warehouse]'（Spark 为 'salestrack[spark]'）。",
    ),
    "actuals_unreachable": (
        "The database {source} could not be reached ({reason}); check the address, that the server "
        "runs, and the password in SALESTRACK_DB_PASSWORD or the keyring.",
        "无法连接数据库 {source}（{reason}）；请检查地址、服务器是否运行，以及 SALESTRACK_DB_PASSWORD 或密钥环中的密码。",
    ),
    "wrote_file": ("Wrote {path}", "已写入 {path}"),
    "wrote_sheet": ("Wrote the {sheet} sheet into {path}", "已将 {sheet} 表写入 {path}"),
    "wheel_url_not_https": (
        "'{url}' is not an https address; Excel on the web downloads only over https, so put the wheel at "
        "an https address and give that.",
        "“{url}”不是 https 地址；网页版 Excel 只通过 https 下载，请把 wheel 放在 https 地址上并使用该地址。",
    ),
    "lite_wheel_url": (
        "requirements.txt names the wheel at {url}: paste both files into the xlwings Lite editor.",
        "requirements.txt 指向 {url} 的 wheel：把这两个文件粘贴到 xlwings Lite 编辑器中即可。",
    ),
    "lite_bundled": (
        "main.py carries salestrack's own code ({size} KB) and requirements.txt names only packages Pyodide "
        "provides: paste both files into the xlwings Lite editor; no package index is needed. Near-miss "
        "Chinese names are matched by spelling only there (pinyin needs pypinyin).",
        "main.py 内含 salestrack 自身代码（{size} KB），requirements.txt 只列出 Pyodide 自带的包：把这两个文件粘贴到 "
        "xlwings Lite 编辑器即可，无需任何软件包索引。此时中文近似名称只按字形比对（拼音比对需要 pypinyin）。",
    ),
    "lite_bundle_or_wheel": (
        "--bundle and --wheel-url are two ways: give one of them",
        "--bundle 与 --wheel-url 只能二选一",
    ),
    "lite_pypi_name": (
        "requirements.txt names salestrack by its PyPI name, where it is not published yet: build the wheel "
        "(pip wheel --no-deps . -w dist), put it at an https address and run again with --wheel-url.",
        "requirements.txt 按 PyPI 名称引用 salestrack，但它尚未发布：请构建 wheel（pip wheel --no-deps . -w dist），"
        "放到 https 地址上，再用 --wheel-url 重新运行。",
    ),
    "save_first": (
        "Save the workbook first; emails are kept in a folder beside it.",
        "请先保存工作簿；邮件会保存在它旁边的文件夹中。",
    ),
    "not_a_period": (
        "'{value}' is not a period; write 2025, 2025-H1, 2025-Q2, 2025-05, FY2026, FY2026-H1 or FY2026-Q1",
        "“{value}”不是有效期间；请写作 2025、2025年上半年、2025-Q2、2025-05、FY2026、FY2026-H1 或 FY2026-Q1",
    ),
    "smtp_settings_missing": (
        "Nothing was sent: Settings has no {settings}; add them (SMTP Port and SMTP Security too, if not 587 "
        "and starttls) to send email.",
        "未发送任何邮件：设置中缺少 {settings}；请补充（如端口不是 587、加密不是 starttls，也请填写 SMTP 端口和 SMTP 加密）后再发送。",
    ),
    "smtp_no_auth": (
        "{host} does not ask for a login, but Settings names SMTP User {user}; clear SMTP User to send through it.",
        "{host} 不需要登录，但设置中填写了 SMTP 用户 {user}；请清空 SMTP 用户后再发送。",
    ),
    "no_smtp_password": (
        "No SMTP password for {user}; set {variable} or store it with 'keyring set {service} {user}'.",
        "没有 {user} 的 SMTP 密码；请设置 {variable}，或用“keyring set {service} {user}”保存。",
    ),
    "smtp_unreachable": (
        "Could not connect to {host}:{port} ({reason}); check SMTP Host, Port and Security in Settings.",
        "无法连接 {host}:{port}（{reason}）；请检查设置中的 SMTP 服务器、端口和加密方式。",
    ),
    "template_refused": (
        "A template in {folder} tried to reach beyond the email it renders, so nothing was made; remove that folder "
        "or fix the template.",
        "{folder} 中的模板试图访问邮件内容以外的对象，因此未生成任何邮件；请删除该文件夹或修正模板。",
    ),
    "ledger_unwritable": (
        "Nothing was sent: the send ledger {path} cannot be written ({reason}), so sent emails could not be "
        "recorded and would go again; make the folder writable and try again.",
        "未发送任何邮件：发送记录 {path} 无法写入（{reason}），已发送的邮件无法记录、下次会重复发送；请让该文件夹可写后重试。",
    ),
    "ledger_damaged": (
        "The send ledger {path} has {count} unreadable line(s), probably cut off while writing; they were skipped.",
        "发送记录 {path} 中有 {count} 行无法读取（可能在写入时中断），已跳过。",
    ),
    # cell function arguments: core.errors.BadArgument keys
    "arg_not_number": ("{name} must be a number", "{name} 必须是数字"),
    "arg_not_date": ("{name} must be a date", "{name} 必须是日期"),
    "arg_method": (
        "method must be linear, workdays or seasonal",
        "method 必须是 linear、workdays 或 seasonal",
    ),
    "arg_target": ("target must be a positive number", "target 必须是正数"),
    "arg_end_before_start": ("end must not be before start", "end 不能早于 start"),
    "arg_scores": ("{scale} scores run from {low} to {high}", "{scale} 评分范围为 {low} 到 {high}"),
    "arg_figure": ("figure must be one of {choices}", "figure 必须是以下之一：{choices}"),
    "arg_tracking_range": (
        "give the Tracking sheet's table, its header row included, e.g. Tracking!A2:AA500",
        "请给出跟踪表的表格（含标题行），例如 跟踪!A2:AA500",
    ),
    "arg_no_target": ("no target for {name} {period} {metric}", "没有 {name} {period} {metric} 的目标"),
    # why a setting was not understood (core.settings reasons)
    "reason_not_date": ("not a date", "不是日期"),
    "reason_month": ("month must be 1 to 12", "月份必须是 1 到 12"),
    "reason_pacing": ("use linear, workdays or seasonal", "请使用 线性、工作日 或 季节性"),
    "reason_weekday": ("'{value}' is not a weekday name", "“{value}”不是星期名称"),
    "reason_not_number": ("not a number", "不是数字"),
    "reason_negative": ("must not be negative", "不能为负数"),
    "reason_language": ("use en or zh", "请使用 en 或 zh"),
    "reason_date_order": ("use YMD, DMY or MDY", "请使用 YMD、DMY 或 MDY"),
    "reason_security": ("use starttls, ssl or none", "请使用 starttls、ssl 或 none"),
    "reason_whole_number": ("not a whole number", "不是整数"),
    # why a KPI is blank (core.kpis note keys)
    "note_cac_no_costs": ("CAC: no Costs sheet", "获客成本：没有成本表"),
    "note_cac_no_new_customers": ("CAC: no new customers", "获客成本：没有新客户"),
    "note_cltv_no_customer_column": (
        "CLTV: no Actuals row names a Customer, so customers cannot be counted; add a Customer column",
        "客户终身价值：实际销售没有填写客户，无法统计客户；请添加客户列",
    ),
    "note_cltv_no_customers": (
        "CLTV: no sale in the period names a Customer",
        "客户终身价值：本期没有填写客户的销售",
    ),
    "note_cltv_short_history": (
        "CLTV: the Actuals hold less than eight weeks of sales with a Customer, too little to "
        "measure churn; set Annual Churn in Settings",
        "客户终身价值：实际销售中带客户的记录不足八周，无法计算流失率；请在设置中填写年流失率",
    ),
    "note_cltv_no_churn": (
        "CLTV: no customer was lost, so churn is 0; set Annual Churn in Settings",
        "客户终身价值：没有流失客户，流失率为 0；请在设置中填写年流失率",
    ),
    "note_cltv_churn_shortened": (
        "CLTV: less than two years of sales, so churn is measured over the history there is and annualised",
        "客户终身价值：销售记录不足两年，流失率按现有记录计算并折算为年",
    ),
    "note_spend_not_by_team": (
        "CAC: the Costs rows name no team, so spend cannot be split by team",
        "获客成本：成本表未按团队填写，无法按团队拆分费用",
    ),
    "note_spend_not_by_region": (
        "CAC: the Costs rows name no team or region, so spend cannot be split by region",
        "获客成本：成本表未按团队或区域填写，无法按区域拆分费用",
    ),
    "note_coverage_no_target": (
        "Coverage: no Company Revenue target (or rollup) for the period",
        "漏斗覆盖率：本期间没有公司销售额目标（或汇总）",
    ),
    "note_coverage_no_gap": ("Coverage: no gap left", "漏斗覆盖率：已无差额"),
    "note_no_pipeline": ("Win Rate, Coverage: no Pipeline sheet", "赢单率、漏斗覆盖率：没有销售漏斗表"),
    "note_win_rate_no_closed": ("Win Rate: no closed deals", "赢单率：没有已关闭的商机"),
    "note_conversion_no_deals": (
        "Conversion: no deals created in the period",
        "线索转化率：本期间没有新建商机",
    ),
    "note_no_responses": ("CSAT, NPS: no survey responses", "客户满意度、净推荐值：没有调查回复"),
    # problems
    "date_unreadable": ("Date could not be read", "日期无法识别"),
    "date_outside": (
        "Date is before 1900 or after 2262-04-11, outside what a workbook can track; check the year",
        "日期早于 1900 年或晚于 2262-04-11，超出可跟踪的范围；请检查年份",
    ),
    "number_outside": ("Not a finite number (inf or NaN)", "不是有限数值（inf 或 NaN）"),
    "sheet_shadowed": (
        "Two sheets hold the same input: this one and '{used}'; salestrack reads '{used}' only",
        "有两个工作表存放同一类输入：本表和“{used}”；salestrack 只读取“{used}”",
    ),
    "email_not_one_address": (
        "An Email cell holds one address; this is a list or not an address, so no email goes to it",
        "邮箱单元格只能填写一个地址；此处是多个地址或不是地址，因此不会发送邮件",
    ),
    "holiday_type_unknown": (
        "Type must be holiday or workday (节假日 or 补班); read as holiday",
        "类型必须是 节假日 或 补班（工作日）；按节假日处理",
    ),
    "share_unreadable": (
        "Allocated % is not a number; the whole line counts",
        "分配比例不是数字；按整行计算",
    ),
    "share_outside": (
        "Allocated % must be above 0 and at most 100%; the whole line counts",
        "分配比例必须大于 0 且不超过 100%；按整行计算",
    ),
    "split_not_whole": (
        "The shares of this order line add up to {detail}, not 100%",
        "该订单行的分配比例合计为 {detail}，而不是 100%",
    ),
    "group_loop": (
        "This row would put the group inside itself (a loop), so it is left out",
        "该行会使分组包含自身（形成循环），已忽略",
    ),
    "split_unknown": (
        "Split must be month or quarter (按月 or 按季); not spread",
        "分解必须是 按月 或 按季；未分解",
    ),
    "spread_overridden": (
        "This row replaces the share a Split row above spread to the same period",
        "该行取代了上方分解行分摊到同一期间的目标",
    ),
    "name_near_miss": (
        "Matches no name on the other sheets but nearly matches '{match}' on {where}; if they are the same, "
        "type them the same way (nothing was merged{rows})",
        "与其他工作表中的名称都不一致，但与{where}中的“{match}”非常接近；如果是同一对象，请写成一致（未自动合并{rows}）",
    ),
    "name_near_roster": (
        "Not on the {where} sheet, but nearly matches '{match}' there; if they are the same, type them the same "
        "way (nothing was merged{rows})",
        "不在{where}表中，但与其中的“{match}”非常接近；如果是同一人或同一对象，请写成一致（未自动合并{rows}）",
    ),
    "on_rows": ("; on rows {rows}", "；见第 {rows} 行"),
    "on_rows_more": ("; on rows {rows} and {more:,} more", "；见第 {rows} 行等，另有 {more:,} 行"),
    "example_row": (
        "This is the example row salestrack new wrote; delete it or type your own over it",
        "这是 salestrack new 写入的示例行；请删除，或改成您自己的数据",
    ),
    "stray_cell": (
        "This cell lies far outside the sheet's data, so the sheet was read without it; if it is there "
        "by accident, press Ctrl+End to reach it and delete it",
        "该单元格远离本表数据，读取时已忽略；如果是误输入，请按 Ctrl+End 定位后删除",
    ),
    "date_missing": ("Date is blank", "日期为空"),
    "amount_unreadable": ("Amount is not a number", "金额不是数字"),
    "amount_missing": ("Amount is blank", "金额为空"),
    "units_unreadable": ("Units is not a number", "数量不是数字"),
    "target_unreadable": ("Target is not a number", "目标值不是数字"),
    "target_not_positive": ("Target must be a positive number", "目标值必须为正数"),
    "target_duplicate": (
        "Another target has the same period, metric and names",
        "存在期间、指标和维度都相同的另一条目标",
    ),
    "period_unreadable": (
        "Period is not one of 2025, 2025-H1, 2025-Q2, 2025-05, FY2026, FY2026-H1, FY2026-Q1",
        "期间格式无法识别（应为 2025、2025-H1、2025-Q2、2025-05、FY2026、FY2026-H1 或 FY2026-Q1）",
    ),
    "metric_unknown": ("Metric must be Revenue, Units or Orders", "指标必须是 销售额、数量 或 订单数"),
    "pacing_unknown": (
        "Pacing must be linear, workdays or seasonal",
        "进度方法必须是 线性、工作日 或 季节性",
    ),
    "converted_number": ("Number stored as text, read as {detail}", "以文本存储的数字，已读为 {detail}"),
    "converted_date": (
        "Date written as text or serial, read as {detail}",
        "以文本或序号表示的日期，已读为 {detail}",
    ),
    "bad_setting": ("Setting not understood: {setting}: {reason}", "设置无法识别：{setting}：{reason}"),
    "rep_missing": ("Team row has no Rep", "团队成员行缺少销售代表"),
    "action_missing": ("Actions row has no Action", "行动行缺少行动内容"),
    "action_status_unknown": ("Status must be Open or Done", "状态必须是 未完成 或 已完成"),
    "rep_duplicate": ("Rep appears more than once on the Team sheet", "销售代表在团队表中重复出现"),
    "weight_unreadable": ("Weight is not a number", "权重不是数字"),
    "weight_negative": ("Weight is negative", "权重为负数"),
    "month_unreadable": ("Month must be 1-12 or Jan-Dec", "月份必须是 1-12 或 Jan-Dec"),
    "month_absent": ("Month {value} has no weight, so it counts as 0", "第 {value} 月没有权重，按 0 计算"),
    "rollup_mismatch": (
        "This target differs from the sum of its members' targets ({detail})",
        "该目标与成员目标之和（{detail}）不一致",
    ),
    "units_absent": (
        "A Units target, but the Actuals sheet has no Units column",
        "目标指标为数量，但实际销售表没有数量列",
    ),
    "dimension_absent": (
        "The target names a dimension the Actuals sheet does not have",
        "目标使用了实际销售表中没有的维度",
    ),
    "pipeline_status_unknown": ("Status must be open, won or lost", "状态必须是 进行中、赢单 或 丢单"),
    "probability_unreadable": ("Probability is not a number", "概率不是数字"),
    "spend_unreadable": ("Spend is not a number", "费用不是数字"),
    "score_unreadable": ("Score is not a number", "评分不是数字"),
    "score_out_of_range": (
        "Score is outside its scale (CSAT 1-5, NPS 0-10)",
        "评分超出量表范围（满意度 1-5，净推荐值 0-10）",
    ),
    "scale_guessed": ("No Scale given; read as {detail}", "未填写量表，按 {detail} 处理"),
    "scale_unknown": (
        "Scale must be CSAT or NPS; read as {detail}",
        "量表必须是 CSAT 或 NPS，按 {detail} 处理",
    ),
    "unrealistic_target": (
        "Target is {share:.0%} {direction} what history implies ({implied:,.0f}: {estimates})",
        "目标比历史推算值{direction} {share:.0%}（{implied:,.0f}：{estimates}）",
    ),
    "direction_above": ("above", "高"),
    "direction_below": ("below", "低"),
    "estimate_last_year": (
        "last year {last_year:,.0f} x growth {growth:.2f} = {from_last_year:,.0f}",
        "去年 {last_year:,.0f} × 增长 {growth:.2f} = {from_last_year:,.0f}",
    ),
    "estimate_run_rate": ("90-day run-rate {run_rate:,.0f}", "最近 90 天速度推算 {run_rate:,.0f}"),
    # actions
    "row_skipped": ("row skipped", "已跳过该行"),
    "sheet_not_read": (
        "sheet not read; merge its rows into the other sheet and delete it",
        "未读取该表；请把其中的行并入另一个表后删除本表",
    ),
    "converted": ("value converted", "已转换"),
    "warning_only": ("warning only", "仅警告"),
    "default_used": ("default used", "已使用默认值"),
    "treated_blank": ("treated as blank", "按空值处理"),
    "treated_whole": ("whole line counted", "按整行计算"),
    "cell_ignored": ("cell ignored", "已忽略该单元格"),
}

# An optional sheet without its header row is skipped, and said the way a required one is refused.
TEXT["sheet_ignored"] = TEXT["no_header"]


def text(key: str, language: str = "en", **values: object) -> str:
    """The wording for `key` in the language, with {placeholders} filled in."""
    english, chinese = TEXT.get(key, (key, key))
    template = chinese if language == "zh" else english
    return template.format(**values)


# Output sheets by their contract names, and what they are called in a Chinese workbook.
SHEET_NAMES = {
    "Tracking": "跟踪",
    "Data Quality": "数据质量",
    "KPIs": "关键指标",
    "Dashboard": "仪表板",
    "Definitions": "说明",
    "History": "历史",
    "Forecast Accuracy": "预测准确度",
    "Meeting": "会议",
    "Email Preview": "邮件预览",
}


def sheet_name(name: str, language: str = "en") -> str:
    """An output sheet's name in the workbook's language (its contract name in English)."""
    return SHEET_NAMES.get(name, name) if language == "zh" else name


def sheet_names_of(name: str) -> tuple[str, ...]:
    """Every name an output sheet goes by, in any language."""
    return (name, SHEET_NAMES[name]) if name in SHEET_NAMES else (name,)


@contextlib.contextmanager
def in_language(language: str) -> Iterator[None]:
    """`said` words in `language` inside the block."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def current_language() -> str:
    """The language of the block this runs in (`in_language`), else English."""
    return _current.get()


def said(key: str, **values: object) -> str:
    """`text` in the language of the block it runs in (`in_language`), else English."""
    return text(key, _current.get(), **values)


def problem(key: str, language: str, detail: object, value: object) -> str:
    """A Data Quality problem in words: its key, and its detail (text, or a dict of facts)."""
    if not isinstance(detail, dict):
        return text(key, language, detail=detail, value=value)
    facts = dict(detail)
    if "direction" in facts:
        facts["direction"] = text(facts["direction"], language)
    if "reason" in facts:
        facts["reason"] = text(facts["reason"], language, **facts.pop("reason_values", {}))
    if isinstance(facts.get("rows"), list):
        rows, count = facts["rows"], int(facts.get("count", 0))
        listed = text("list_separator", language).join(str(r) for r in rows)
        facts["rows"] = (
            ""
            if count <= 1
            else text("on_rows", language, rows=listed)
            if count <= len(rows)
            else text("on_rows_more", language, rows=listed, more=count - len(rows))
        )
    if isinstance(facts.get("columns"), list):
        facts["columns"] = column_names(facts["columns"], language)
    if "estimates" in facts:
        separator = "；" if language == "zh" else "; "
        facts["estimates"] = separator.join(text(k, language, **facts) for k in facts["estimates"])
    return text(key, language, value=value, **facts)


def joined(items: list[str], language: str = "en") -> str:
    """A, B and C (A、B 和 C)."""
    if len(items) < 2:
        return "".join(items)
    rest = text("list_separator", language).join(items[:-1])
    return text("list_and", language, rest=rest, last=items[-1])


def column_names(headers: list[str], language: str) -> str:
    """Input columns (the core names them by their English headers) in the language: Date, Amount."""
    from pyxl.core.schema import column_name

    return text("list_separator", language).join(column_name(header, language) for header in headers)


def setting_names() -> dict[str, tuple[str, ...]]:
    """Each setting's names on the Settings sheet, English first (loaded with pandas, so only
    when an error names a setting: the command line's help starts without it)."""
    from pyxl.core.settings import KEYS

    return KEYS


def explain(error: SalesTrackError, language: str = "en") -> str:
    """One sentence for an error that stopped salestrack, in the language. A tuple of setting keys
    is worded as their names on the Settings sheet."""
    worded = {
        name: joined([setting_names()[key][1 if language == "zh" else 0] for key in value], language)
        if isinstance(value, tuple)
        else column_names(value, language)
        if isinstance(value, list)
        else value
        for name, value in error.values.items()
    }
    return text(error.key, language, **worded)


def notes(keys: object, language: str = "en") -> str:
    """Note keys (a tuple from the core) as one line of text."""
    if not isinstance(keys, tuple):
        return "" if keys is None else str(keys)
    return text("note_separator", language).join(text(key, language) for key in keys)


def status_word(status: str, language: str = "en") -> str:
    return STATUS_WORDS.get(status, status) if language == "zh" else status


def metric_word(metric: str, language: str = "en") -> str:
    return METRIC_WORDS.get(metric, metric) if language == "zh" else metric


def method_word(method: str, language: str = "en") -> str:
    """A Forecast Method as people read it."""
    return METHOD_WORDS.get(method, method) if language == "zh" else method


# A table's columns and levels as people read them in Chinese, where the Definitions name none.
COLUMN_WORDS = {
    "Level": "层级",
    "Name": "名称",
    "Period": "期间",
    "Metric": "指标",
    "Start": "开始",
    "End": "结束",
    "Spend": "费用",
    "Won": "赢单",
    "Lost": "丢单",
    "Open Pipeline": "进行中商机",
    "Responses": "调查回复",
    "Leads": "线索",
    "Notes": "说明",
    "Suggested": "建议目标",
    "Same Period Last Year": "去年同期",
    "Growth Factor": "增长系数",
    "Last Year x Growth": "去年同期×增长",
    "Run-rate Estimate": "近期速度推算",
    "Current Target": "当前目标",
    "As Of": "截至日期",
    "Forecasts": "预测次数",
    "WAPE": "加权误差 WAPE",
    "Bias": "偏差",
    "Range Held": "区间命中率",
    "Within 15%": "误差 15% 以内",
    "Run-rate WAPE": "按当前速度 WAPE",
    "Run-rate Bias": "按当前速度偏差",
    "Run-rate Within 15%": "按当前速度 15% 以内",
}
LEVEL_WORDS = {
    "Rep": "销售代表",
    "Team": "团队",
    "Region": "区域",
    "Product": "产品",
    "Customer": "客户",
    "Channel": "渠道",
    "Company": "公司",
    "Team rollup": "团队汇总",
    "Region rollup": "区域汇总",
    "Company rollup": "公司汇总",
}
# The same words read back from a Chinese sheet, by the column they stand in: Chinese → contract.
FROM_CHINESE = {
    column: {zh: en for en, zh in words.items()}
    for column, words in (
        ("Level", LEVEL_WORDS),
        ("Metric", METRIC_WORDS),
        ("Status", STATUS_WORDS),
        ("Forecast Method", METHOD_WORDS),
    )
}


def column_word(column: str, language: str = "en") -> str:
    """A table column's header for people: in Chinese, the Definitions' name for a figure."""
    if language != "zh":
        return column
    named = next((zh for en, zh, *_ in DEFINITIONS if en == column), None)
    return named or COLUMN_WORDS.get(column) or text(column, language)


def level_word(level: str, language: str = "en") -> str:
    """A target's Level ('Rep/Product') for people: in Chinese, each dimension's word."""
    if language != "zh":
        return level
    return "/".join(LEVEL_WORDS.get(part, part) for part in level.split("/"))


# Figure, its Chinese name, and its definition in English and Chinese, for the Definitions sheet.
DEFINITIONS: list[tuple[str, str, str, str]] = [
    ("Attainment", "达成率", "Actual ÷ Target", "实际 ÷ 目标"),
    ("Variance", "差异", "Actual − Target", "实际 − 目标"),
    ("Variance %", "差异率", "(Actual − Target) ÷ Target", "(实际 − 目标) ÷ 目标"),
    (
        "Elapsed fraction f",
        "时间进度 f",
        "0 before the period starts, 1 from its last day; otherwise by the pacing method: linear = days elapsed "
        "(the as-of day included) ÷ days in the period; workdays = working days elapsed ÷ working days in the "
        "period (weekend and Holidays excluded); seasonal = Σ month weight × month's elapsed share ÷ Σ weights",
        "期间开始前为 0，最后一天起为 1；其余按进度方法：线性 = 已过天数（含截至日）÷ 期间天数；工作日 = 已过工作日 ÷ "
        "期间工作日（不含周末和节假日）；季节性 = Σ 月权重 × 当月已过比例 ÷ Σ 权重",
    ),
    ("Expected", "应完成", "Target × f", "目标 × f"),
    ("Pace", "进度比", "Actual ÷ Expected; blank when Expected is 0", "实际 ÷ 应完成；应完成为 0 时留空"),
    (
        "Status",
        "状态",
        "Not started before the period; Achieved or Missed once it ends; otherwise Ahead, On track, Behind or "
        "At risk by Pace against the Ahead, On Track and Behind thresholds",
        "期间开始前为未开始；结束后为已达成或未达成；其余按进度比与领先、正常、落后阈值比较为领先、正常、落后或有风险",
    ),
    (
        "Forecast",
        "预计",
        "Where the period should land. With 3 or more past periods of the same kind (the months, quarters, … "
        "before) the pattern method: the share s usually sold by this point (past run-rates against past "
        "finals, times f) and the usual total (recent finals, latest weighing most, scaled to this period's "
        "days); Forecast = Actual + (1 − s) × (this period's pace trusted s ÷ (s + 0.25), the usual total "
        "otherwise). With less history, the run-rate Actual ÷ f. Actual once the period ends; blank before it starts",
        "期末预计落点。有 3 个及以上过去同类期间（之前的月、季……）时用历史规律法：到此时点通常已完成的比例 s（过去同一时点速度"
        "预计与最终结果之比 × f）和通常总额（近期各期最终结果，越近权重越大，按本期天数折算）；预计 = 实际 + (1 − s) × "
        "（本期速度，信任度 s ÷ (s + 0.25)，其余按通常总额）。历史不足时按当前速度：实际 ÷ f。期间结束后等于实际；期间开始前留空",
    ),
    ("Forecast Attainment", "预计达成率", "Forecast ÷ Target", "预计 ÷ 目标"),
    (
        "Forecast Low",
        "预计下限",
        "With Forecast High, an 80% range for the period's final total: the Forecast times the low and high "
        "order statistics (split conformal) of final ÷ forecast on the target's past periods, each forecast at "
        "the same point from only the periods before it (every target of the same metric, period length and "
        "method where one has fewer than 9 such errors); blank with no history; the actual once the period ends",
        "与预计上限一起构成期末总额的 80% 区间：预计 × 该目标过去各期在同一时点（只用其之前的期间）所作预计与最终结果之比的"
        "低位与高位顺序统计量（分割共形）（不足 9 个时，用同指标、同期间长度、同方法的全部目标）；无历史时留空；期间结束后等于实际",
    ),
    ("Forecast High", "预计上限", "See Forecast Low", "见预计下限"),
    (
        "Forecast Method",
        "预计方法",
        "What made the forecast: pattern (learned from the target's past periods) or run-rate (Actual ÷ f)",
        "预计的计算方法：历史规律（从该目标过去各期学得）或按当前速度（实际 ÷ f）",
    ),
    (
        "Weighted Pipeline",
        "加权商机",
        "Σ Amount × Probability of open Pipeline deals of the target's rep (a team's, region's or the company's "
        "reps) closing between the day after the as-of date and period end; Revenue targets only",
        "该目标代表（团队、区域或公司则为其成员）进行中商机在截至日次日至期末之间预计成交的 Σ 金额 × 概率；仅限销售额目标",
    ),
    (
        "Last Year",
        "去年同期",
        "The same measure one year earlier, over the same elapsed part of the period (29 Feb as 28 Feb)",
        "一年前同一已过时段的同一指标（2 月 29 日按 2 月 28 日）",
    ),
    (
        "Growth",
        "同比增长",
        "Actual ÷ Last Year − 1; blank when Last Year is 0 or less",
        "实际 ÷ 去年同期 − 1；去年同期不大于 0 时留空",
    ),
    (
        "Prior Period",
        "上期",
        "The same measure over the period before (the month, quarter, half or year before), to the same day of "
        "it (its last day when shorter), all of it once this period has ended",
        "上一个同类期间（上月、上季、上半年或上年）截至同一天（较短时为最后一天）的同一指标；本期结束后为整个上期",
    ),
    (
        "Change",
        "环比变化",
        "Actual ÷ Prior Period − 1; blank when Prior Period is 0 or less",
        "实际 ÷ 上期 − 1；上期不大于 0 时留空",
    ),
    ("Gap", "差额", "max(Target − Actual, 0)", "max(目标 − 实际, 0)"),
    (
        "Days Left",
        "剩余天数",
        "Days from the day after the as-of date to period end (working days for workdays)",
        "截至日次日到期末的天数（工作日进度按工作日计）",
    ),
    (
        "Required per Day",
        "每日所需",
        "Gap ÷ Days Left; blank when no days are left",
        "差额 ÷ 剩余天数；无剩余天数时留空",
    ),
    ("Revenue", "销售额", "Sum of Amount from period start to the as-of date", "期间开始至截至日的金额合计"),
    ("Customers", "客户数", "Distinct customers among those sales", "这些销售中的不同客户数"),
    (
        "New Customers",
        "新客户",
        "Customers whose first purchase in all of Actuals falls in the period",
        "在全部销售记录中首次购买落在本期间的客户",
    ),
    (
        "CAC",
        "获客成本",
        "(Marketing Spend + Sales Spend) ÷ New Customers",
        "(市场费用 + 销售费用) ÷ 新客户数",
    ),
    (
        "CLTV",
        "客户终身价值",
        "Revenue per customer scaled to a year × Gross Margin ÷ Annual Churn (measured from Actuals unless set)",
        "每客户年化销售额 × 毛利率 ÷ 年流失率（未设置时由销售记录计算）",
    ),
    ("LTV:CAC", "终身价值/获客成本", "CLTV ÷ CAC", "客户终身价值 ÷ 获客成本"),
    (
        "Win Rate",
        "赢单率",
        "Won ÷ (Won + Lost), deals closing in the period",
        "赢单数 ÷ (赢单数 + 丢单数)，按期间内成交的商机",
    ),
    (
        "Conversion",
        "线索转化率",
        "Deals created in the period that were won ÷ deals created in the period",
        "期间内创建并赢单的商机 ÷ 期间内创建的商机",
    ),
    (
        "Coverage",
        "漏斗覆盖率",
        "Open pipeline closing between the as-of date and period end ÷ Revenue gap",
        "截至日至期末预计成交的进行中商机金额 ÷ 销售额差额",
    ),
    (
        "Weighted Forecast",
        "加权预测",
        "Revenue + Σ open Amount × Probability",
        "销售额 + Σ 进行中金额 × 概率",
    ),
    ("CSAT", "客户满意度", "Share of CSAT scores (1-5) of 4 or 5", "满意度评分（1-5）中 4 或 5 分的占比"),
    (
        "NPS",
        "净推荐值",
        "100 × (share of NPS scores 9-10 − share of 0-6)",
        "100 × (9-10 分占比 − 0-6 分占比)",
    ),
    (
        "Allocated %",
        "分配比例",
        "A sale shared by reps: each rep's target counts Amount × share; every other target counts the line "
        "once; rollups add the reps' shares",
        "多位代表共享的销售：代表目标按 金额 × 比例 计算；其他目标每行只计一次；汇总为各代表份额之和",
    ),
    (
        "Product and customer groups",
        "产品组与客户组",
        "A target on a group (Products or Customers sheet) counts every member below it, at any depth",
        "目标为某个组（产品或客户表）时，计入其下各级所有成员的销售",
    ),
    (
        "Split",
        "分解",
        "month or quarter: the row's Target spread over its months or quarters by Seasonality weight; an "
        "explicit row for a sub-period wins",
        "按月或按季：按季节性权重把目标分摊到各月或各季；同一子期间的明确目标优先",
    ),
    (
        "Make-up working day",
        "调休补班",
        "A Holidays row of Type workday: a working day for workdays pacing even on a weekend",
        "节假日表中类型为补班的日期：即使在周末，按工作日进度也算作工作日",
    ),
    (
        "Half-year",
        "半年",
        "2025-H1 is 1 Jan to 30 Jun; FY2026-H1 the fiscal year's first six months",
        "2025年上半年为 1 月 1 日至 6 月 30 日；FY2026-H1 为财年前六个月",
    ),
    (
        "Realistic target",
        "目标合理性",
        "Flagged when a target is more than Realistic Above (30%) over or Realistic Below (30%) under what history "
        "implies: the same period last year × recent growth, and the trailing 90-day run-rate",
        "目标高于或低于历史推算值超过阈值（默认 30%）时提示：去年同期 × 近期增长，以及最近 90 天的日均速度",
    ),
]
