import datetime as dt

import pytest

from pyxl.core.issues import Issues
from pyxl.core.settings import Settings, parse_ratio, read_settings


def settings_from(*pairs):
    issues = Issues()
    settings = read_settings([(k, v, i + 2) for i, (k, v) in enumerate(pairs)], issues)
    return settings, issues.frame()


def test_defaults():
    settings = Settings()
    assert (settings.pacing, settings.weekmask, settings.language, settings.smtp_port) == (
        "linear",
        "1111100",
        "en",
        587,
    )


def test_english_and_chinese_keys():
    settings, issues = settings_from(
        ("As Of", "2025-05-15 00:00:00"),
        ("财年起始月", "4"),
        ("进度方法", "工作日"),
        ("周末", "周五, 周六"),
        ("领先阈值", "110%"),
        ("语言", "中文"),
        ("Date Order", "d/m/y"),
        ("Currency", "¥"),
    )
    assert issues.empty
    assert settings.as_of == dt.date(2025, 5, 15)
    assert settings.fiscal_year_start_month == 4
    assert settings.pacing == "workdays"
    assert settings.weekmask == "1111001"
    assert settings.ahead_threshold == pytest.approx(1.1)
    assert (settings.language, settings.date_order, settings.currency) == ("zh", "DMY", "¥")


def test_bad_values_are_reported_and_defaults_kept():
    settings, issues = settings_from(("Pacing", "fast"), ("Fiscal Year Start Month", "13"), ("As Of", "soon"))
    assert settings.pacing == "linear" and settings.fiscal_year_start_month == 1 and settings.as_of is None
    assert issues["row"].tolist() == [2, 3, 4]
    assert set(issues["action"]) == {"default_used"}


def test_header_aliases():
    settings, _ = settings_from(("Alias: Net Sales", "Amount"), ("别名: 业务员", "Rep"))
    assert settings.header_aliases == {"Net Sales": "amount", "业务员": "rep"}


@pytest.mark.parametrize(("text", "value"), [("1.05", 1.05), ("105%", 1.05), ("95", 0.95), ("0.85", 0.85)])
def test_ratios(text, value):
    assert parse_ratio(text) == pytest.approx(value)
