"""Every output sheet salestrack writes, described once for both workbook adapters."""

from __future__ import annotations

from pyxl.dashboard import dashboard_sheet
from pyxl.kpis import kpi_table
from pyxl.sheets import SheetSpec, definitions_sheet, kpis_sheet, quality_sheet, tracking_sheet
from pyxl.tracking import Tracking


def output_sheets(tracking: Tracking) -> list[SheetSpec]:
    """Tracking, Data Quality, KPIs, Dashboard and Definitions, in that order."""
    kpis = kpi_table(tracking)
    return [
        tracking_sheet(tracking),
        quality_sheet(tracking),
        kpis_sheet(tracking, kpis),
        dashboard_sheet(tracking, kpis),
        definitions_sheet(tracking.settings.language),
    ]
