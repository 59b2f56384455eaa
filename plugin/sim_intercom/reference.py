"""The catalog as Markdown: the tool and trigger reference pages of the documentation.

The documentation build (`scripts/docs_hooks.py`, a MkDocs hook) writes these pages from
the catalog each time, so every tool and trigger appears, and every count is the
catalog's, with nothing written by hand.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .manifest import ALL_TOPICS, Catalog, Tool, Trigger

TOOLS_PAGE = "reference/tools.md"
TRIGGERS_PAGE = "reference/triggers.md"


def type_name(prop: dict[str, Any]) -> str:
    """A parameter's type as a person reads it: `string`, `JSON text`, `list of string`,
    or its values when it has a fixed set."""
    if "enum" in prop:
        return "|".join(str(value) for value in prop["enum"])
    if prop.get("contentMediaType") == "application/json":
        return "JSON text"
    kind = prop.get("type", "any")
    name = "|".join(kind) if isinstance(kind, list) else str(kind)
    items = prop.get("items")
    if name == "array" and isinstance(items, dict) and "type" in items:
        return f"list of {items['type']}"
    return name


def tool_kind(annotations: dict[str, bool]) -> str:
    """`read-only`, `write` or `destructive`, and `idempotent` where a write is."""
    if annotations.get("readOnlyHint"):
        return "read-only"
    kind = "destructive" if annotations.get("destructiveHint") else "write"
    return f"{kind}, idempotent" if annotations.get("idempotentHint") else kind


def _cell(text: object) -> str:
    """Text for one cell of a Markdown table: one line, pipes outside code spans escaped
    (a table keeps a code span's pipes, and would show the escape in it)."""
    parts = re.sub(r"\s+", " ", str(text)).strip().split("`")
    return "`".join(part if i % 2 else part.replace("|", "\\|") for i, part in enumerate(parts))


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _code(text: str) -> str:
    return f"`{text}`"


def _type(prop: dict[str, Any]) -> str:
    """A parameter's type for a table cell: each alternative in code, joined by "or"."""
    return " or ".join(_code(part) for part in type_name(prop).split("|"))


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _fields(schema: dict[str, Any]) -> list[list[str]]:
    """One row per top-level property of an object schema: name, type, description."""
    return [
        [_code(name), _type(prop), prop.get("description", "")]
        for name, prop in schema.get("properties", {}).items()
    ]


def _tool_section(tool: Tool) -> list[str]:
    spec = tool.spec()
    required = set(tool.input_schema.get("required", []))
    parameters = [
        [
            _code(name),
            _type(prop),
            "yes" if name in required else "",
            prop.get("description", ""),
        ]
        for name, prop in tool.input_schema.get("properties", {}).items()
    ]
    example = tool.entry.example
    return [
        f"### {tool.id}",
        "",
        f"**{tool.entry.name}** ({tool_kind(spec['annotations'])}; calls "
        f"`{tool.entry.operation}`). {tool.entry.description.human}",
        "",
        *_table(["parameter", "type", "required", "description"], parameters),
        "Output:",
        "",
        *_table(["field", "type", "description"], _fields(tool.output_schema)),
        f"Example: {example.note}",
        "",
        "```json",
        json.dumps(example.params, ensure_ascii=False),
        "```",
        "",
    ]


def tools_page(catalog: Catalog) -> str:
    """Every tool of the catalog, by toolset: a summary table, then each tool in full."""
    toolsets = catalog.manifest.toolsets
    lines = [
        "# Tool reference",
        "",
        f"{_count(len(catalog.tools), 'tool')} in {_count(len(toolsets), 'toolset')}, "
        "generated from the catalog (`manifest.yaml` and `schemas/`) when the documentation "
        "is built. `sim-intercom tools ID` prints the same for one tool; "
        "[The tools](../tools.md) shows how to call them.",
        "",
    ]
    for toolset in toolsets:
        members = [catalog.tools[tool_id] for tool_id in catalog.toolset_tools(toolset.name)]
        rows = [
            [
                f"[`{t.id}`](#{t.id})",
                _code(t.entry.operation),
                t.entry.description.human,
                tool_kind(t.spec()["annotations"]),
            ]
            for t in members
        ]
        lines += [
            f"## {toolset.label}",
            "",
            f"{toolset.description} Toolset `{toolset.name}`, {_count(len(members), 'tool')}.",
            "",
            *_table(["tool", "operation", "what it does", "kind"], rows),
        ]
        for tool in members:
            lines += _tool_section(tool)
    return "\n".join(lines)


def _topics(trigger: Trigger) -> str:
    if trigger.entry.topics == [ALL_TOPICS]:
        return "every topic"
    return ", ".join(_code(topic) for topic in trigger.entry.topics)


def triggers_page(catalog: Catalog) -> str:
    """Every webhook trigger of the catalog: the topics it runs on, and its output."""
    triggers = list(catalog.triggers.values())
    secret = catalog.manifest.triggers.secret
    lines = [
        "# Trigger reference",
        "",
        f"{_count(len(triggers), 'webhook trigger')}, generated from the catalog "
        "(`manifest.yaml` and `schemas/defs/webhook_item.json`) when the documentation is "
        "built. Each "
        f"verifies the signature with the `{secret.name}` setting ({secret.label}); "
        "[Triggers](../triggers.md) shows how a host hands them a POST.",
        "",
        *_table(
            ["trigger", "runs on", "what it does"],
            [[f"[`{t.id}`](#{t.id})", _topics(t), t.entry.description.human] for t in triggers],
        ),
    ]
    for trigger in triggers:
        lines += [
            f"## {trigger.id}",
            "",
            f"**{trigger.entry.name}**, on {_topics(trigger)}. {trigger.entry.description.human}",
            "",
            *_topic_table(trigger),
            "The event:",
            "",
            *_table(["field", "type", "description"], _fields(trigger.output_schema)),
        ]
    return "\n".join(lines)


def _topic_table(trigger: Trigger) -> list[str]:
    """The topics a trigger takes, as a host offers them: each one's label, the item it
    carries in `data.item`, when it fires, and what fires it in the sandbox."""
    from .sandbox.webhooks import CAUSES

    if trigger.entry.topics == [ALL_TOPICS]:
        return []
    rows = [
        [_code(o.topic), o.label, _code(o.item), o.when, CAUSES.get(o.topic, "`--fire` only")]
        for o in trigger.options
    ]
    headers = ["topic", "label", "item", "fires when", "in the sandbox"]
    return [
        "Its topics (a host may choose some with the `topics` setting):",
        "",
        *_table(headers, rows),
    ]


PAGES = {TOOLS_PAGE: tools_page, TRIGGERS_PAGE: triggers_page}
