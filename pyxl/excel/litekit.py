"""The two files a user pastes into the xlwings Lite editor: main.py and requirements.txt."""

from __future__ import annotations

from pathlib import Path

from pyxl import __version__
from pyxl.core.errors import BadArgument

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


def write_lite_kit(folder: Path, wheel_url: str | None = None) -> list[Path]:
    """Write main.py and requirements.txt into `folder` (made if missing). A wheel address must
    be https: Excel on the web downloads nothing else, and plain http would let anyone on the way
    swap the code the workbook runs."""
    if wheel_url is not None and not wheel_url.strip().casefold().startswith("https://"):
        raise BadArgument("wheel_url_not_https", url=wheel_url)
    folder.mkdir(parents=True, exist_ok=True)
    main, needs = folder / "main.py", folder / "requirements.txt"
    main.write_text(MAIN_PY, encoding="utf-8")
    needs.write_text(requirements(wheel_url), encoding="utf-8")
    return [main, needs]
