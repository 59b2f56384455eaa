"""Which tools a host serves: toolsets, plus an allow-list of tools, plus read-only.

One selection model for every door (MCP, exports, the command line, Python), after GitHub's
MCP server: named toolsets with a small `default`, an allow-list of tool ids added to them,
and a read-only switch that wins over everything. Nothing selected means `default`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .manifest import ALL_TOOLSET, DEFAULT_TOOLSET, Catalog, Tool, default_catalog

__all__ = [
    "ALL_TOOLSET",
    "DEFAULT_TOOLSET",
    "ENV_READ_ONLY",
    "ENV_TOOLS",
    "ENV_TOOLSETS",
    "Selection",
    "SelectionError",
    "default_selection",
    "parse_flag",
    "parse_names",
    "select_catalog",
    "select_tools",
    "selection_from",
]

ENV_TOOLSETS = "SIM_INTERCOM_TOOLSETS"
ENV_TOOLS = "SIM_INTERCOM_TOOLS"
ENV_READ_ONLY = "SIM_INTERCOM_READ_ONLY"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


class SelectionError(ValueError):
    """A selection names a toolset or tool the catalog does not have; says which are valid."""


def parse_names(text: str | None) -> list[str]:
    """Names from a comma-separated setting (`--toolsets a,b`, `SIM_INTERCOM_TOOLS`)."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def parse_flag(text: str | None, name: str) -> bool:
    """A yes/no setting (`SIM_INTERCOM_READ_ONLY=1`); anything else is an error naming it."""
    value = (text or "").strip().lower()
    if value not in _TRUE + _FALSE:
        allowed = ", ".join(_TRUE + _FALSE[1:])
        raise SelectionError(f"{name} must be one of {allowed}, got {value[:20]!r}")
    return value in _TRUE


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


def select_catalog(
    catalog: Catalog,
    toolsets: Sequence[str] | None = None,
    tools: Sequence[str] = (),
    read_only: bool = False,
) -> Catalog:
    """The catalog cut down to `select_tools`'s choice, for a door that derives everything
    (descriptions, palettes, limits) from a catalog."""
    return catalog.subset(tool.id for tool in select_tools(catalog, toolsets, tools, read_only))


@dataclass(frozen=True)
class Selection:
    """A selection as a door receives it: toolsets (None: not given), tools, read-only."""

    toolsets: list[str] | None = None
    tools: tuple[str, ...] = ()
    read_only: bool = False

    def tools_of(self, catalog: Catalog) -> list[Tool]:
        return select_tools(catalog, self.toolsets, self.tools, self.read_only)

    def catalog_of(self, catalog: Catalog) -> Catalog:
        return select_catalog(catalog, self.toolsets, self.tools, self.read_only)


def selection_from(
    environ: Mapping[str, str],
    toolsets: str | None = None,
    tools: Sequence[str] = (),
    read_only: bool | None = None,
) -> Selection:
    """A selection from command-line values (each comma-separated text, or None when not
    given), each falling back to its environment variable (`SIM_INTERCOM_TOOLSETS`,
    `SIM_INTERCOM_TOOLS`, `SIM_INTERCOM_READ_ONLY`) when not given."""
    toolsets_text = toolsets if toolsets is not None else environ.get(ENV_TOOLSETS)
    names = [name for text in tools for name in parse_names(text)]
    if not tools:
        names = parse_names(environ.get(ENV_TOOLS))
    if read_only is None:
        read_only = parse_flag(environ.get(ENV_READ_ONLY), ENV_READ_ONLY)
    chosen = parse_names(toolsets_text) if toolsets_text is not None else None
    return Selection(chosen or None, tuple(dict.fromkeys(names)), read_only)


def default_selection() -> Catalog:
    """The shipped catalog cut to its `default` set: what a door serves when no selection
    is given (an exporter called without a catalog, a server without settings)."""
    return select_catalog(default_catalog())
