"""The parameter tables of `../shared/spec/intercom-tools.md`, parsed: the binding contract."""

from __future__ import annotations

import json
import re

from helpers import REPO_ROOT, SHARED

SPEC = SHARED / "spec" / "intercom-tools.md"
# The plugin's own options (`fields`, `max_items`), declared once in schemas/defs/common.json:
# they come after a tool's contract parameters and are not in the product's tables.
PLUGIN_OPTIONS = frozenset(
    json.loads((REPO_ROOT / "schemas" / "defs" / "common.json").read_text())["$defs"]
)
_HEADING = re.compile(r"^### (intercom_\w+)")
_ROW = re.compile(r"^\|\s*(\w+)\s*\|\s*(\w+)\s*\|\s*(yes|no)\s*\|")


def parse_tables(text: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """`{tool_id: {parameter: (type, required)}}` for every `### intercom_*` section."""
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
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


def contract_part(names: list[str]) -> list[str]:
    """The parameter names the contract covers: all but the trailing plugin options."""
    kept = [name for name in names if name not in PLUGIN_OPTIONS]
    assert names[: len(kept)] == kept, f"plugin options must come last: {names}"
    return kept


def spec_tables() -> dict[str, dict[str, tuple[str, bool]]] | None:
    """The tables, or None where the shared spec is not beside the checkout.

    The only test data the repository does not carry: comparisons against it skip where it
    is absent, except under CI, where any skip fails the run (see `tests/conftest.py`)."""
    return parse_tables(SPEC.read_text(encoding="utf-8")) if SPEC.is_file() else None


JSON_TYPES = {
    "string": {"string"},
    "boolean": {"boolean"},
    "number": {"number", "integer"},
    "object": {"object"},
    "array": {"array"},
}
