"""The README's examples are real: every tool has one, and each runs against the sandbox."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from conftest import REPO_ROOT
from sim_intercom.cli import main

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = [
    shlex.split(line)[1:]
    for line in re.findall(r"^sim-intercom run .*$", README, flags=re.MULTILINE)
]


def test_the_readme_has_one_example_for_each_of_the_sixteen_tools(plugin_manager):
    tools = {tool["id"] for specs in plugin_manager.hook.sim_register_tools() for tool in specs}
    assert sorted(args[1] for args in EXAMPLES) == sorted(tools)


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
