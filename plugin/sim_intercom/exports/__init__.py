"""Every door's description of the tools, derived from the catalog (`manifest.yaml` and
`schemas/`); nothing here is written for a particular tool.

`export(fmt, tool_id=None)` gives one format, JSON-able: a list of tools, or one tool.

- `mcp`: MCP `Tool` dicts (`mcp_tools()`), compact output schemas; `exports.mcp`.
- `openai`: Chat Completions function tools in strict mode; `exports.openai`.
- `anthropic`: Messages API tools; `exports.anthropic`.
- `gemini`: function declarations in Google's OpenAPI subset; `exports.gemini`.
- `sim`: `{"block": ..., "tools": [...]}`, a Sim-style block and tool registry entries
  (one tool's entry with `tool_id`); `exports.sim`.

Annotation keywords the catalog's input schemas carry for forms (JSON Schema ignores
unknown keywords, and every LLM export strips `x-*`):

- `title` (standard JSON Schema): the parameter's label in a form.
- `x-widget`: how a form shows it, where its schema does not say: `long-text` (a message
  body), `timestamp` (Unix seconds, with a date picker). Otherwise it is derived: `dropdown`
  for an enum, `switch` for a boolean, `json` for JSON text (`contentMediaType:
  application/json`), `number` for a number, `list` for an array of text (comma-separated
  in a block), `short-text` for the rest.
- `x-enum-labels`: `{value: label}`, a label for every value of an enum.
- `x-visibility`: who fills it: `user-or-llm` (the default, so no parameter states it),
  `user-only`, `llm-only` or `hidden`. The access token is no parameter: its credential in
  `manifest.yaml` says `visibility: user-only`.
- `default` (standard): only where the tool itself applies the value when it is absent;
  Intercom's own defaults stay in the description.

`manifest.yaml` adds the block's `color` and `docs` link, and a credential's option
`labels` and `visibility`.
"""

from __future__ import annotations

from typing import Any

from ..manifest import Catalog, default_catalog
from .anthropic import anthropic_tool, anthropic_tools
from .gemini import gemini_declaration, gemini_declarations
from .mcp import describers, mcp_tool, mcp_tools
from .openai import openai_tool, openai_tools
from .sim import sim_block, sim_export, sim_tool, sim_tools

__all__ = [
    "FORMATS",
    "anthropic_tools",
    "export",
    "gemini_declarations",
    "mcp_tools",
    "openai_tools",
    "sim_block",
    "sim_export",
    "sim_tools",
]

FORMATS = ("mcp", "openai", "anthropic", "gemini", "sim")


def export(fmt: str, tool_id: str | None = None, catalog: Catalog | None = None) -> Any:
    """The tools in format `fmt` (one of `FORMATS`): every tool, or the one `tool_id` names.

    Raises ValueError naming an unknown format or tool id.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    catalog = catalog or default_catalog()
    if tool_id is None:
        everything = {
            "mcp": mcp_tools,
            "openai": openai_tools,
            "anthropic": anthropic_tools,
            "gemini": gemini_declarations,
            "sim": sim_export,
        }
        return everything[fmt](catalog)
    tool = catalog.tools.get(tool_id)
    if tool is None:
        raise ValueError(f"unknown tool id {tool_id!r}; known: {', '.join(catalog.tools)}")
    if fmt == "mcp":
        elsewhere = {k: f"{by}'s output" for k, by in describers(catalog).items() if by != tool_id}
        return mcp_tool(tool, elsewhere)
    if fmt == "sim":
        return sim_tool(tool, catalog)
    one = {"openai": openai_tool, "anthropic": anthropic_tool, "gemini": gemini_declaration}
    return one[fmt](tool)
