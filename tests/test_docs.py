"""Keep the README honest: commands, settings, sheets and the CI command all match the code."""

import ast
import re
from pathlib import Path

from click.testing import CliRunner

from pyxl import schema
from pyxl.cli import main
from pyxl.settings import KEYS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CORE = {
    "schema",
    "parsing",
    "periods",
    "settings",
    "pacing",
    "figures",
    "matching",
    "rollups",
    "inputs",
    "tracking",
    "validation",
    "sheets",
    "i18n",
    "summaries",
    "cellfunctions",
    "kpis",
    "realism",
    "dashboard",
    "outputs",
}
ADAPTERS = {"filebook", "xlsxrender", "xlsxpackage", "pipeline", "demo", "mail", "chart", "livebook", "xlsm"}


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", README, re.S)


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one():
    commands = [b.strip() for b in bash_blocks()]
    demo = next(c for c in commands if "salestrack demo" in c)
    test = next(c for c in commands if "pytest" in c)
    assert "pip install ." in demo
    assert ".[test]" in test
    assert test in (ROOT / ".ci" / "run").read_text()


def test_every_command_is_documented_and_every_documented_command_exists():
    documented = set(re.findall(r"`salestrack (\w+)", README))
    assert documented == set(main.commands)
    for command in main.commands:
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0


def test_every_setting_and_sheet_is_documented():
    for names in KEYS.values():
        assert names[0] in README, names[0]
        assert names[1] in README or names[0].startswith("SMTP"), names[1]
    for sheet in schema.INPUT_SHEETS:
        assert f"{sheet.name} ({sheet.aliases[0]}" in README
        for column in sheet.columns:
            assert column.header in README, column.header


def imports_of(module: str) -> set[str]:
    tree = ast.parse((ROOT / "pyxl" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_imports_no_io_and_rings_point_inward():
    for module in CORE:
        imported = imports_of(module)
        for banned in ("openpyxl", "xlwings", "jinja2", "fastexcel", "lxml", "click", "zipfile"):
            assert not any(i == banned or i.startswith(banned + ".") for i in imported), (module, banned)
        own = {i.split(".")[1] for i in imported if i.startswith("pyxl.")}
        assert own <= CORE, (module, own - CORE)
    for module in ADAPTERS:
        own = {i.split(".")[1] for i in imports_of(module) if i.startswith("pyxl.")}
        assert own <= CORE | ADAPTERS, (module, own)


def test_readme_lists_every_module():
    modules = {p.stem for p in (ROOT / "pyxl").glob("*.py")} - {"__init__", "__main__"}
    for module in modules:
        assert f"`{module}`" in README, module
