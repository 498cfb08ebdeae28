"""salestrack in xlwings Lite: Excel on the web, Windows and macOS, with Python inside Excel.

The `main.py` that `salestrack lite DIR` writes imports everything here: four scripts (the
buttons) and the cell functions. The scripts are the ribbon's, on the book Lite hands them; the
cell functions are the desktop ones, taking only ranges (Lite has no calling workbook to read).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import xlwings as xw

from pyxl import pipeline, ribbon, udfs
from pyxl.adapters.livebook import LiveWorkbook
from pyxl.core import schema
from pyxl.views import i18n
from pyxl.views.sheets import HISTORY_SHEET, settle_names

# Lite sends the sheets a script names to Python as JSON: only the inputs, every name they go by;
# Refresh also History, whose rows it appends to (the older ones must be there to be kept).
INPUT_SHEETS = sorted({name for sheet in schema.INPUT_SHEETS for name in sheet.names})
WITH_HISTORY = sorted({*INPUT_SHEETS, *i18n.sheet_names_of(HISTORY_SHEET)})
# The desktop cell functions that read their own workbook (TRACK, TRACKING) have no Lite
# counterpart: in Lite the Tracking sheet holds those figures. FORECAST_RANGE takes that sheet's
# table as an argument there.
WORKBOOK_READERS = ("TRACK", "TRACKING")


@xw.script(include=WITH_HISTORY)
def refresh(book: xw.Book) -> None:
    """Refresh: writes the Tracking, Data Quality, KPIs, Dashboard and Definitions sheets."""
    ribbon.refresh(book)


@xw.script(include=INPUT_SHEETS)
def validate(book: xw.Book) -> None:
    """Validate: refreshes and lists the data problems (sheet, row, column) in a message."""
    ribbon.validate(book)


@xw.script(include=INPUT_SHEETS)
def preview_emails(book: xw.Book) -> None:
    """Preview emails: each rep's and manager's summary on the Email Preview sheet."""
    with ribbon.shown_to_user(book):
        live = LiveWorkbook(book)
        tracking = pipeline.track_workbook(live)
        [sheet] = settle_names([pipeline.email_preview(tracking, book.name)], live.sheet_owners())
        live.write_sheets([sheet], ribbon.status(book))
        message = i18n.text(
            "previews_shown", tracking.settings.language, count=len(sheet.rows), sheet=sheet.name
        )
        ribbon.tell(book, message)


@xw.script(include=WITH_HISTORY)
def meeting(book: xw.Book) -> None:
    """Meeting: the sales meeting pack as a printable Meeting sheet (会议)."""
    ribbon.meeting_sheet(book)


def _ranges_only(desktop: Callable[..., Any]) -> Callable[..., Any]:
    """A desktop cell function as a Lite one: the same name, help and results, every argument a
    range (or a value), and no `caller`."""
    parameters = [p for p in inspect.signature(desktop).parameters.values() if p.name != "caller"]

    def cell(*arguments):  # no hints: xlwings would take them for converters
        return desktop(*arguments)

    cell.__name__ = cell.__qualname__ = desktop.__name__
    cell.__doc__ = desktop.__doc__
    cell.__module__ = __name__
    cell.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    for parameter in parameters:
        cell = xw.arg(parameter.name, ndim=2)(cell)
    return xw.func(cell)


CELL_FUNCTIONS = {
    name: _ranges_only(function)
    for name, function in vars(udfs).items()
    if name.isupper() and inspect.isfunction(function) and name not in WORKBOOK_READERS
}
globals().update(CELL_FUNCTIONS)

__all__ = ["refresh", "validate", "preview_emails", "meeting", *CELL_FUNCTIONS]
