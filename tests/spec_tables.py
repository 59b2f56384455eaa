"""The parameter tables of the product spec's `intercom-tools.md` (the first sixteen tools)
and `intercom-tools-more.md` (the fifteen more), vendored in `tests/data/spec/`, parsed: the
binding contract."""

from __future__ import annotations

import json
import re

from helpers import REPO_ROOT, SPEC_DIR

SPEC = SPEC_DIR / "intercom-tools.md"
MORE_SPEC = SPEC_DIR / "intercom-tools-more.md"
SPECS = (SPEC, MORE_SPEC)
# The plugin's own options (`fields`, `max_items`), declared once in schemas/defs/common.json:
# they come after a tool's contract parameters and are not in the product's tables.
PLUGIN_OPTIONS = frozenset(
    json.loads((REPO_ROOT / "schemas" / "defs" / "common.json").read_text())["$defs"]
)
_HEADING = re.compile(r"^### (intercom_\w+)")
_ROW = re.compile(r"^\|\s*(\w+)\s*\|\s*(\w+)\s*\|\s*(yes|no)\s*\|")
# intercom-tools-more.md: one row per tool, its parameters in the second column, e.g.
# | `intercom_snooze_conversation` | conversationId req; snoozed_until req (number, ...) | ...
_TOOL_ROW = re.compile(r"^\|\s*`(intercom_\w+)`\s*\|([^|]*)\|")
_PARAMETER = re.compile(r"^(\w+)(\s+req\b)?\s*(?:\((.*)\))?")
_TYPES = ("string", "number", "boolean", "object", "array")

Tables = dict[str, dict[str, tuple[str, bool]]]


def parse_tables(text: str) -> Tables:
    """`{tool_id: {parameter: (type, required)}}` for every `### intercom_*` section."""
    tables: Tables = {}
    current = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
            continue
        row = _ROW.match(line)
        if row and current is not None:
            current[row.group(1)] = (row.group(2), row.group(3) == "yes")
    return tables


def _split_outside_parentheses(text: str) -> list[str]:
    """`a req; b (number, Unix seconds; now when absent)` -> [`a req`, `b (...)`]."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def parameter_type(note: str | None) -> str:
    """The workflow type a parameter's note gives: `(boolean)`, `(number, Unix seconds)`;
    JSON text and anything else is a string."""
    first = (note or "").split(",")[0].strip()
    return first if first in _TYPES else "string"


def parse_parameter_rows(text: str) -> Tables:
    """`{tool_id: {parameter: (type, required)}}` for every tool row of the table under
    `## Operations`: `name req (type, note)`, `(none)` for a tool without parameters.
    Other sections (the webhook triggers) are not tools."""
    tables: Tables = {}
    section = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        row = _TOOL_ROW.match(line)
        if not row or section != "Operations":
            continue
        table = tables.setdefault(row.group(1), {})
        for item in _split_outside_parentheses(row.group(2)):
            if item == "(none)":
                continue
            parameter = _PARAMETER.match(item)
            assert parameter, f"{row.group(1)}: cannot read parameter {item!r}"
            name, required, note = parameter.groups()
            table[name] = (parameter_type(note), required is not None)
    return tables


def contract_part(names: list[str]) -> list[str]:
    """The parameter names the contract covers: all but the trailing plugin options."""
    kept = [name for name in names if name not in PLUGIN_OPTIONS]
    assert names[: len(kept)] == kept, f"plugin options must come last: {names}"
    return kept


def spec_tables() -> Tables:
    """The tables of both specs."""
    tables = parse_tables(SPEC.read_text(encoding="utf-8"))
    more = parse_parameter_rows(MORE_SPEC.read_text(encoding="utf-8"))
    assert not set(tables) & set(more), "a tool is in both specs"
    return {**tables, **more}


JSON_TYPES = {
    "string": {"string"},
    "boolean": {"boolean"},
    "number": {"number", "integer"},
    "object": {"object"},
    "array": {"array"},
}
