"""Every output sheet salestrack writes, described once, and what a workbook writer must do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pyxl.core.kpis import kpi_table
from pyxl.core.tracking import Tracking
from pyxl.views.dashboard import dashboard_sheet
from pyxl.views.history import HistoryUpdate
from pyxl.views.sheets import SheetSpec, definitions_sheet, kpis_sheet, quality_sheet, tracking_sheet

Progress = Callable[[str], None]


class WorkbookWriter(Protocol):
    """Where output sheets go: a workbook file (written losslessly) or the open workbook."""

    def sheet_owners(self) -> dict[str, bool]:
        """Each sheet now in the workbook, and whether salestrack wrote it."""
        ...

    def write_sheets(
        self, specs: list[SheetSpec], progress: Progress, history: HistoryUpdate | None = None
    ) -> None:
        """Put these sheets into the workbook, replacing salestrack's own sheets of the same name.
        With `history` (whose spec is among `specs`), its rows go into History beside the rows of
        every other as-of date already there, which are not written again."""
        ...


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
