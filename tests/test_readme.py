"""The README's examples are real: every tool has one, and each runs against the sandbox."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from helpers import REPO_ROOT
from sim_intercom.cli import main
from sim_intercom.manifest import default_catalog

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = [
    shlex.split(line)[1:]
    for line in re.findall(r"^sim-intercom run .*$", README, flags=re.MULTILINE)
]


def test_the_readme_has_an_example_for_each_tool(plugin_manager):
    """Each tool of Sim's block (the default set); every other tool's catalog example is
    run by tests/test_catalog_contract.py."""
    default = set(default_catalog().toolset_tools("default"))
    assert {args[1] for args in EXAMPLES} == default


@pytest.mark.parametrize("args", EXAMPLES, ids=[args[1] for args in EXAMPLES])
def test_each_readme_example_succeeds_against_the_sandbox(args, capsys):
    code = main(args)
    result = json.loads(capsys.readouterr().out)
    assert result["success"], result["error"]
    assert code == 0


def test_the_readme_states_both_commands():
    assert ".venv/bin/pip install . && .venv/bin/sim-intercom demo" in README
    assert ".venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest" in README
    assert ".venv/bin/python -m pytest" in (REPO_ROOT / ".ci" / "run").read_text()


def _layout_modules() -> set[str]:
    """The modules named in the README's layout table of the package, with their folders:
    in a cell like `sandbox/a.py`, `b.py`, the later names share the first one's folder."""
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set()
    for row in re.findall(r"^\| (`[^|]+) \|", section, flags=re.MULTILINE):
        names = re.findall(r"`([^`]+\.py)`", row)
        folder = names[0].rpartition("/")[0] if names else ""
        named |= {name if "/" in name or not folder else f"{folder}/{name}" for name in names}
    return {name for name in named if not name.startswith(("benchmarks/", "tests/"))}


def test_the_readme_layout_names_every_module_of_the_package():
    package = REPO_ROOT / "plugin" / "sim_intercom"
    modules = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "_version.py"
    }
    assert modules == _layout_modules()
