"""Every door's description of the tools, derived from the catalog (`manifest.yaml` and
`schemas/`); nothing here is written for a particular tool.

`export(fmt, toolsets=None, tools=None, read_only=False)` gives one format, JSON-able, for
a selection (`sim_intercom.selection`: toolsets, plus an allow-list of tool ids, plus
read-only; nothing selected is the `default` set): a list of tool definitions, whatever the
selection, or for `sim` its document.

- `mcp`: MCP `Tool` dicts (`mcp_tools()`), compact output schemas; `exports.mcp`.
- `openai`: Chat Completions function tools in strict mode; `exports.openai`.
- `openai-responses`: Responses API function tools, the same strict schemas; `exports.openai`.
  Both OpenAI formats refuse more than 128 tools, naming the toolsets to choose from.
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

from collections.abc import Callable, Sequence
from typing import Any

from ..manifest import Catalog, default_catalog
from ..selection import select_catalog
from .anthropic import anthropic_tools
from .gemini import gemini_declarations
from .mcp import mcp_tools
from .openai import MAX_TOOLS, TooManyTools, openai_responses_tools, openai_tools
from .sim import sim_block, sim_export, sim_tools

__all__ = [
    "FORMATS",
    "MAX_TOOLS",
    "TooManyTools",
    "anthropic_tools",
    "export",
    "gemini_declarations",
    "mcp_tools",
    "openai_responses_tools",
    "openai_tools",
    "sim_block",
    "sim_export",
    "sim_tools",
]

EXPORTERS: dict[str, Callable[[Catalog], Any]] = {
    "mcp": mcp_tools,
    "openai": openai_tools,
    "openai-responses": openai_responses_tools,
    "anthropic": anthropic_tools,
    "gemini": gemini_declarations,
    "sim": sim_export,
}
FORMATS = tuple(EXPORTERS)


def export(
    fmt: str,
    toolsets: Sequence[str] | None = None,
    tools: Sequence[str] | None = None,
    read_only: bool = False,
    catalog: Catalog | None = None,
) -> Any:
    """The selected tools in format `fmt` (one of `FORMATS`): the tools of `toolsets`, plus
    those `tools` names, only the read-only ones when `read_only`; the `default` set when
    neither toolsets nor tools are given.

    Raises ValueError naming an unknown format, toolset or tool id (`SelectionError`), or
    the toolsets to choose from when the selection is too long for the format
    (`TooManyTools`).
    """
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    if isinstance(toolsets, str) or isinstance(tools, str):
        raise TypeError("toolsets and tools are lists of names, not one text")
    catalog = catalog or default_catalog()
    chosen = select_catalog(catalog, toolsets, tools or (), read_only)
    return EXPORTERS[fmt](chosen)
