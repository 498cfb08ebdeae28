"""Real xlwings Book objects without Excel, on xlwings' JSON-backed engine.

That engine belongs to xlwings PRO (free for noncommercial use), so only tests use it, with the
licence key set in the test process alone; product code never does.
"""

from __future__ import annotations

import datetime as dt

from conftest import unavailable

EXCEL_EPOCH = dt.date(1899, 12, 30)


def _cell(value):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value - EXCEL_EPOCH).days
    return value


def json_book(monkeypatch, sheets: dict[str, list[list[object]]], name: str = "Team.xlsm"):
    """An xw.Book holding `sheets`, as Excel would send them (dates as serial numbers)."""
    import xlwings as xw

    try:
        return xw.Book(json=book_data(sheets, name))
    except Exception as refused:  # the engine needs a licence key it may refuse
        unavailable(f"xlwings' JSON engine refused to start: {refused}")


def book_data(sheets: dict[str, list[list[object]]], name: str = "Team.xlsm") -> dict:
    """What Excel sends a script for `sheets`: the JSON behind a Book."""
    import xlwings as xw

    width = {n: max((len(r) for r in rows), default=0) for n, rows in sheets.items()}
    return {
        "client": "Microsoft Office Scripts",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {
                "name": n,
                "values": [[_cell(v) for v in r] + [None] * (width[n] - len(r)) for r in rows],
                "pictures": [],
                "tables": [],
            }
            for n, rows in sheets.items()
        ],
    }


def actions(book, func=None):
    found = book.json()["actions"]
    return [a for a in found if func is None or a["func"] == func]


def refresh_live(book, as_of=None):
    """A refresh of the open workbook, as the ribbon's Refresh button runs it."""
    from pyxl import pipeline
    from pyxl.adapters.livebook import LiveWorkbook

    live = LiveWorkbook(book)
    return pipeline.refresh(live, live, as_of)
