"""Periods: '2025', '2025-H1', '2025-Q2', '2025-05', 'FY2026', 'FY2026-H1', 'FY2026-Q1', and their
first and last days."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pyxl.core.errors import BadArgument


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date


_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*年?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:[-/ ]|年)?\s*(?:Q|第)\s*([1-4])\s*(?:季度?)?$", re.I)
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_FISCAL = re.compile(r"^(?:FY|财年)\s*(\d{4}|\d{2})\s*(?:[-/ ]?\s*(?:Q|第)\s*([1-4])\s*(?:季度?)?)?$", re.I)
_HALF = re.compile(r"^(\d{4})\s*(?:[-/ ]?\s*H\s*([12])|年\s*(上|下)\s*半年)$", re.I)
_FISCAL_HALF = re.compile(r"^(?:FY|财年)\s*(\d{4}|\d{2})\s*[-/ ]?\s*(?:H\s*([12])|(上|下)\s*半年)$", re.I)
_CELL_DATE = re.compile(r"^(\d{4})-(\d{2})-01(?: 00:00:00)?$")


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _span(year: int, month: int, months: int) -> tuple[dt.date, dt.date]:
    end_year, end_month = _add_months(year, month, months)
    return dt.date(year, month, 1), dt.date(end_year, end_month, 1) - dt.timedelta(days=1)


def _half(match: re.Match[str]) -> int:
    """1 or 2, from H1/H2 or 上半年/下半年."""
    return int(match[2]) if match[2] else (1 if match[3] == "上" else 2)


def parse_period(text: object, fiscal_start_month: int = 1) -> Period:
    """Parse a period label; raise BadArgument (a ValueError) when it is not one."""
    raw = "" if text is None else str(text).strip()
    if match := _YEAR.match(raw):
        year = int(match[1])
        return Period(f"{year}", *_span(year, 1, 12))
    if match := _QUARTER.match(raw):
        year, quarter = int(match[1]), int(match[2])
        return Period(f"{year}-Q{quarter}", *_span(year, 3 * quarter - 2, 3))
    if match := _HALF.match(raw):
        year, half = int(match[1]), _half(match)
        return Period(f"{year}-H{half}", *_span(year, 6 * half - 5, 6))
    if match := _FISCAL_HALF.match(raw):
        fiscal_year = int(match[1]) + (2000 if len(match[1]) == 2 else 0)
        first_year = fiscal_year - 1 if fiscal_start_month > 1 else fiscal_year
        half = _half(match)
        year, month = _add_months(first_year, fiscal_start_month, 6 * (half - 1))
        return Period(f"FY{fiscal_year}-H{half}", *_span(year, month, 6))
    if match := _MONTH.match(raw) or _CELL_DATE.match(raw):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Period(f"{year}-{month:02d}", *_span(year, month, 1))
    if match := _FISCAL.match(raw):
        fiscal_year = int(match[1]) + (2000 if len(match[1]) == 2 else 0)
        first_year = fiscal_year - 1 if fiscal_start_month > 1 else fiscal_year
        if match[2]:
            quarter = int(match[2])
            year, month = _add_months(first_year, fiscal_start_month, 3 * (quarter - 1))
            return Period(f"FY{fiscal_year}-Q{quarter}", *_span(year, month, 3))
        return Period(f"FY{fiscal_year}", *_span(first_year, fiscal_start_month, 12))
    raise BadArgument("not_a_period", value=raw)
