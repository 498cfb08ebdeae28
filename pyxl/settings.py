"""The Settings sheet: keys in English or Chinese, typed values, defaults from the contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pyxl.parsing import parse_dates, parse_numbers
from pyxl.schema import INPUT_SHEETS, normalise
from pyxl.validation import WARNING, Issues

PACING_METHODS = ("linear", "workdays", "seasonal")
PACING_ALIASES = {
    "linear": "linear",
    "线性": "linear",
    "calendar": "linear",
    "workdays": "workdays",
    "workday": "workdays",
    "working days": "workdays",
    "工作日": "workdays",
    "seasonal": "seasonal",
    "季节性": "seasonal",
    "seasonality": "seasonal",
}
_DAY_NAMES = {
    0: ("mon", "monday", "周一", "星期一"),
    1: ("tue", "tuesday", "周二", "星期二"),
    2: ("wed", "wednesday", "周三", "星期三"),
    3: ("thu", "thursday", "周四", "星期四"),
    4: ("fri", "friday", "周五", "星期五"),
    5: ("sat", "saturday", "周六", "星期六"),
    6: ("sun", "sunday", "周日", "星期日", "星期天", "周天"),
}
DAY_NUMBERS = {name: number for number, names in _DAY_NAMES.items() for name in names}

KEYS: dict[str, tuple[str, ...]] = {
    "as_of": ("As Of", "截至日期", "截止日期"),
    "fiscal_year_start_month": ("Fiscal Year Start Month", "财年起始月", "财年开始月份"),
    "pacing": ("Pacing", "进度方法"),
    "weekend": ("Weekend", "周末"),
    "ahead_threshold": ("Ahead Threshold", "领先阈值"),
    "on_track_threshold": ("On Track Threshold", "正常阈值"),
    "behind_threshold": ("Behind Threshold", "落后阈值"),
    "currency": ("Currency", "货币"),
    "language": ("Language", "语言"),
    "date_order": ("Date Order", "日期顺序"),
    "smtp_host": ("SMTP Host", "SMTP 服务器"),
    "smtp_port": ("SMTP Port", "SMTP 端口"),
    "smtp_security": ("SMTP Security", "SMTP 加密"),
    "smtp_user": ("SMTP User", "SMTP 用户"),
    "email_from": ("Email From", "发件人"),
    "gross_margin": ("Gross Margin", "毛利率"),
    "annual_churn": ("Annual Churn", "年流失率"),
    "realistic_above": ("Realistic Above", "目标偏高阈值"),
    "realistic_below": ("Realistic Below", "目标偏低阈值"),
}
KEY_LOOKUP = {normalise(name): key for key, names in KEYS.items() for name in names}
ALIAS_PREFIXES = ("alias:", "别名:", "别名：")


@dataclass
class Settings:
    as_of: dt.date | None = None
    fiscal_year_start_month: int = 1
    pacing: str = "linear"
    weekend: tuple[int, ...] = (5, 6)
    ahead_threshold: float = 1.05
    on_track_threshold: float = 0.95
    behind_threshold: float = 0.85
    currency: str = ""
    language: str = "en"
    date_order: str = "YMD"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    email_from: str = ""
    gross_margin: float = 1.0
    annual_churn: float | None = None  # measured from Actuals when not set
    realistic_above: float = 0.30
    realistic_below: float = 0.30
    header_aliases: dict[str, str] = field(default_factory=dict)

    @property
    def weekmask(self) -> str:
        """numpy busday weekmask, Monday first."""
        return "".join("0" if day in self.weekend else "1" for day in range(7))


def read_settings(
    pairs: Iterable[tuple[object, object, int]], issues: Issues, sheet: str = "Settings"
) -> Settings:
    """Build Settings from (key, value, row) triples; a bad value is reported and the default kept."""
    settings = Settings()
    for raw_key, raw_value, row in pairs:
        if raw_key is None or str(raw_key).strip() == "" or _missing(raw_value):
            continue
        key_text = str(raw_key).strip()
        folded = normalise(key_text)
        prefix = next((p for p in ALIAS_PREFIXES if folded.startswith(p)), None)
        if prefix:
            # "Alias: Net Sales" = "Amount" lets any header stand for a contract column.
            settings.header_aliases[key_text[len(prefix) :].strip()] = _column_key(raw_value)
            continue
        key = KEY_LOOKUP.get(folded)
        if key is None:
            continue
        try:
            setattr(settings, key, _convert(key, raw_value))
        except ValueError as reason:
            issues.add(
                WARNING,
                sheet,
                row,
                "Value",
                raw_value,
                "bad_setting",
                "default_used",
                f"{key_text}: {reason}",
            )
    return settings


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _column_key(value: object) -> str:
    folded = normalise(value)
    for sheet in INPUT_SHEETS:
        for column in sheet.columns:
            if folded in (normalise(n) for n in column.names) or folded == column.key:
                return column.key
    return folded


def _percentage(value: object, largest_plain: float) -> float:
    """A number, or a percentage typed as '30%' or as a whole number above `largest_plain`."""
    parsed = parse_numbers(pd.Series([str(value)]))
    if parsed.bad.iloc[0]:
        raise ValueError("not a number")
    number = float(parsed.values.iloc[0])
    return number / 100 if number > largest_plain else number


def parse_ratio(value: object) -> float:
    """1.05, '105%' or 105 -> 1.05 (thresholds can sit above 1)."""
    return _percentage(value, 10)


def parse_share(value: object) -> float:
    """0.3, '30%' or 30 -> 0.3 (shares never exceed 1)."""
    return _percentage(value, 1)


def _convert(key: str, value: object) -> object:
    text = str(value).strip()
    if key == "as_of":
        parsed = parse_dates(pd.Series([text]))
        if parsed.bad.iloc[0]:
            raise ValueError("not a date")
        return parsed.values.iloc[0].date()
    if key == "fiscal_year_start_month":
        month = _whole_number(text)
        if not 1 <= month <= 12:
            raise ValueError("month must be 1 to 12")
        return month
    if key == "pacing":
        method = PACING_ALIASES.get(normalise(text))
        if method is None:
            raise ValueError("use linear, workdays or seasonal")
        return method
    if key == "weekend":
        days = []
        for part in text.replace("，", ",").replace("、", ",").split(","):
            if not part.strip():
                continue
            day = DAY_NUMBERS.get(normalise(part))
            if day is None:
                raise ValueError(f"'{part.strip()}' is not a weekday name")
            days.append(day)
        return tuple(sorted(set(days)))
    if key.endswith("_threshold"):
        return parse_ratio(text)
    if key in ("gross_margin", "annual_churn", "realistic_above", "realistic_below"):
        share = parse_share(text)
        if share < 0:
            raise ValueError("must not be negative")
        return share
    if key == "language":
        folded = normalise(text)
        if folded in ("zh", "zh-cn", "cn", "chinese", "中文", "简体中文"):
            return "zh"
        if folded in ("en", "english", "英文", "英语"):
            return "en"
        raise ValueError("use en or zh")
    if key == "date_order":
        order = text.upper().replace("/", "").replace("-", "")
        if order not in ("YMD", "DMY", "MDY"):
            raise ValueError("use YMD, DMY or MDY")
        return order
    if key == "smtp_port":
        return _whole_number(text)
    if key == "smtp_security":
        security = normalise(text)
        if security not in ("starttls", "ssl", "none"):
            raise ValueError("use starttls, ssl or none")
        return security
    return text


def _whole_number(text: str) -> int:
    number = float(text)
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)
