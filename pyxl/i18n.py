"""English and Chinese wording for sheets, statuses, data problems and messages."""

from __future__ import annotations

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

TEXT: dict[str, tuple[str, str]] = {
    # sheet titles and headers
    "tracking_title": ("Sales tracking · as of {as_of}", "销售目标跟踪 · 截至 {as_of}"),
    "quality_title": (
        "Data quality · errors: {errors} · warnings: {warnings} · notes: {infos} · as of {as_of}",
        "数据质量 · 错误：{errors} · 警告：{warnings} · 提示：{infos} · 截至 {as_of}",
    ),
    "quality_clean": (
        "Data quality · no problems found · as of {as_of}",
        "数据质量 · 未发现问题 · 截至 {as_of}",
    ),
    "Severity": ("Severity", "级别"),
    "Sheet": ("Sheet", "工作表"),
    "Row": ("Row", "行"),
    "Column": ("Column", "列"),
    "Value": ("Value", "值"),
    "Problem": ("Problem", "问题"),
    "Action": ("Action", "处理"),
    "error": ("error", "错误"),
    "warning": ("warning", "警告"),
    "info": ("info", "提示"),
    # problems
    "date_unreadable": ("Date could not be read", "日期无法识别"),
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
        "Period is not one of 2025, 2025-Q2, 2025-05, FY2026, FY2026-Q1",
        "期间格式无法识别（应为 2025、2025-Q2、2025-05、FY2026 或 FY2026-Q1）",
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
    "bad_setting": ("Setting not understood: {detail}", "设置无法识别：{detail}"),
    "sheet_ignored": ("{detail}", "{detail}"),
    "rep_missing": ("Team row has no Rep", "团队成员行缺少销售代表"),
    "rep_duplicate": ("Rep appears more than once on the Team sheet", "销售代表在团队表中重复出现"),
    "weight_unreadable": ("Weight is not a number", "权重不是数字"),
    "weight_negative": ("Weight is negative", "权重为负数"),
    "month_unreadable": ("Month must be 1-12 or Jan-Dec", "月份必须是 1-12 或 Jan-Dec"),
    "month_absent": ("Month {value} has no weight, so it counts as 0", "第 {value} 月没有权重，按 0 计算"),
    "rollup_mismatch": (
        "This target differs from the sum of its members' targets ({detail})",
        "该目标与成员目标之和（{detail}）不一致",
    ),
    "dimension_absent": (
        "The target names a dimension the Actuals sheet does not have",
        "目标使用了实际销售表中没有的维度",
    ),
    # actions
    "row_skipped": ("row skipped", "已跳过该行"),
    "converted": ("value converted", "已转换"),
    "default_used": ("default used", "已使用默认值"),
    "treated_blank": ("treated as blank", "按空值处理"),
}


def text(key: str, language: str = "en", **values: object) -> str:
    """The wording for `key` in the language, with {placeholders} filled in."""
    english, chinese = TEXT.get(key, (key, key))
    template = chinese if language == "zh" else english
    return template.format(**values)


def status_word(status: str, language: str = "en") -> str:
    return STATUS_WORDS.get(status, status) if language == "zh" else status


def metric_word(metric: str, language: str = "en") -> str:
    return METRIC_WORDS.get(metric, metric) if language == "zh" else metric
