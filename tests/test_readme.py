"""The README and the documentation are real: every example runs, and where they show a
program's output, the program gives that output."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from typing import Any

import pytest
import requests

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
    outside = ("benchmarks/", "tests/", "scripts/", "hatch_build.py")
    return {name for name in named if not name.startswith(outside)}


def test_the_layout_page_names_every_module_of_the_package():
    package = REPO_ROOT / "plugin" / "sim_intercom"
    modules = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "_version.py"
    }
    assert modules == _layout_modules()


def test_the_command_line_page_states_the_limit_of_generated_contacts():
    from sim_intercom.sandbox.seed import MAX_GENERATED_CONTACTS

    cli_page = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"at most {MAX_GENERATED_CONTACTS:,}" in " ".join(cli_page.split())


def console_block(page: str, command: str) -> list[str]:
    """The lines a `console` block of the docs page shows `command` printing."""
    for block in fenced((DOCS / page).read_text(encoding="utf-8"), "console"):
        lines = block.splitlines()
        if lines[0] == f"$ {command}":
            return lines[1:]
    raise AssertionError(f"docs/{page} shows no `$ {command}`")


def in_order(shown: list[str], printed: list[str]) -> bool:
    """Whether the shown lines are printed in that order, `...` standing for any lines."""
    rest = iter(printed)
    return all(line == "..." or line in rest for line in shown)


def loopback_port_as(text: str, port: str) -> str:
    return re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", text)


def made_up_oauth_as_shown(text: str) -> str:
    """The sandbox's made-up OAuth app (new on every start) as the docs show it."""
    text = re.sub(r"sandbox-client-[0-9a-f]+", "sandbox-client-1a2b3c4d", text)
    return re.sub(r"client secret \S+", "client secret made-up-and-shown-once", text)


def test_the_demo_transcript_in_the_docs_is_what_the_demo_prints(capsys):
    shown = console_block("cli.md", "sim-intercom demo")
    assert main(["demo"]) == 0
    printed = loopback_port_as(capsys.readouterr().out, "41523").splitlines()
    assert in_order(shown, printed)
    assert shown[-1] == printed[-1]


def test_in_order_fails_when_a_shown_line_is_not_printed():
    assert in_order(["a", "...", "c"], ["a", "b", "c"])
    assert not in_order(["a", "...", "d"], ["a", "b", "c"])
    assert not in_order(["c", "a"], ["a", "b", "c"])


@pytest.mark.slow
def test_the_sandbox_banner_in_the_docs_is_what_the_sandbox_prints():
    shown = console_block("cli.md", "sim-intercom sandbox --rate-limit 100")
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--rate-limit", "100"]
    with subprocess.Popen(
        [*command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        try:
            printed = [process.stdout.readline()]
            while printed[-1] not in ("Press Ctrl+C to stop.\n", ""):
                printed.append(process.stdout.readline())
            base_url = re.search(r"http://127\.0\.0\.1:\d+", "".join(printed)).group(0)
            requests.get(
                f"{base_url}/contacts?per_page=5",
                headers={"Authorization": "Bearer sandbox-token"},
                timeout=10,
            )
            printed.append(process.stdout.readline())
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)
        finally:
            process.kill()
    printed = [made_up_oauth_as_shown(loopback_port_as(line, "8181")) for line in printed]
    assert [line.rstrip("\n") for line in printed] == shown


def kilobytes(size: Any) -> str:
    return f"{size.tools_list_bytes / 1024:.1f} KB"


def test_the_readmes_toolset_figures_are_the_catalogs():
    from sim_intercom.exports.sizes import sizes

    by_name = {size.name: size for size in sizes()}
    text = " ".join(README.split())
    default, every = by_name["default"], by_name["all"]
    assert f"The default toolset is {default.tools} tools ({kilobytes(default)} of" in text
    assert f"all {every.tools} are {kilobytes(every)}" in text
