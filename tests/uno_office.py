"""A headless LibreOffice to script through UNO; imported by the uno_*.py scripts, which run under
LibreOffice's own Python (python3-uno), not the project's."""

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


@contextlib.contextmanager
def office(profile: Path):
    """The Desktop of a LibreOffice started for this script alone, stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ]
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
                )
                break
            except Exception:  # not listening yet
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        yield desktop
        with contextlib.suppress(Exception):  # terminating races with LibreOffice's own shutdown
            desktop.terminate()
    finally:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
