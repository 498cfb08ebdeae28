"""An empty workbook to start from: every input sheet, headers in the user's language, one
example row each, and a short how-to. `salestrack new BOOK` writes it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pyxl.core import schema
from pyxl.core.examples import example_value
from pyxl.core.schema import name_in
from pyxl.core.settings import Settings
from pyxl.views import i18n
from pyxl.views.sheets import HEADER_FILL, HEADER_FONT, display_width, wrapped_lines

DATE_FORMAT = "yyyy-mm-dd"
HOW_TO_WIDTH = 80
ROW_HEIGHT = 15


def _examples(today: dt.date, language: str) -> dict[str, list[list[object]]]:
    """One row per sheet (a year of months where one row would not make sense), in sheet-key order."""
    zh = language == "zh"
    month = today.strftime("%Y-%m")
    rep, team, region = ("李伟", "华东", "华东大区") if zh else ("Ann Lee", "East", "East Region")
    product, customer = ("产品A", "瑞金医院") if zh else ("Product A", "Acme Hospital")
    manager = "周敏" if zh else "Maria Park"
    return {
        "targets": [[month, "销售额" if zh else "Revenue", 100000, rep]],
        "actuals": [[today, 12500, 10, "SO-0001", rep, team, region, product, customer, None, None]],
        "team": [[rep, "ann.lee@example.com", team, region, manager, "maria.park@example.com", None, None]],
        "seasonality": [[m, 1] for m in range(1, 13)],
        "holidays": [[dt.date(today.year, 1, 1), "元旦" if zh else "New Year's Day", None]],
        "pipeline": [
            [
                "OPP-001",
                rep,
                "方案" if zh else "Proposal",
                50000,
                0.5,
                today,
                today + dt.timedelta(days=30),
                "进行中" if zh else "Open",
                None,
            ]
        ],
        "costs": [[month, team, None, 8000, 12000]],
        "survey": [[today, customer, rep, 5, "CSAT"]],
        "products": [[product, "心血管" if zh else "Cardiology"]],
        "customers": [[customer, "医院" if zh else "Hospitals"]],
        "actions": [
            [
                example_value("actions", "action", language),
                manager,
                today + dt.timedelta(days=14),
                "未完成" if zh else "Open",
                None,
                rep,
                team,
            ]
        ],
    }


def _settings_rows(language: str) -> list[list[object]]:
    """Every setting with its default (As Of left blank: today), and what it is for."""
    defaults = Settings(language=language, currency="¥" if language == "zh" else "$")
    rows: list[list[object]] = []
    for item in dataclasses.fields(Settings):
        names = item.metadata.get("names")
        if not names:
            continue
        value = getattr(defaults, item.name)
        if item.name == "weekend":
            value = "Sat,Sun"
        elif value is None or value == "":
            value = None
        elif isinstance(value, float) and item.name.endswith(("margin", "above", "below")):
            value = f"{value:.0%}"
        rows.append([name_in(names, language), value, i18n.text(f"setting_help_{item.name}", language)])
    return rows


def write_starter(path: Path, language: str = "en", today: dt.date | None = None) -> Path:
    """Write the starter workbook to `path` (which must not exist yet)."""
    today = today or dt.date.today()
    book = Workbook()
    how_to = book.active
    how_to.title = i18n.text("starter_how_to_sheet", language)
    how_to.append([i18n.text("starter_title", language)])
    how_to["A1"].font = Font(bold=True, size=14)
    for step in range(1, 8):
        text = i18n.text(f"starter_step_{step}", language)
        how_to.append([text])
        how_to.cell(how_to.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        # Not every reader grows a row for wrapped text by itself.
        how_to.row_dimensions[how_to.max_row].height = ROW_HEIGHT * wrapped_lines(text, HOW_TO_WIDTH)
    how_to.column_dimensions["A"].width = HOW_TO_WIDTH
    how_to.page_setup.orientation = "landscape"
    how_to.page_setup.fitToWidth, how_to.page_setup.fitToHeight = 1, 0
    how_to.sheet_properties.pageSetUpPr.fitToPage = True

    examples = _examples(today, language)
    header_font, header_fill = (
        Font(bold=True, color=HEADER_FONT),
        PatternFill("solid", start_color=HEADER_FILL),
    )
    for sheet in (*schema.INPUT_SHEETS[:5], *schema.INPUT_SHEETS[6:], schema.SETTINGS):
        ws = book.create_sheet(name_in(sheet.names, language))
        headers = [name_in(column.names, language) for column in sheet.columns]
        rows = examples.get(sheet.key) if sheet.key != "settings" else _settings_rows(language)
        if sheet.key == "settings":
            headers.append(i18n.text("starter_setting_help", language))
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
        for row in rows or []:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
        ws.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            values = [header, *(str(row[index - 1] or "") for row in rows or [] if index <= len(row))]
            width = max(display_width(value) for value in values) + 3
            ws.column_dimensions[get_column_letter(index)].width = min(max(width, 10), 60)
    path = Path(path)
    book.save(path)
    return path
