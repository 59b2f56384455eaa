"""How big each selection is for an agent host: tools, and bytes of MCP `tools/list`.

The limits the catalog keeps (`TOOLS_LIST_LIMIT`, `DEFAULT_TOOL_LIMIT`) and the table
`docs/toolsets.md` shows, made from the catalog so they stay true as tools are added:

    python -m sim_intercom.exports.sizes     # the Markdown table, for docs/toolsets.md
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from ..manifest import ALL_TOOLSET, DEFAULT_TOOLSET, Catalog, default_catalog
from ..selection import select_catalog
from .mcp import mcp_tools
from .openai import MAX_TOOLS

TOOLS_LIST_LIMIT = 80 * 1024  # bytes of `tools/list` for the default set and each toolset
DEFAULT_TOOL_LIMIT = 40  # tools in the default set (Cursor's limit across all servers)


@dataclass(frozen=True)
class Size:
    """One selectable name: its tools, its read-only tools and its `tools/list` bytes."""

    name: str
    label: str
    tools: int
    read_only: int
    tools_list_bytes: int

    @property
    def fits_openai(self) -> bool:
        return self.tools <= MAX_TOOLS


def tools_list_bytes(catalog: Catalog) -> int:
    """The UTF-8 bytes of the MCP `tools/list` result serving every tool of `catalog`,
    compact JSON as it goes on the wire."""
    result = {"tools": mcp_tools(catalog)}
    return len(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode())


def sizes(catalog: Catalog | None = None) -> list[Size]:
    """Every toolset, then `default` and `all`, with their sizes."""
    catalog = catalog or default_catalog()
    labels = {toolset.name: toolset.label for toolset in catalog.manifest.toolsets}
    labels[DEFAULT_TOOLSET] = catalog.manifest.default_toolset.label
    labels[ALL_TOOLSET] = "All"
    result = []
    for name in catalog.toolset_names():
        chosen = select_catalog(catalog, [name])
        read_only = select_catalog(catalog, [name], read_only=True)
        count = len(chosen.tools)
        result.append(
            Size(name, labels[name], count, len(read_only.tools), tools_list_bytes(chosen))
        )
    return result


def sizes_markdown(catalog: Catalog | None = None) -> str:
    """The sizes as a Markdown table (what `docs/toolsets.md` shows)."""
    lines = [
        "| toolset | tools | read-only | MCP `tools/list` | OpenAI (at most 128) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for size in sizes(catalog):
        kib = f"{size.tools_list_bytes / 1024:.1f} KB"
        fits = "fits" if size.fits_openai else "too many: choose toolsets"
        lines.append(f"| `{size.name}` | {size.tools} | {size.read_only} | {kib} | {fits} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(sizes_markdown() + "\n")
