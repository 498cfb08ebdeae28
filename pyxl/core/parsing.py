"""Turn cell text into numbers and dates, column at a time, noting what had to be converted.

Cells arrive as text: the file reader renders number cells as "1626.44" and date cells as
"2025-01-01 00:00:00", so one path handles real numbers and numbers typed as text alike. A large
Actuals sheet is read typed instead (cleaning.cells.TypedRows): a column all of whose cells are
numbers arrives as float64, one of dates as datetime64, and needs no parsing; a column of
anything else arrives as text, as ever.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pyxl.core.errors import BadArgument

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serials outside 1900..2199 are far more likely typos than dates.
SERIAL_RANGE = (367.0, 109574.0)
_CELL_DATETIME = "%Y-%m-%d %H:%M:%S"
_CURRENCY = r"[¥￥$€£]|RMB|CNY|USD|EUR|元"


# Control characters an xlsx cannot hold and a terminal would obey (tab, line feed and carriage
# return excepted: they are text).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Text starting with these is a formula (or a signed number) to a spreadsheet that reads it in.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def without_controls(text: str) -> str:
    """Text with its control characters dropped, as it can be written to a sheet."""
    return CONTROL_CHARACTERS.sub("", text)


# Excel's first day, and the last day pandas holds at nanosecond resolution.
FIRST_DAY, LAST_DAY = pd.Timestamp("1900-01-01"), pd.Timestamp("2262-04-11")


@dataclass
class Parsed:
    """Parsed values plus masks: `bad` could not be read, `converted` needed more than a cast.

    `outside` marks the bad values that were read but cannot be used: dates before 1900 or after
    what pandas holds, and numbers that are not finite (inf, NaN, 1e309).
    """

    values: pd.Series
    bad: pd.Series
    converted: pd.Series
    kind: str
    outside: pd.Series | None = None
    late: pd.Series | None = None  # dates after LAST_DAY, such as 9999-12-31 for "no end"


def by_distinct(parse: Callable[[pd.Series], Parsed], text: pd.Series, sample_rows: int = 10_000) -> Parsed:
    """`parse(text)`, parsing each distinct text once and giving its result to every row that
    holds it: a million sales rows carry a few hundred dates and unit counts. Each row's result
    depends on its text alone, so it is the same either way; columns whose first `sample_rows`
    are mostly distinct (amounts) are parsed as they are."""
    sample = text.iloc[:sample_rows]
    if not _is_text(text) or len(text) < sample_rows or sample.nunique() * 2 > len(sample):
        return parse(text)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    # The blank (code -1) gets a last place of its own.
    distinct = np.concatenate([np.asarray(uniques, dtype=object), np.array([None], dtype=object)])
    once = parse(pd.Series(distinct).astype("string"))
    rows = np.where(codes < 0, len(uniques), codes)

    def spread(values: pd.Series) -> pd.Series:
        return values.take(rows).set_axis(text.index)

    return Parsed(
        spread(once.values),
        spread(once.bad),
        spread(once.converted),
        once.kind,
        None if once.outside is None else spread(once.outside),
        None if once.late is None else spread(once.late),
    )


def is_missing(value: object) -> bool:
    """True for a blank value: None, NaN (Python or numpy), pandas' NA or NaT."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and bool(np.isnan(value))


def _is_text(cells: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(cells) or pd.api.types.is_object_dtype(cells)


def cell_text(cells: pd.Series) -> pd.Series:
    """A column as text, a typed one rendered as the file reader renders its cells."""
    if _is_text(cells):
        return cells.astype("string")
    if pd.api.types.is_datetime64_any_dtype(cells):
        return cells.dt.strftime(_CELL_DATETIME).astype("string")
    rendered = pa.array(cells, from_pandas=True).cast(pa.string())  # 45658.0 as "45658"
    return pd.Series(rendered.to_pandas(), index=cells.index, dtype="string")


def blank(text: pd.Series, stripped: pd.Series | None = None) -> pd.Series:
    """True where a cell is empty or only spaces (`stripped`: the text stripped, if at hand)."""
    if not _is_text(text):
        return text.isna()
    if stripped is None:
        stripped = text.astype("string").str.strip()
    return text.isna() | stripped.eq("").fillna(True)


def as_text(values: pd.Series) -> pd.Series:
    """Render Python cell values (from a live workbook) the way the file reader renders them."""

    def render(value: object) -> object:
        if is_missing(value):
            return None
        if isinstance(value, (dt.datetime, pd.Timestamp)):
            return value.strftime(_CELL_DATETIME)
        if isinstance(value, dt.date):
            return value.strftime(_CELL_DATETIME)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return values.map(render).astype("string")


def parse_numbers(text: pd.Series) -> Parsed:
    """Numbers, including text like '1,200', '¥1,200.50', ' 300 ', '(50)' and '12%'."""
    if pd.api.types.is_numeric_dtype(text) and not pd.api.types.is_bool_dtype(text):
        values = text.astype("float64")
        outside = values.notna() & ~np.isfinite(values.fillna(0.0))
        unconverted = pd.Series(False, index=text.index)
        return Parsed(values.mask(outside), outside, unconverted, "number", outside)
    text = cell_text(text)
    stripped = text.str.strip()  # once, for blanks and for surrounding spaces
    empty = blank(text, stripped)
    fast = _fast_numbers(text)
    # A copy: Arrow's buffers are read-only, and the rest of the function fills values in.
    values = pd.to_numeric(text, errors="coerce").astype("float64") if fast is None else fast.copy()
    pending = values.isna() & ~empty
    # Arrow and pandas both quietly accept surrounding spaces; the user should still hear of them.
    converted = (stripped != text).fillna(False).astype(bool) & values.notna()
    if pending.any():
        cleaned = _clean_number_text(text[pending])
        values.loc[pending] = cleaned
        converted.loc[pending] = cleaned.notna()
    # "inf", "NaN" and 1e309 cast to non-finite floats, which no figure can use.
    unread = values.isna() & ~empty
    spelled_nan = _spelled_nan(text[unread]).reindex(text.index, fill_value=False) if unread.any() else unread
    outside = (~empty & ~np.isfinite(values.fillna(0.0))) | spelled_nan
    values = values.mask(outside)
    bad = values.isna() & ~empty
    return Parsed(values, bad, converted & ~outside, "number", outside)


def _spelled_nan(text: pd.Series) -> pd.Series:
    return text.str.strip().str.casefold().isin(["nan", "-nan", "+nan"]).fillna(False).astype(bool)


def _fast_numbers(text: pd.Series) -> pd.Series | None:
    """Arrow's cast, twenty times quicker than to_numeric, for the common all-clean column."""
    try:
        cast = pc.cast(pa.array(text, from_pandas=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def _clean_number_text(text: pd.Series) -> pd.Series:
    s = text.str.strip().str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(r"[,\s\u00a0\u3000]", "", regex=True)
    negative = s.str.fullmatch(r"\(.*\)").fillna(False)
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    percent = s.str.endswith("%").fillna(False)
    s = s.str.replace(r"%$", "", regex=True)
    values = pd.to_numeric(s, errors="coerce").astype("float64")
    values[negative] = -values[negative]
    values[percent] = values[percent] / 100
    return values


_DATE_PATTERNS = {
    # year month day, in any of the usual separators or with 年月日
    "ymd": re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$"),
    # day or month first, year last
    "xxy": re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})(?:[ T].*)?$"),
}


def parse_dates(text: pd.Series, date_order: str = "YMD") -> Parsed:
    """Dates from date cells, Excel serials, and text such as 2025/4/5, 2025年4月5日 or 5/4/2025.

    Text with the year last is read day-first or month-first by `date_order` (DMY or MDY);
    with YMD it is read only when the day is unambiguous (above 12).
    """
    converted = np.zeros(len(text), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(text):  # date cells, read typed
        empty = text.isna().to_numpy()
        return _days(text.to_numpy(dtype="datetime64[D]"), empty, converted, text.index)
    text = cell_text(text)
    empty = blank(text).to_numpy(dtype=bool, na_value=False)
    # Microseconds until far dates are set aside: nanoseconds end at 2262, and pandas before 2.2
    # wraps a far date around instead of failing.
    cells = pd.to_datetime(text, format=_CELL_DATETIME, errors="coerce")
    values = cells.to_numpy(dtype="datetime64[us]", copy=True)
    pending = np.isnat(values) & ~empty
    if pending.any():
        fixed = _dates_from_text(text[pending].str.strip(), date_order)
        values[pending] = fixed
        converted[pending] = ~np.isnat(fixed)
    return _days(values.astype("datetime64[D]"), empty, converted, text.index)


def _days(values: np.ndarray, empty: np.ndarray, converted: np.ndarray, index: pd.Index) -> Parsed:
    """Parsed dates from days (datetime64[D], NaT where none was read): those pandas cannot hold
    set aside as outside."""
    known = ~np.isnat(values)
    late = known & (values > LAST_DAY.to_datetime64())
    outside = late | (known & (values < FIRST_DAY.to_datetime64()))
    values[outside] = np.datetime64("NaT")
    return Parsed(
        pd.Series(values.astype("datetime64[ns]"), index=index),
        pd.Series(np.isnat(values) & ~empty, index=index),
        pd.Series(converted & ~outside, index=index),
        "date",
        pd.Series(outside, index=index),
        pd.Series(late, index=index),
    )


def parse_day(text: str, date_order: str = "YMD") -> dt.date:
    """One date typed by a person (--as-of, a cell function's argument): read as Date Order
    says; raises BadArgument when it is no date, or, under YMD, when 05/11/2025 could be either
    of two days (the values name both)."""
    parsed = parse_dates(pd.Series([text]), date_order)
    if not parsed.values.isna().iloc[0]:
        return pd.Timestamp(parsed.values.iloc[0]).date()
    readings = [parse_dates(pd.Series([text]), order).values.iloc[0] for order in ("DMY", "MDY")]
    if all(pd.notna(r) for r in readings) and readings[0] != readings[1]:
        first, second = (pd.Timestamp(r).date().isoformat() for r in readings)
        raise BadArgument("date_ambiguous", value=text, first=first, second=second)
    raise BadArgument("not_a_date", value=text)


def _dates_from_text(text: pd.Series, date_order: str) -> np.ndarray:
    """datetime64[us] for each text, NaT where it is none. Microseconds hold every year from 1
    to 9999, so a far date is read and then reported."""
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    serial = pd.to_numeric(text, errors="coerce").astype("float64")
    in_range = serial.between(*SERIAL_RANGE).fillna(False).astype(bool).to_numpy()
    micro = np.round(serial[in_range].to_numpy() * 86_400_000_000).astype(np.int64).astype("timedelta64[us]")
    result[in_range] = np.datetime64(EXCEL_EPOCH.date(), "us") + micro

    parts = text.str.extract(_DATE_PATTERNS["ymd"]).astype("float64")
    ymd = parts.notna().all(axis=1).to_numpy() & ~in_range
    result[ymd] = _assemble(parts.loc[ymd, 0], parts.loc[ymd, 1], parts.loc[ymd, 2])

    parts = text.str.extract(_DATE_PATTERNS["xxy"]).astype("float64")
    xxy = parts.notna().all(axis=1).to_numpy() & ~in_range & ~ymd
    if xxy.any():
        first, second, year = parts.loc[xxy, 0], parts.loc[xxy, 1], parts.loc[xxy, 2]
        order = date_order.upper()
        if order == "DMY":
            day, month = first, second
        elif order == "MDY":
            day, month = second, first
        else:
            day_first = (first > 12) & (second <= 12)
            month_first = (second > 12) & (first <= 12)
            day = first.where(day_first, second.where(month_first, np.nan))
            month = second.where(day_first, first.where(month_first, np.nan))
        result[xxy] = _assemble(year, month, day)

    rest = np.isnat(result)
    if rest.any():
        iso = pd.to_datetime(text[rest], format="ISO8601", errors="coerce")
        result[rest] = iso.to_numpy(dtype="datetime64[us]")
    return result


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> np.ndarray:
    """Dates from their parts, any year 1 to 9999 (pandas' own assembly stops at 1677 and 2262)."""
    y, m, d = (part.to_numpy(dtype="float64") for part in (year, month, day))
    usable = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
    y, m, d = (np.where(usable, part, 1).astype(np.int64) for part in (y, m, d))
    months = ((y - 1970) * 12 + m - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (d - 1)
    real = usable & (days.astype("datetime64[M]") == months)  # no 31 April
    return np.where(real, days, np.datetime64("NaT")).astype("datetime64[us]")
