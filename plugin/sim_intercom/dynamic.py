"""Dynamic toolset discovery, after GitHub's MCP server (`--dynamic-toolsets`).

A client starts with three meta-tools and enables what it needs, so a model's context holds
only the tools of the task: `list_toolsets` (every toolset: name, label, description, how
many tools, whether it is enabled), `get_toolset_tools` (one toolset's tools, each with its
one-line description) and `enable_toolset` (adds a toolset's tools; the server then sends
`notifications/tools/list_changed`). The allow-list's tools and any toolsets named at start
are enabled from the beginning; read-only still wins: an enabled toolset adds only its
read-only tools.

No MCP import here: `mcp_server` serves these as it serves the catalog's tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .manifest import Catalog
from .selection import Selection, select_tools

LIST_TOOLSETS = "list_toolsets"
GET_TOOLSET_TOOLS = "get_toolset_tools"
ENABLE_TOOLSET = "enable_toolset"

_TOOLSET_PARAMETER = {
    "type": "object",
    "properties": {
        "toolset": {"type": "string", "description": "A toolset's name, from list_toolsets."}
    },
    "required": ["toolset"],
    "additionalProperties": False,
}
_HINTS = {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": False}

META_TOOLS: list[dict[str, Any]] = [
    {
        "name": LIST_TOOLSETS,
        "title": "List toolsets",
        "description": (
            "Lists the Intercom toolsets this server can enable: name, label, description, "
            "how many tools each has and whether it is enabled. Call it first, then "
            "get_toolset_tools or enable_toolset."
        ),
        "inputSchema": {"type": "object", "properties": {}, "additionalProperties": False},
        "annotations": {"title": "List toolsets", "idempotentHint": True, **_HINTS},
    },
    {
        "name": GET_TOOLSET_TOOLS,
        "title": "Get a toolset's tools",
        "description": (
            "Lists the tools of one toolset (name, title, one-line description, whether it "
            "only reads) without enabling them, to decide whether to enable it."
        ),
        "inputSchema": _TOOLSET_PARAMETER,
        "annotations": {"title": "Get a toolset's tools", "idempotentHint": True, **_HINTS},
    },
    {
        "name": ENABLE_TOOLSET,
        "title": "Enable a toolset",
        "description": (
            "Enables one toolset: its tools join this session's tool list (the server "
            "sends notifications/tools/list_changed; list the tools again to see them)."
        ),
        "inputSchema": _TOOLSET_PARAMETER,
        "annotations": {"title": "Enable a toolset", "idempotentHint": True, **_HINTS},
    },
]
META_TOOL_NAMES = frozenset(tool["name"] for tool in META_TOOLS)


class ToolsetError(ValueError):
    """A meta-tool call naming no toolset, or one the catalog does not have."""


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + dot.strip()


@dataclass
class DynamicToolsets:
    """What one session has enabled, over a catalog and the server's selection."""

    catalog: Catalog
    selection: Selection
    enabled: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.enabled = list(self.selection.toolsets or [])

    def tool_ids(self) -> list[str]:
        """The catalog tools this session serves now, in catalog order."""
        chosen = select_tools(
            self.catalog, self.enabled, self.selection.tools, self.selection.read_only
        )
        return [tool.id for tool in chosen]

    def _toolset(self, arguments: dict[str, Any]) -> str:
        name = arguments.get("toolset")
        names = [toolset.name for toolset in self.catalog.manifest.toolsets]
        if name not in names:
            raise ToolsetError(
                f"toolset: unknown toolset {str(name)[:80]!r}; valid toolsets: {', '.join(names)}"
            )
        return str(name)

    def _served(self, name: str) -> Sequence[str]:
        chosen = select_tools(self.catalog, [name], (), self.selection.read_only)
        return [tool.id for tool in chosen]

    def list_toolsets(self) -> dict[str, Any]:
        return {
            "toolsets": [
                {
                    "name": toolset.name,
                    "label": toolset.label,
                    "description": toolset.description,
                    "tools": len(self._served(toolset.name)),
                    "enabled": toolset.name in self.enabled,
                }
                for toolset in self.catalog.manifest.toolsets
            ]
        }

    def get_toolset_tools(self, arguments: dict[str, Any]) -> dict[str, Any]:
        name = self._toolset(arguments)
        tools = [self.catalog.tools[tool_id] for tool_id in self._served(name)]
        return {
            "toolset": name,
            "enabled": name in self.enabled,
            "tools": [
                {
                    "name": tool.id,
                    "title": tool.entry.name,
                    "description": _first_sentence(tool.entry.description.llm),
                    "readOnly": tool.entry.annotations.readOnlyHint,
                }
                for tool in tools
            ],
        }

    def enable_toolset(self, arguments: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The answer, and whether the session's tool list changed."""
        name = self._toolset(arguments)
        before = set(self.tool_ids())
        if name not in self.enabled:
            self.enabled.append(name)
        added = [tool_id for tool_id in self.tool_ids() if tool_id not in before]
        return {"toolset": name, "enabled": True, "added": added}, bool(added)
