"""The README and the documentation are real: every example runs, and where they show a
program's output, the program gives that output."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import pytest

from helpers import REPO_ROOT
from sim_intercom.cli import main

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DOCS = REPO_ROOT / "docs"
TOOLS_PAGE = (DOCS / "tools.md").read_text(encoding="utf-8")
EXAMPLES = [
    shlex.split(line)[1:]
    for line in re.findall(r"^sim-intercom run .*$", TOOLS_PAGE, flags=re.MULTILINE)
]


def fenced(text: str, language: str) -> list[str]:
    """The bodies of the text's fenced blocks in that language, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_the_tools_page_examples_call_tools_of_the_catalog(plugin_manager):
    tools = {tool["id"] for specs in plugin_manager.hook.sim_register_tools() for tool in specs}
    assert EXAMPLES
    assert {args[1] for args in EXAMPLES} <= tools


@pytest.mark.parametrize("args", EXAMPLES, ids=[args[1] for args in EXAMPLES])
def test_each_tools_page_example_succeeds_against_the_sandbox(args, capsys):
    code = main(args)
    result = json.loads(capsys.readouterr().out)
    assert result["success"], result["error"]
    assert code == 0


def test_the_readme_states_both_commands():
    assert ".venv/bin/pip install . && .venv/bin/sim-intercom demo" in README
    assert ".venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest" in README
    assert ".venv/bin/python -m pytest" in (REPO_ROOT / ".ci" / "run").read_text()


def test_the_readme_is_a_short_guide_without_paths_outside_the_clone():
    assert len(README.splitlines()) <= 300
    assert "../shared" not in README
    assert "Python 3.11" in README


def test_the_readme_host_example_prints_what_the_readme_shows():
    code, shown = fenced(README, "python")[0], fenced(README, "text")[0]
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert ran.stdout == shown


def test_the_readme_command_line_example_prints_what_the_readme_shows(capsys):
    console = fenced(README, "console")[0].splitlines()
    command, shown = console[0].removeprefix("$ "), console[1:]
    assert main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out.splitlines() == shown


def test_the_readme_links_only_to_pages_that_exist():
    for page in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (REPO_ROOT / page).is_file(), page


def _layout_modules() -> set[str]:
    """The modules named in the layout page's table of the package, with their folders:
    in a cell like `sandbox/a.py`, `b.py`, the later names share the first one's folder."""
    section = (DOCS / "layout.md").read_text(encoding="utf-8")
    named = set()
    for row in re.findall(r"^\| (`[^|]+) \|", section, flags=re.MULTILINE):
        names = re.findall(r"`([^`]+\.py)`", row)
        folder = names[0].rpartition("/")[0] if names else ""
        named |= {name if "/" in name or not folder else f"{folder}/{name}" for name in names}
    return {name for name in named if not name.startswith(("benchmarks/", "tests/", "scripts/"))}


def test_the_layout_page_names_every_module_of_the_package():
    package = REPO_ROOT / "plugin" / "sim_intercom"
    modules = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "_version.py"
    }
    assert modules == _layout_modules()
