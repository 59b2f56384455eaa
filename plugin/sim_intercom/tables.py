"""Plain-text tables for people reading a terminal."""

from __future__ import annotations

from collections.abc import Sequence


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell, a rule under the header; a cell of several
    lines (wrapped text) takes as many lines, the other cells blank below their first."""
    cells = [[str(c) for c in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [
        max(len(line) for row in cells for line in row[i].split("\n")) for i in range(len(headers))
    ]
    lines = []
    for row in cells:
        split = [cell.split("\n") for cell in row]
        for index in range(max(len(parts) for parts in split)):
            parts = [part[index] if index < len(part) else "" for part in split]
            lines.append(
                "  ".join(p.ljust(width) for p, width in zip(parts, widths, strict=True)).rstrip()
            )
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
