"""The input sheets, their columns and the English and Chinese names each may go by.

Importable without pandas: the command line finds the Actuals sheet here and starts reading it
while pandas is still loading (adapters.readahead). The helpers that need pandas import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DIMENSIONS: tuple[str, ...] = ("rep", "team", "region", "product", "customer", "channel")
DIMENSION_HEADERS = {d: d.capitalize() for d in DIMENSIONS}
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # or "number" or "date": what its cells hold when read typed

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def name_in(self, language: str) -> str:
        """The header in the language: the English one, or for Chinese its first Chinese alias."""
        return name_in(self.names, language)


def name_in(names: Sequence[str], language: str) -> str:
    """The English name, or for Chinese the first Chinese one among the aliases."""
    if language == "zh":
        return next((name for name in names if _CJK.search(name)), names[0])
    return names[0]


_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    required_sheet: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


DIMENSION_COLUMNS = (
    Column("rep", "Rep", ("销售代表", "代表", "Sales Rep", "Salesperson", "Representative")),
    Column("team", "Team", ("团队",)),
    Column("region", "Region", ("区域", "大区")),
    Column("product", "Product", ("产品",)),
    Column("customer", "Customer", ("客户", "Account")),
    Column("channel", "Channel", ("渠道",)),
)

TARGETS = Sheet(
    "targets",
    "Targets",
    ("目标",),
    (
        Column("period", "Period", ("期间",)),
        Column("metric", "Metric", ("指标",)),
        Column("target", "Target", ("目标值", "目标")),
        *DIMENSION_COLUMNS,
        Column("pacing", "Pacing", ("进度方法",)),
        Column("split", "Split", ("分解",)),
    ),
    required=("period", "target"),
    required_sheet=True,
)
ACTUALS = Sheet(
    "actuals",
    "Actuals",
    ("实际", "销售数据", "Sales"),
    (
        Column("date", "Date", ("日期", "Order Date", "订单日期"), "date"),
        Column("amount", "Amount", ("金额", "销售额", "Sales Amount", "Net Sales"), "number"),
        Column("units", "Units", ("数量", "Quantity", "Qty"), "number"),
        Column("order_id", "Order ID", ("订单号", "Order", "Order Number", "订单编号")),
        *DIMENSION_COLUMNS,
        Column(
            "allocated", "Allocated %", ("分配比例", "贡献比例", "Allocated", "Share", "Split %"), "number"
        ),
    ),
    required=("date", "amount"),
    required_sheet=True,
)
TEAM = Sheet(
    "team",
    "Team",
    ("团队成员",),
    (
        Column("rep", "Rep", ("销售代表", "代表", "Sales Rep", "Salesperson", "Name", "姓名")),
        Column("email", "Email", ("邮箱", "E-mail", "电子邮件")),
        Column("team", "Team", ("团队",)),
        Column("region", "Region", ("区域", "大区")),
        Column("manager", "Manager", ("经理",)),
        Column("manager_email", "Manager Email", ("经理邮箱",)),
        Column("start_date", "Start Date", ("入职日期",)),
        Column("end_date", "End Date", ("离职日期",)),
    ),
    required=("rep",),
)
SEASONALITY = Sheet(
    "seasonality",
    "Seasonality",
    ("季节性",),
    (Column("month", "Month", ("月份",)), Column("weight", "Weight", ("权重",))),
    required=("month", "weight"),
)
HOLIDAYS = Sheet(
    "holidays",
    "Holidays",
    ("节假日",),
    (
        Column("date", "Date", ("日期",)),
        Column("name", "Name", ("名称",)),
        Column("type", "Type", ("类型",)),
    ),
    required=("date",),
)
PRODUCTS = Sheet(
    "products",
    "Products",
    ("产品", "产品目录"),
    (Column("product", "Product", ("产品",)), Column("group", "Group", ("产品组", "类别"))),
    required=("product", "group"),
)
CUSTOMERS = Sheet(
    "customers",
    "Customers",
    ("客户", "客户目录"),
    (Column("customer", "Customer", ("客户",)), Column("group", "Group", ("客户组", "客户类别"))),
    required=("customer", "group"),
)
SETTINGS = Sheet(
    "settings",
    "Settings",
    ("设置",),
    (Column("setting", "Setting", ("设置项",)), Column("value", "Value", ("值",))),
    required=("setting", "value"),
)

PIPELINE = Sheet(
    "pipeline",
    "Pipeline",
    ("销售漏斗", "商机"),
    (
        Column("opportunity", "Opportunity", ("商机", "机会", "Deal")),
        Column("rep", "Rep", ("销售代表", "代表", "Owner")),
        Column("stage", "Stage", ("阶段",)),
        Column("amount", "Amount", ("金额",)),
        Column("probability", "Probability", ("概率", "赢率")),
        Column("created", "Created", ("创建日期",)),
        Column("close_date", "Close Date", ("预计成交日期", "成交日期")),
        Column("status", "Status", ("状态",)),
        Column("source", "Source", ("来源",)),
    ),
    required=("amount", "close_date", "status"),
)
COSTS = Sheet(
    "costs",
    "Costs",
    ("成本", "费用"),
    (
        Column("period", "Period", ("期间",)),
        Column("team", "Team", ("团队",)),
        Column("region", "Region", ("区域", "大区")),
        Column("marketing_spend", "Marketing Spend", ("市场费用",)),
        Column("sales_spend", "Sales Spend", ("销售费用",)),
    ),
    required=("period",),
)
SURVEY = Sheet(
    "survey",
    "Survey",
    ("调查", "满意度调查"),
    (
        Column("date", "Date", ("日期",)),
        Column("customer", "Customer", ("客户",)),
        Column("rep", "Rep", ("销售代表", "代表")),
        Column("score", "Score", ("评分", "得分")),
        Column("scale", "Scale", ("量表", "类型")),
    ),
    required=("date", "score"),
)

ACTIONS = Sheet(
    "actions",
    "Actions",
    ("行动", "行动项", "Action Items"),
    (
        Column("action", "Action", ("行动", "行动项", "Action Item")),
        Column("owner", "Owner", ("负责人",)),
        Column("due", "Due", ("截止日期", "Due Date")),
        Column("status", "Status", ("状态",)),
        Column("done", "Done", ("完成日期", "Done Date")),
        Column("rep", "Rep", ("销售代表", "代表")),
        Column("team", "Team", ("团队",)),
    ),
    required=("action",),
)

INPUT_SHEETS: tuple[Sheet, ...] = (
    TARGETS,
    ACTUALS,
    TEAM,
    SEASONALITY,
    HOLIDAYS,
    SETTINGS,
    PIPELINE,
    COSTS,
    SURVEY,
    PRODUCTS,
    CUSTOMERS,
    ACTIONS,
)


# The ASCII characters Python's \\s matches, which RE2's \\s partly does not.
ASCII_SPACES = "[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def normalise(text: object) -> str:
    """Fold a header, sheet name or dimension value for case-insensitive matching."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def normalise_column(values: pd.Series) -> pd.Series:
    """`normalise` for a whole column, folding each distinct value once; blanks stay missing (None).

    ASCII text (nearly every Order ID) is folded by Arrow's string kernels, which agree with
    Python's on ASCII; any other text by `normalise` itself.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pa.array(pd.Series(uniques, dtype=object).map(str), type=pa.string())
    folded = pc.utf8_lower(pc.utf8_trim(pc.replace_substring_regex(text, ASCII_SPACES, " "), " "))
    result = np.asarray(folded.to_numpy(zero_copy_only=False), dtype=object)
    other = ~np.asarray(pc.string_is_ascii(text).to_numpy(zero_copy_only=False), dtype=bool)
    result[other] = [normalise(u) for u in uniques[other]]
    result = np.append(result, np.array([None], dtype=object))  # code -1 (blank) picks None
    return pd.Series(result[codes], index=values.index, dtype=object)


def find_sheets(sheet_names: Iterable[str], sheets: Sequence[Sheet] = INPUT_SHEETS) -> dict[str, str]:
    """Map each schema sheet key to the workbook's own name for it, where present."""
    by_name = {normalise(n): n for n in sheet_names}
    found: dict[str, str] = {}
    for sheet in sheets:
        for name in sheet.names:
            if normalise(name) in by_name:
                found[sheet.key] = by_name[normalise(name)]
                break
    return found


def ignored_sheets(
    sheet_names: Iterable[str], sheets: Sequence[Sheet] = INPUT_SHEETS
) -> list[tuple[str, str]]:
    """Sheets that another sheet of the same kind shadows ("目标" beside "Targets"), as
    (ignored sheet, the sheet read instead)."""
    names = list(sheet_names)
    found = find_sheets(names, sheets)
    by_key = {sheet.key: {normalise(n) for n in sheet.names} for sheet in sheets}
    return [
        (name, found[key])
        for name in names
        for key, aliases in by_key.items()
        if normalise(name) in aliases and key in found and name != found[key]
    ]


def header_lookup(sheet: Sheet, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalised header text -> column key, including aliases mapped in Settings."""
    lookup = {normalise(name): column.key for column in sheet.columns for name in column.names}
    for header, key in (extra or {}).items():
        if any(c.key == key for c in sheet.columns):
            lookup[normalise(header)] = key
    return lookup


def find_header(
    rows: Sequence[Sequence[object]], sheet: Sheet, extra: Mapping[str, str] | None = None
) -> tuple[int, dict[int, str]] | None:
    """Find the header row among the first rows: (row index, {column index: key})."""
    lookup = header_lookup(sheet, extra)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        for position, cell in enumerate(row):
            if _missing(cell):
                continue
            key = lookup.get(normalise(cell))
            if key is not None and key not in mapping.values():
                mapping[position] = key
        if all(key in mapping.values() for key in sheet.required):
            return index, mapping
    return None


def missing_columns(
    rows: Sequence[Sequence[object]], sheet: Sheet, extra: Mapping[str, str] | None = None
) -> list[str]:
    """The required columns that the likeliest header row (the one with the most of them) lacks."""
    lookup = header_lookup(sheet, extra)
    found = [
        {lookup.get(normalise(cell)) for cell in row if not _missing(cell)}
        for row in rows[:HEADER_SEARCH_ROWS]
    ]
    best = max(found, key=lambda keys: len(keys & set(sheet.required)), default=set())
    return [sheet.column(key).header for key in sheet.required if key not in best]


def _missing(cell: object) -> bool:
    """A blank cell; rows of text and None (the read-ahead's) are told without loading pandas."""
    if cell is None or isinstance(cell, str):
        return cell is None
    from pyxl.core.parsing import is_missing

    return is_missing(cell)


def column_name(header: str, language: str) -> str:
    """An input column's header (the English one) in the language."""
    column = next((c for s in INPUT_SHEETS for c in s.columns if c.header == header), None)
    return column.name_in(language) if column else header


def column_letter(index: int) -> str:
    """Excel column letters for a zero-based column index (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def level_and_name(targets: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Level ('Rep/Product', or 'Company') and Name ('Ann / Cardiolex', or 'All') per target."""
    import pandas as pd

    frame = targets[list(DIMENSIONS)]
    rows = frame.astype(object).where(frame.notna(), None).to_numpy()
    level = [
        "/".join(DIMENSION_HEADERS[d] for d, v in zip(DIMENSIONS, row, strict=True) if v is not None)
        for row in rows
    ]
    name = [" / ".join(str(v) for v in row if v is not None) for row in rows]
    return (
        pd.Series([v or "Company" for v in level], index=targets.index, dtype=object),
        pd.Series([v or "All" for v in name], index=targets.index, dtype=object),
    )
