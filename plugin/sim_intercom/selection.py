"""Which tools a host serves: toolsets, plus an allow-list of tools, plus read-only.

One selection model for every door (MCP, exports, the command line, Python), after GitHub's
MCP server: named toolsets with a small `default`, an allow-list of tool ids added to them,
and a read-only switch that wins over everything. Nothing selected means `default`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .manifest import ALL_TOOLSET, DEFAULT_TOOLSET, Catalog, Tool

__all__ = ["ALL_TOOLSET", "DEFAULT_TOOLSET", "SelectionError", "parse_names", "select_tools"]


class SelectionError(ValueError):
    """A selection names a toolset or tool the catalog does not have; says which are valid."""


def parse_names(text: str | None) -> list[str]:
    """Names from a comma-separated setting (`--toolsets a,b`, `SIM_INTERCOM_TOOLS`)."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _check(kind: str, asked: Sequence[str], valid: Sequence[str]) -> None:
    unknown = [name for name in asked if name not in valid]
    if unknown:
        raise SelectionError(
            f"unknown {kind} {', '.join(map(repr, unknown))}; valid {kind}s: {', '.join(valid)}"
        )


def select_tools(
    catalog: Catalog,
    toolsets: Sequence[str] | None = None,
    tools: Sequence[str] = (),
    read_only: bool = False,
) -> list[Tool]:
    """The tools of `toolsets` plus those named in `tools`, in catalog order; only the
    read-only ones when `read_only`. With neither toolsets nor tools, the `default` set."""
    _check("toolset", toolsets or (), catalog.toolset_names())
    _check("tool", tools, list(catalog.tools))
    if toolsets is None and not tools:
        toolsets = [DEFAULT_TOOLSET]
    chosen = {tool_id for name in toolsets or () for tool_id in catalog.toolset_tools(name)}
    chosen.update(tools)
    return [
        tool
        for tool_id, tool in catalog.tools.items()
        if tool_id in chosen and (tool.entry.annotations.readOnlyHint or not read_only)
    ]
