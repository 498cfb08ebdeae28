"""The Settings sheet: keys in English or Chinese, typed values, defaults from the contract.

Each setting is declared once, as a field of `Settings`: its type, its default, its names on
the sheet (English first, then Chinese) and the parser that reads its cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import Field, dataclass, field, fields
from typing import Any

import pandas as pd

from pyxl.core.errors import BadArgument
from pyxl.core.issues import WARNING, Issues
from pyxl.core.parsing import is_missing, parse_dates, parse_numbers
from pyxl.core.schema import INPUT_SHEETS, normalise

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
ALIAS_PREFIXES = ("alias:", "别名:", "别名：")
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£"}
_LANGUAGES = {name: "zh" for name in ("zh", "zh-cn", "cn", "chinese", "中文", "简体中文")} | {
    name: "en" for name in ("en", "english", "英文", "英语")
}
_SECURITY = {name: name for name in ("starttls", "ssl", "none")}


def _date(text: str) -> dt.date:
    parsed = parse_dates(pd.Series([text]))
    if parsed.bad.iloc[0]:
        raise BadArgument("reason_not_date")
    day: dt.date = parsed.values.iloc[0].date()
    return day


def _whole_number(text: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise BadArgument("reason_not_number") from None
    if not number.is_integer():
        raise BadArgument("reason_whole_number")
    return int(number)


def _month(text: str) -> int:
    month = _whole_number(text)
    if not 1 <= month <= 12:
        raise BadArgument("reason_month")
    return month


def _weekend(text: str) -> tuple[int, ...]:
    days = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        if not part.strip():
            continue
        day = DAY_NUMBERS.get(normalise(part))
        if day is None:
            raise BadArgument("reason_weekday", value=part.strip())
        days.append(day)
    return tuple(sorted(set(days)))


def _date_order(text: str) -> str:
    order = text.upper().replace("/", "").replace("-", "")
    if order not in ("YMD", "DMY", "MDY"):
        raise BadArgument("reason_date_order")
    return order


def _percentage(value: object, largest_plain: float) -> float:
    """A number, or a percentage typed as '30%' or as a whole number above `largest_plain`."""
    parsed = parse_numbers(pd.Series([str(value)]))
    if parsed.bad.iloc[0]:
        raise BadArgument("reason_not_number")
    number = float(parsed.values.iloc[0])
    return number / 100 if number > largest_plain else number


def parse_ratio(value: object) -> float:
    """1.05, '105%' or 105 -> 1.05 (thresholds can sit above 1)."""
    return _percentage(value, 10)


def parse_share(value: object) -> float:
    """0.3, '30%' or 30 -> 0.3 (shares never exceed 1, nor fall below 0)."""
    share = _percentage(value, 1)
    if share < 0:
        raise BadArgument("reason_negative")
    return share


def _one_of(choices: dict[str, str], reason: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        chosen = choices.get(normalise(text))
        if chosen is None:
            raise BadArgument(reason)
        return chosen

    return parse


def _as_written(text: str) -> str:
    return text


def setting(default: Any, names: tuple[str, ...], parse: Callable[[str], Any]) -> Any:
    """A Settings field: its default, its names on the sheet (English first) and its parser."""
    return field(default=default, metadata={"names": names, "parse": parse})


@dataclass
class Settings:
    """What the Settings sheet says, with the contract's defaults."""

    as_of: dt.date | None = setting(None, ("As Of", "截至日期", "截止日期"), _date)
    fiscal_year_start_month: int = setting(
        1, ("Fiscal Year Start Month", "财年起始月", "财年开始月份"), _month
    )
    pacing: str = setting("linear", ("Pacing", "进度方法"), _one_of(PACING_ALIASES, "reason_pacing"))
    weekend: tuple[int, ...] = setting((5, 6), ("Weekend", "周末"), _weekend)
    ahead_threshold: float = setting(1.05, ("Ahead Threshold", "领先阈值"), parse_ratio)
    on_track_threshold: float = setting(0.95, ("On Track Threshold", "正常阈值"), parse_ratio)
    behind_threshold: float = setting(0.85, ("Behind Threshold", "落后阈值"), parse_ratio)
    currency: str = setting("", ("Currency", "货币"), _as_written)
    language: str = setting("en", ("Language", "语言"), _one_of(_LANGUAGES, "reason_language"))
    date_order: str = setting("YMD", ("Date Order", "日期顺序"), _date_order)
    smtp_host: str = setting("", ("SMTP Host", "SMTP 服务器"), _as_written)
    smtp_port: int = setting(587, ("SMTP Port", "SMTP 端口"), _whole_number)
    smtp_security: str = setting(
        "starttls", ("SMTP Security", "SMTP 加密"), _one_of(_SECURITY, "reason_security")
    )
    smtp_user: str = setting("", ("SMTP User", "SMTP 用户"), _as_written)
    email_from: str = setting("", ("Email From", "发件人"), _as_written)
    gross_margin: float = setting(1.0, ("Gross Margin", "毛利率"), parse_share)
    # None: measured from Actuals.
    annual_churn: float | None = setting(None, ("Annual Churn", "年流失率"), parse_share)
    realistic_above: float = setting(0.30, ("Realistic Above", "目标偏高阈值"), parse_share)
    realistic_below: float = setting(0.30, ("Realistic Below", "目标偏低阈值"), parse_share)
    # Actuals kept beside the workbook: a file, a glob of files or a DuckDB file (path relative to
    # the workbook), and the table of a database file.
    actuals_source: str = setting("", ("Actuals Source", "实际数据源"), _as_written)
    actuals_table: str = setting("", ("Actuals Table", "实际数据表"), _as_written)
    header_aliases: dict[str, str] = field(default_factory=dict)

    @property
    def weekmask(self) -> str:
        """numpy busday weekmask, Monday first."""
        return "".join("0" if day in self.weekend else "1" for day in range(7))

    @property
    def currency_symbol(self) -> str:
        """What stands before Revenue amounts: ¥ for CNY, $ for USD, else the Currency as typed."""
        return CURRENCY_SYMBOLS.get(self.currency.upper(), self.currency)


SETTINGS: dict[str, Field[Any]] = {f.name: f for f in fields(Settings) if "names" in f.metadata}
KEYS: dict[str, tuple[str, ...]] = {key: f.metadata["names"] for key, f in SETTINGS.items()}
KEY_LOOKUP = {normalise(name): key for key, names in KEYS.items() for name in names}


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
            setattr(settings, key, SETTINGS[key].metadata["parse"](str(raw_value).strip()))
        except BadArgument as reason:
            facts: dict[str, object] = {
                "setting": key_text,
                "reason": reason.key,
                "reason_values": reason.values,
            }
            issues.add(WARNING, sheet, row, "Value", raw_value, "bad_setting", "default_used", facts)
    return settings


def _missing(value: object) -> bool:
    return is_missing(value) or str(value).strip() == ""


def _column_key(value: object) -> str:
    folded = normalise(value)
    for sheet in INPUT_SHEETS:
        for column in sheet.columns:
            if folded in (normalise(n) for n in column.names) or folded == column.key:
                return column.key
    return folded
