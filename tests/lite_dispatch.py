"""Run xlwings Lite's main.py through xlwings' own server dispatcher, as Lite runs it in Excel.

    python lite_dispatch.py MAIN_DIR script NAME BOOK_JSON   prints the book's JSON after the script
    python lite_dispatch.py MAIN_DIR functions CALLS_JSON     prints each call's result

fastexcel and css_inline are blocked first, as Pyodide has neither. Started by tests/test_lite.py
in a process of its own: xlwings picks its server decorators when it is first imported.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from pathlib import Path

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # this test process only
# SALESTRACK_BLOCKED names more (a bundled main.py must run without openpyxl, lxml or keyring).
more = [name for name in os.environ.get("SALESTRACK_BLOCKED", "").split(",") if name]
for blocked in ("fastexcel", "css_inline", *more):
    sys.modules[blocked] = None  # type: ignore[assignment]  # import fails, as in Pyodide

import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402


def load_main(folder: Path):
    spec = importlib.util.spec_from_file_location("main", folder / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    module = load_main(folder)
    if mode == "script":
        name, book_json = sys.argv[3], Path(sys.argv[4])
        book = xw.Book(json=json.loads(book_json.read_text(encoding="utf-8")))
        asyncio.run(server.custom_scripts_call(module, name, typehint_to_value={xw.Book: book}))
        print(json.dumps(book.json()))
    elif mode == "functions":
        calls = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
        results = [asyncio.run(server.custom_functions_call(call, module)) for call in calls]
        print(json.dumps(results, default=str))
    elif mode == "meta":
        print(
            json.dumps(
                {
                    "scripts": server.custom_scripts_meta(module),
                    "functions": server.custom_functions_meta(module),
                    "pyxl": sys.modules["pyxl"].__file__,
                },
                default=str,
            )
        )


if __name__ == "__main__":
    main()
