"""Run under LibreOffice's Python (python3-uno): open a workbook and run one of its VBA macros.

Usage: python3 uno_selftest.py BOOK MACRO PROFILE_DIR
Prints the macro's return value, and the Basic libraries on stderr. Started by tests/test_xlsm.py.
"""

import sys
from pathlib import Path

from uno_office import office, prop


def main():
    book, macro, profile = Path(sys.argv[1]).resolve(), sys.argv[2], Path(sys.argv[3])
    with office(profile) as desktop:
        # MacroExecutionMode 4: run the document's macros without asking.
        document = desktop.loadComponentFromURL(
            book.as_uri(), "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 4))
        )
        print("libraries:", ",".join(document.BasicLibraries.getElementNames()), file=sys.stderr)
        script = document.getScriptProvider().getScript(
            f"vnd.sun.star.script:{macro}?language=Basic&location=document"
        )
        print(script.invoke((), (), ())[0])
        document.close(True)


if __name__ == "__main__":
    main()
