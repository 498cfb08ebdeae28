"""Keep the README honest: commands, settings, sheets and the CI command all match the code."""

import re
from pathlib import Path

from click.testing import CliRunner

from pyxl.cli import main
from pyxl.core import schema
from pyxl.core.settings import KEYS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_every_document_is_linked_and_every_link_leads_somewhere():
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", README))
    written = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert linked == written
    for page in written:
        text = (ROOT / page).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(((?!https?:)[^)#]+)", text):
            assert (ROOT / "docs" / target).exists(), (page, target)


def test_every_benchmark_is_described_where_its_figures_are():
    described = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for script in (ROOT / "benchmarks").glob("*.py"):
        assert f"benchmarks/{script.name}" in described, script.name


def test_the_internals_document_lists_every_module():
    internals = (ROOT / "pyxl" / "README.md").read_text(encoding="utf-8")
    modules = {p.stem for p in (ROOT / "pyxl").rglob("*.py")} - {"__init__", "__main__"}
    for module in modules:
        assert f"`{module}`" in internals, module
