"""A realistic demo workbook: a pharma sales team with English and Chinese names."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

REPS = [  # name, email, team, region, manager, strength
    ("Li Wei 李伟", "li.wei@example.com", "East 华东", "China East", "Zhou Min 周敏", 1.12),
    ("Sarah Chen", "sarah.chen@example.com", "East 华东", "China East", "Zhou Min 周敏", 0.97),
    ("王芳", "wang.fang@example.com", "East 华东", "China East", "Zhou Min 周敏", 0.78),
    ("Zhang Tao 张涛", "", "East 华东", "China East", "Zhou Min 周敏", 1.02),
    ("David Liu", "david.liu@example.com", "North 华北", "China North", "Gao Yan 高燕", 0.90),
    ("陈静", "chen.jing@example.com", "North 华北", "China North", "Gao Yan 高燕", 1.20),
    ("Zhao Lei 赵磊", "zhao.lei@example.com", "North 华北", "China North", "Gao Yan 高燕", 0.84),
    ("Emily Wu", "emily.wu@example.com", "North 华北", "China North", "Gao Yan 高燕", 1.05),
]
MANAGER_EMAILS = {"Zhou Min 周敏": "zhou.min@example.com", "Gao Yan 高燕": "gao.yan@example.com"}
PRODUCTS = [
    ("Cardiolex 10mg", 86.0),
    ("Glucanor XR", 142.0),
    ("Respira Inhaler", 215.0),
    ("Neurozin 50mg", 64.0),
]
ACCOUNT_BASES = [
    ("Ruijin Hospital 瑞金医院", "Hospital"),
    ("Huashan Hospital 华山医院", "Hospital"),
    ("Peking Union 协和医院", "Hospital"),
    ("Tiantan Hospital 天坛医院", "Hospital"),
    ("Zhongshan Hospital 中山医院", "Hospital"),
    ("Yifeng Pharmacy 益丰大药房", "Pharmacy"),
    ("Laobaixing 老百姓大药房", "Pharmacy"),
    ("Dashenlin 大参林", "Pharmacy"),
    ("Community Clinic 社区诊所", "Clinic"),
    ("Family Clinic 家庭诊所", "Clinic"),
]
CUSTOMERS = [name for name, _ in ACCOUNT_BASES]
SEASONALITY = [0.9, 0.6, 1.1, 1.0, 1.0, 1.05, 0.95, 0.9, 1.05, 0.9, 1.15, 1.3]
# Mainland China public holidays (State Council schedules) for the demo years.
HOLIDAYS = {
    2025: [
        ("2025-01-01", "New Year 元旦"),
        *[(f"2025-01-{d}", "Spring Festival 春节") for d in (28, 29, 30, 31)],
        *[(f"2025-02-0{d}", "Spring Festival 春节") for d in (1, 2, 3, 4)],
        ("2025-04-04", "Qingming 清明"),
        *[(f"2025-05-0{d}", "Labour Day 劳动节") for d in range(1, 6)],
        ("2025-06-02", "Dragon Boat 端午"),
        *[(f"2025-10-0{d}", "National Day 国庆") for d in range(1, 9)],
    ],
    2026: [
        ("2026-01-01", "New Year 元旦"),
        *[(f"2026-02-{d}", "Spring Festival 春节") for d in range(16, 23)],
        ("2026-04-06", "Qingming 清明"),
        *[(f"2026-05-0{d}", "Labour Day 劳动节") for d in range(1, 6)],
        ("2026-06-19", "Dragon Boat 端午"),
        *[(f"2026-10-0{d}", "National Day 国庆") for d in range(1, 8)],
    ],
}
# Weekend days worked in exchange for longer holidays (调休), 2025 State Council schedule.
MAKEUP_DAYS = {
    2025: [
        ("2025-01-26", "Spring Festival make-up 春节补班"),
        ("2025-02-08", "Spring Festival make-up 春节补班"),
        ("2025-04-27", "Labour Day make-up 劳动节补班"),
        ("2025-09-28", "National Day make-up 国庆补班"),
        ("2025-10-11", "National Day make-up 国庆补班"),
    ],
}
# Therapeutic groups, two levels deep, for the Products sheet and a group target.
PRODUCT_GROUPS = [
    ("Cardiolex 10mg", "Cardiometabolic 心血管代谢"),
    ("Glucanor XR", "Cardiometabolic 心血管代谢"),
    ("Respira Inhaler", "Specialty 专科"),
    ("Neurozin 50mg", "Specialty 专科"),
    ("Cardiometabolic 心血管代谢", "Prescription 处方药"),
    ("Specialty 专科", "Prescription 处方药"),
]
AVERAGE_DAILY_REVENUE = 11_000.0


def _holidays(year: int) -> list[tuple[dt.date, str]]:
    listed = HOLIDAYS.get(year) or [
        (f"{year}-01-01", "New Year 元旦"),
        *[(f"{year}-05-0{d}", "Labour Day 劳动节") for d in (1, 2, 3)],
        *[(f"{year}-10-0{d}", "National Day 国庆") for d in range(1, 8)],
    ]
    return [(dt.date.fromisoformat(day), name) for day, name in listed]


def _accounts(rng: np.random.Generator, year: int) -> list[tuple[str, str, dt.date, dt.date]]:
    """Customers and when they buy: most throughout, some lost last spring, some won this year."""
    accounts = []
    for name, channel in ACCOUNT_BASES:
        for branch in range(1, 5):
            label = name if branch == 1 else f"{name} #{branch}"
            roll = rng.random()
            first, last = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
            if roll < 0.15:
                last = dt.date(year - 1, int(rng.integers(3, 7)), 1)
            elif roll < 0.3:
                first = dt.date(year, int(rng.integers(1, 10)), 1)
            accounts.append((label, channel, first, last))
    return accounts


# This year's sales run above last year's by this much (see `season` in write_demo).
GROWTH = 1 / 0.92
# One target set well above what history supports, on purpose: the Data Quality sheet flags it.
STRETCHED_REP, STRETCH = REPS[2][0], 1.45


@dataclass(frozen=True)
class Sale:
    day: dt.date
    rep: str
    product: str
    units: int
    amount: float


def _targets(
    last_year: list[Sale], year: int, as_of: dt.date, rng: np.random.Generator
) -> list[list[object]]:
    """Targets set as a manager sets them: last year's actuals for the same period, grown as the
    business grows, give or take a little."""
    revenue: defaultdict[tuple[str, int], float] = defaultdict(float)
    orders: defaultdict[tuple[str, int], int] = defaultdict(int)
    units: defaultdict[tuple[str, int], int] = defaultdict(int)
    groups = dict(PRODUCT_GROUPS)
    teams = {name: team for name, _, team, *_rest in REPS}
    for sale in last_year:
        quarter = (sale.day.month - 1) // 3 + 1
        revenue[sale.rep, sale.day.month] += sale.amount
        revenue[teams[sale.rep], quarter] += sale.amount
        revenue[groups[sale.product], quarter] += sale.amount
        revenue["", 0] += sale.amount
        orders[sale.rep, sale.day.month] += 1
        units[sale.product, quarter] += sale.units

    def grown(value: float, low: float = 0.92, high: float = 1.04) -> float:
        return value * GROWTH * float(rng.uniform(low, high))

    rows: list[list[object]] = []
    for name, *_rest in REPS:
        for month in range(1, 13):
            target = grown(revenue[name, month]) * (
                STRETCH if (name, month) == (STRETCHED_REP, as_of.month) else 1
            )
            rows.append([f"{year}-{month:02d}", "Revenue", name, None, None, round(target, -3), None])
    for name, *_rest in REPS:
        rows.append(
            [
                f"{year}-{as_of.month:02d}",
                "Orders",
                name,
                None,
                None,
                round(orders[name, as_of.month] * GROWTH),
                "workdays",
            ]
        )
    for product, _price in PRODUCTS:
        for q in range(1, 5):
            rows.append(
                [
                    f"{year}-Q{q}",
                    "Units",
                    None,
                    None,
                    product,
                    round(grown(units[product, q]), -2),
                    "seasonal",
                ]
            )
    quarter = (as_of.month - 1) // 3 + 1
    rows.append(
        [
            f"{year}-Q{quarter}",
            "Revenue",
            None,
            "East 华东",
            None,
            round(grown(revenue["East 华东", quarter]), -4),
            None,
        ]
    )
    group = "Cardiometabolic 心血管代谢"
    rows.append(
        [f"{year}-Q{quarter}", "Revenue", None, None, group, round(grown(revenue[group, quarter]), -4), None]
    )
    rows.append([str(year), "Revenue", None, None, None, round(revenue["", 0] * GROWTH, -5), "seasonal"])
    return rows


def write_demo(path: Path, as_of: dt.date | None = None, language: str = "en", seed: int = 2025) -> Path:
    """Write the demo workbook to `path` and return it."""
    as_of = as_of or dt.date.today()
    year = as_of.year
    rng = np.random.default_rng(seed)
    holidays = _holidays(year - 1) + _holidays(year)
    holiday_days = {day for day, _ in holidays}
    book = Workbook()
    sheet = book.active
    sheet.title = "Targets"
    sheet.append(["Period", "Metric", "Rep", "Team", "Product", "Target", "Pacing"])
    actuals = book.create_sheet("Actuals")
    actuals.append(
        ["Date", "Order ID", "Rep", "Customer", "Channel", "Product", "Units", "Amount", "Allocated %"]
    )
    order = 10_000
    accounts = _accounts(rng, year)
    last_year: list[Sale] = []
    day = dt.date(year - 1, 1, 1)
    while day <= as_of:
        if day.weekday() < 5 and day not in holiday_days:
            season = SEASONALITY[day.month - 1] * (0.92 if day.year < year else 1.0)
            active = [a for a in accounts if a[2] <= day <= a[3]]
            for name, *_rest, strength in REPS:
                for _ in range(rng.poisson(3 * strength * season)):
                    order += 1
                    product, price = PRODUCTS[rng.integers(len(PRODUCTS))]
                    customer, channel, *_years = active[int(rng.integers(len(active)))]
                    units = int(rng.integers(5, 60))
                    amount = round(units * price * rng.uniform(0.9, 1.05), 2)
                    actuals.append([day, f"SO{order}", name, customer, channel, product, units, amount])
                    if day.year < year:
                        last_year.append(Sale(day, name, product, units, amount))
        day += dt.timedelta(days=1)
    for row in _targets(last_year, year, as_of, rng):
        sheet.append(row)
    for cell in actuals["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    # A few cells as people really type them, so the Data Quality sheet has something to say.
    rows = actuals.max_row
    actuals.cell(min(rows, 40), 8).value = "¥12,300.00"
    actuals.cell(min(rows, 41), 1).value = f"{year}/1/9"
    actuals.append([as_of, "SO-CHECK", REPS[0][0], CUSTOMERS[0], "Hospital", PRODUCTS[0][0], 3, "n/a"])
    # A hospital tender won by two reps together: one line each, with their shares.
    for rep, share in ((REPS[0][0], "60%"), (REPS[1][0], "40%")):
        actuals.append([as_of, "SO-SHARED", rep, CUSTOMERS[1], "Hospital", PRODUCTS[1][0], 40, 5680.0, share])
        actuals.cell(actuals.max_row, 1).number_format = "yyyy-mm-dd"

    team = book.create_sheet("Team")
    team.append(["Rep", "Email", "Team", "Region", "Manager", "Manager Email", "Start Date", "End Date"])
    for name, email, team_name, region, manager, _ in REPS:
        team.append(
            [
                name,
                email or None,
                team_name,
                region,
                manager,
                MANAGER_EMAILS[manager],
                dt.date(year - 2, 3, 1),
                None,
            ]
        )

    seasonality = book.create_sheet("Seasonality")
    seasonality.append(["Month", "Weight"])
    for month_name, weight in zip(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        SEASONALITY,
        strict=True,
    ):
        seasonality.append([month_name, weight])

    holiday_sheet = book.create_sheet("Holidays")
    holiday_sheet.append(["Date", "Name", "Type"])
    makeup = [
        (dt.date.fromisoformat(day), name) for y in (year - 1, year) for day, name in MAKEUP_DAYS.get(y, [])
    ]
    for rows, kind in ((holidays, "holiday"), (makeup, "workday")):
        for day, name in rows:
            holiday_sheet.append([day, name, kind])
            holiday_sheet.cell(holiday_sheet.max_row, 1).number_format = "yyyy-mm-dd"
    products = book.create_sheet("Products")
    products.append(["Product", "Group"])
    for member, group in PRODUCT_GROUPS:
        products.append([member, group])

    _pipeline_sheet(book.create_sheet("Pipeline"), rng, year, as_of)
    costs = book.create_sheet("Costs")
    costs.append(["Period", "Team", "Marketing Spend", "Sales Spend"])
    for month in range(1, as_of.month + 1):
        for team_name in ("East 华东", "North 华北"):
            costs.append(
                [
                    f"{year}-{month:02d}",
                    team_name,
                    round(float(rng.uniform(18_000, 30_000)), -2),
                    round(float(rng.uniform(40_000, 55_000)), -2),
                ]
            )
    survey = book.create_sheet("Survey")
    survey.append(["Date", "Customer", "Rep", "Score", "Scale"])
    for _ in range(120):
        day = dt.date(year, 1, 1) + dt.timedelta(
            days=int(rng.integers(0, (as_of - dt.date(year, 1, 1)).days + 1))
        )
        name, *_rest, strength = REPS[int(rng.integers(len(REPS)))]
        if rng.random() < 0.5:
            score, scale = int(np.clip(rng.normal(3.6 + strength, 0.8), 1, 5)), "CSAT"
        else:
            score, scale = int(np.clip(rng.normal(6.5 + 2 * strength, 1.8), 0, 10)), "NPS"
        survey.append([day, CUSTOMERS[int(rng.integers(len(CUSTOMERS)))], name, score, scale])
        survey.cell(survey.max_row, 1).number_format = "yyyy-mm-dd"

    settings = book.create_sheet("Settings")
    settings.append(["Setting", "Value"])
    for key, value in [
        ("As Of", as_of),
        ("Fiscal Year Start Month", 1),
        ("Pacing", "workdays"),
        ("Weekend", "Sat,Sun"),
        ("Ahead Threshold", 1.05),
        ("On Track Threshold", 0.95),
        ("Behind Threshold", 0.85),
        ("Currency", "¥"),
        ("Language", language),
        ("Date Order", "YMD"),
        ("SMTP Host", "localhost"),
        ("SMTP Port", 587),
        ("SMTP Security", "starttls"),
        ("Email From", "sales-ops@example.com"),
    ]:
        settings.append([key, value])
    settings["B2"].number_format = "yyyy-mm-dd"

    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 40)
    path = Path(path)
    book.save(path)
    return path


STAGES = ["Qualified", "Proposal", "Negotiation"]
SOURCES = ["Referral", "Conference", "Detailing visit", "Tender"]


def _pipeline_sheet(sheet, rng: np.random.Generator, year: int, as_of: dt.date) -> None:
    """Deals over the year: closed ones won or lost, open ones closing in the weeks ahead."""
    sheet.append(
        ["Opportunity", "Rep", "Stage", "Amount", "Probability", "Created", "Close Date", "Status", "Source"]
    )
    number = 0
    for name, *_rest, strength in REPS:
        for _ in range(int(rng.integers(10, 16))):
            number += 1
            created = dt.date(year, 1, 1) + dt.timedelta(
                days=int(rng.integers(0, (as_of - dt.date(year, 1, 1)).days))
            )
            close = created + dt.timedelta(days=int(rng.integers(20, 120)))
            if close <= as_of:
                status = "won" if rng.random() < 0.35 + 0.25 * strength else "lost"
                stage, probability = ("Closed", 1.0 if status == "won" else 0.0)
            else:
                status, stage = "open", STAGES[int(rng.integers(len(STAGES)))]
                probability = {"Qualified": 0.2, "Proposal": 0.5, "Negotiation": 0.75}[stage]
            sheet.append(
                [
                    f"OPP-{number:04d}",
                    name,
                    stage,
                    round(float(rng.uniform(20_000, 180_000)), -3),
                    probability,
                    created,
                    close,
                    status,
                    SOURCES[int(rng.integers(len(SOURCES)))],
                ]
            )
            for column in (6, 7):
                sheet.cell(sheet.max_row, column).number_format = "yyyy-mm-dd"
