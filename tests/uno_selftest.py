"""Run under LibreOffice's own Python (python3-uno): open a workbook, run one of its VBA macros.

Usage: python3 uno_selftest.py BOOK MACRO PROFILE_DIR
Prints the macro's return value. Started by tests/test_xlsm.py.
"""

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    book, macro, profile = Path(sys.argv[1]).resolve(), sys.argv[2], Path(sys.argv[3]).resolve()
    port = free_port()
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ]
    )
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext()
        )
        for _ in range(120):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
                )
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        # MacroExecutionMode 4: run the document's macros without asking.
        document = desktop.loadComponentFromURL(
            book.as_uri(), "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 4))
        )
        libraries = document.BasicLibraries
        print("libraries:", ",".join(libraries.getElementNames()), file=sys.stderr)
        script = document.getScriptProvider().getScript(
            f"vnd.sun.star.script:{macro}?language=Basic&location=document"
        )
        result = script.invoke((), (), ())[0]
        print(result)
        document.close(True)
        with contextlib.suppress(Exception):  # terminating races with LibreOffice's own shutdown
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
