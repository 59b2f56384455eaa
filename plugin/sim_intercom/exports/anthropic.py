"""Anthropic: tools for the Messages API, `{"name", "description", "input_schema"}`.

Names match `^[a-zA-Z0-9_-]{1,64}$`. The input schema is JSON Schema as the catalog has
it, minus the `x-` annotations, `$schema`, the form labels (`title`) and `contentSchema`
(each JSON-text parameter says its shape in words); `anyOf`, `oneOf` and `allOf` are not
allowed at the root, so the root rules go into the description, in words.
"""

from __future__ import annotations

import re

from ..manifest import Catalog, Tool
from ..selection import default_selection
from .schema import (
    Schema,
    described,
    root_rules,
    walk,
    without_annotations,
    without_root_rules,
)

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_DROPPED = frozenset({"$schema", "title", "contentSchema"})


def anthropic_input_schema(tool: Tool) -> Schema:
    schema = without_root_rules(without_annotations(tool.input_schema))
    cleaned: Schema = walk(
        schema, lambda node: {k: v for k, v in node.items() if k not in _DROPPED}
    )
    return cleaned


def anthropic_tool(tool: Tool) -> Schema:
    entry = tool.entry
    if not NAME.match(entry.id):
        raise ValueError(f"{entry.id!r} is not a valid Anthropic tool name")
    return {
        "name": entry.id,
        "description": described(entry.description.llm, root_rules(tool.input_schema)),
        "input_schema": anthropic_input_schema(tool),
    }


def anthropic_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool as an Anthropic tool definition, in catalog order."""
    catalog = catalog or default_selection()
    return [anthropic_tool(tool) for tool in catalog.tools.values()]
