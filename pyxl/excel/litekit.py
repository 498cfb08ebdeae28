"""The two files a user pastes into the xlwings Lite editor: main.py and requirements.txt."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

from pyxl import __version__
from pyxl.core.errors import BadArgument

PACKAGE = Path(__file__).resolve().parent.parent
# What Excel on the web never runs: the command line, the Excel file builder, and the adapters
# for files, mail, packs and databases (each needs a library Pyodide lacks or a disk it has not).
LEFT_OUT = (
    "cli.py",
    "__main__.py",
    "excel/",
    "adapters/filebook.py",
    "adapters/xlsxpackage.py",
    "adapters/xlsxrender.py",
    "adapters/xlsxguard.py",
    "adapters/readahead.py",
    "adapters/actualscache.py",
    "adapters/historypart.py",
    "adapters/mail.py",
    "adapters/passwords.py",
    "adapters/pack.py",
    "adapters/actuals.py",
    "adapters/pushdown.py",
)
# Only packages Pyodide builds itself: a bundled workbook needs no package index.
BUNDLE_REQUIREMENTS = ("pandas", "numpy", "pyarrow", "jinja2")

MAIN_PY = '''"""salestrack for xlwings Lite: paste this into the main.py tab of the xlwings Lite editor.

Scripts (buttons): refresh, validate, preview_emails.
Cell functions: =ATTAINMENT(B2, C2), =PACE(B2, C2, D2, E2), =STATUS(...), =CAC(...) and the rest.
"""

from pyxl.lite import *  # noqa: F403
'''

WHEEL_HELP = """\
# salestrack is not on PyPI: build its wheel (pip wheel --no-deps . -w dist), put it at an https
# address Excel may download from (one that allows cross-origin requests), and replace the next
# line with that address, e.g. https://example.com/wheels/salestrack-{version}-py3-none-any.whl
"""


def requirements(wheel_url: str | None) -> str:
    """requirements.txt: salestrack's wheel, which brings what Pyodide does not build itself."""
    lines = [
        "# salestrack for xlwings Lite: paste this into the requirements.txt tab of the editor.",
        "# pandas, numpy, pyarrow, duckdb, lxml, pillow and jinja2 come from Pyodide itself, and",
        "# xlwings from xlwings Lite: none of them is pinned here.",
    ]
    if wheel_url:
        return "\n".join([*lines, wheel_url]) + "\n"
    return (
        "\n".join([*lines, WHEEL_HELP.format(version=__version__).rstrip(), f"salestrack=={__version__}"])
        + "\n"
    )


BUNDLED_MAIN_PY = '''"""salestrack {version} for xlwings Lite, its code inside; paste it into the main.py tab.

Scripts (buttons): refresh, validate, preview_emails, meeting.
Cell functions: =ATTAINMENT(B2, C2), =PACE(B2, C2, D2, E2), =STATUS(...), =CAC(...) and the rest.
No package index is needed: requirements.txt names only packages Pyodide itself provides.
"""

import base64
import importlib.abc
import os
import sys
import tempfile
import zipimport

BUNDLE = """{bundle}"""
ARCHIVE = os.path.join(tempfile.gettempdir(), "salestrack-{digest}.zip")


class _Bundled(importlib.abc.MetaPathFinder):
    """pyxl from the archive above, whatever else is installed."""

    def find_spec(self, name, path=None, target=None):
        if name != "pyxl" and not name.startswith("pyxl."):
            return None
        return zipimport.zipimporter(path[0] if path else ARCHIVE).find_spec(name)


if not os.path.exists(ARCHIVE):
    with open(ARCHIVE, "wb") as archive:
        archive.write(base64.b64decode(BUNDLE))
sys.meta_path.insert(0, _Bundled())

from pyxl.lite import *  # noqa: E402,F403
'''


def bundle() -> bytes:
    """salestrack's code for Excel on the web as a zip: the pyxl package less LEFT_OUT, and the
    email templates; sorted and dated 1980, so the same code gives the same bytes."""
    buffer = io.BytesIO()
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    templates = importlib_templates()
    entries = [
        (f"pyxl/{inside}", path)
        for path in files
        if path.suffix in (".py", ".typed")
        and not (inside := path.relative_to(PACKAGE).as_posix()).startswith(LEFT_OUT)
    ]
    entries += [
        (f"pyxl/templates/{path.relative_to(templates).as_posix()}", path)
        for path in sorted(p for p in templates.rglob("*") if p.is_file())
    ]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def importlib_templates() -> Path:
    """Where the email templates are: inside the installed package, or templates/ in a checkout."""
    installed = PACKAGE / "templates"
    return installed if installed.is_dir() else PACKAGE.parent / "templates"


def bundled_main() -> str:
    """A main.py carrying salestrack's code (base64 of `bundle()`)."""
    data = bundle()
    return BUNDLED_MAIN_PY.format(
        version=__version__,
        bundle=base64.b64encode(data).decode("ascii"),
        digest=hashlib.sha256(data).hexdigest()[:16],
    )


def write_lite_kit(folder: Path, wheel_url: str | None = None, bundled: bool = False) -> list[Path]:
    """Write main.py and requirements.txt into `folder` (made if missing). A wheel address must
    be https: Excel on the web downloads nothing else, and plain http would let anyone on the way
    swap the code the workbook runs. `bundled`: main.py carries salestrack's code itself."""
    if wheel_url is not None and not wheel_url.strip().casefold().startswith("https://"):
        raise BadArgument("wheel_url_not_https", url=wheel_url)
    folder.mkdir(parents=True, exist_ok=True)
    main, needs = folder / "main.py", folder / "requirements.txt"
    if bundled:
        main.write_text(bundled_main(), encoding="utf-8")
        lines = [
            "# salestrack for xlwings Lite, its code inside main.py: only Pyodide's own packages here.",
            *BUNDLE_REQUIREMENTS,
        ]
        needs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        main.write_text(MAIN_PY, encoding="utf-8")
        needs.write_text(requirements(wheel_url), encoding="utf-8")
    return [main, needs]
