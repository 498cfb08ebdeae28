"""Run under LibreOffice's Python (python3-uno): write an .xlsx whose second sheet is a pivot table.

Usage: python3 uno_pivot.py OUT.xlsx PROFILE_DIR
The contract's Targets and Actuals sheets come first, so salestrack can refresh the result.
"""

import sys
from pathlib import Path

import uno  # noqa: F401  (importing uno is what makes com.sun.star importable)
from com.sun.star.sheet.DataPilotFieldOrientation import DATA, ROW
from com.sun.star.sheet.GeneralFunction import SUM
from com.sun.star.table import CellAddress, CellRangeAddress
from uno_office import office, prop


def main():
    out, profile = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    with office(profile) as desktop:
        document = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
        sheets = document.Sheets
        sheets.getByIndex(0).Name = "Targets"
        sheets.insertNewByName("Actuals", 1)
        sheets.insertNewByName("Pivot", 2)
        targets, actuals = sheets.getByName("Targets"), sheets.getByName("Actuals")
        targets.getCellRangeByName("A1:C2").setDataArray(
            (("Period", "Rep", "Target"), ("2025-05", "Ann", 1000))
        )
        rows = [
            ("Date", "Rep", "Amount"),
            ("2025-05-02", "Ann", 300),
            ("2025-05-03", "Bob", 200),
            ("2025-05-04", "Ann", 100),
        ]
        actuals.getCellRangeByName("A1:C4").setDataArray(tuple(rows))
        source = CellRangeAddress()
        source.Sheet, source.StartColumn, source.StartRow, source.EndColumn, source.EndRow = 1, 0, 0, 2, 3
        tables = sheets.getByName("Pivot").getDataPilotTables()
        descriptor = tables.createDataPilotDescriptor()
        descriptor.setSourceRange(source)
        fields = descriptor.getDataPilotFields()
        fields.getByIndex(1).Orientation = ROW
        amount = fields.getByIndex(2)
        amount.Orientation = DATA
        amount.Function = SUM
        target = CellAddress()
        target.Sheet, target.Column, target.Row = 2, 0, 0
        tables.insertNewByName("SalesByRep", target, descriptor)
        document.storeToURL(out.as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        document.close(True)


if __name__ == "__main__":
    main()
