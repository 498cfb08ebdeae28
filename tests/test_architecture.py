"""The rings stay rings: import-linter's contracts and the type checker, run as tests so CI runs them."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; pip install -e '.[test]'")
    return found


def test_import_contracts_are_kept():
    done = subprocess.run([tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_type_checker_passes():
    done = subprocess.run([tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_a_broken_ring_is_caught(tmp_path):
    """The contract is not vacuous: a core module that imports openpyxl, even as
    `from pyxl import x` or inside a function, breaks it."""
    shutil.copytree(ROOT / "pyxl", tmp_path / "pyxl")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "pyxl" / "core" / "leak.py").write_text(
        textwrap.dedent(
            """
            def load():
                from pyxl.adapters import filebook
                import openpyxl
                return filebook, openpyxl
            """
        )
    )
    done = subprocess.run(
        [tool("lint-imports")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode != 0
    assert "pyxl.core.leak" in done.stdout and "openpyxl" in done.stdout


BLOCKED = ("fastexcel", "openpyxl", "lxml", "css_inline", "xlsxwriter")


def test_pipeline_and_live_adapter_import_without_the_file_libraries():
    """What runs inside Excel (xlwings Lite) has no fastexcel, openpyxl, lxml or css-inline."""
    blocker = "; ".join(f"sys.modules[{name!r}] = None" for name in BLOCKED)
    modules = "pyxl.pipeline, pyxl.adapters.livebook, pyxl.udfs, pyxl.ribbon, pyxl.lite"
    code = f"import sys; {blocker}; import {modules}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_package_is_installed_by_pip_install():
    """A package missing from pyproject.toml's list works in a checkout and fails once installed."""
    import tomllib

    root = Path(__file__).parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(root).parts) for init in (root / "pyxl").rglob("__init__.py")}
    assert found <= listed
