"""What the stdio MCP server lets through to the SDK, line by line.

The SDK's parser refuses a request whose text holds a lone surrogate (`\\ud800` without its
pair) or nests thousands of levels deep, and answers nothing: the client waits forever.
Such a request is replaced, before the SDK reads it, by a `tools/call` of `UNUSABLE_TOOL`
with the same id, which the server answers with an error naming the problem; the session
goes on.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNUSABLE_TOOL = "sim-intercom/unusable-request"
MAX_DEPTH = 64  # far deeper than any tool's parameters go
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def screened(line: str) -> str:
    """`line` unchanged, or the stand-in request for one the SDK could not answer."""
    problem, request_id = _problem(line)
    if problem is None or request_id is None:  # a notification has nothing to answer
        return line
    stand_in = {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": UNUSABLE_TOOL, "arguments": {"problem": problem}},
    }
    return json.dumps(stand_in) + "\n"


def _problem(line: str) -> tuple[str | None, Any]:
    if line.count("[") + line.count("{") > MAX_DEPTH:  # cheap: most lines stop here
        depth, request_id = _scan(line)
        if depth > MAX_DEPTH:
            return f"the request nests deeper than {MAX_DEPTH} levels", request_id
    if not _SURROGATE_ESCAPE.search(line):
        return None, None
    try:
        message = json.loads(line)
        json.dumps(message, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        problem = "the request holds a lone surrogate (a \\ud800-\\udfff escape without its pair)"
        return problem, message.get("id") if isinstance(message, dict) else None
    except ValueError:
        return None, None  # not JSON at all: the SDK answers that itself
    return None, None


def _scan(line: str) -> tuple[int, Any]:
    """The deepest nesting of `line` (strings skipped) and its top-level `id`, if any."""
    depth = deepest = 0
    request_id: Any = None
    index, end = 0, len(line)
    while index < end:
        char = line[index]
        if char == '"':
            close = _string_end(line, index)
            if depth == 1 and line[index:close] == '"id"':
                request_id = _value_after(line, close)
            index = close
            continue
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
        index += 1
    return deepest, request_id


def _string_end(line: str, start: int) -> int:
    """The index just past the string that opens at `start`."""
    index = start + 1
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            return index + 1
        index += 1
    return len(line)


def _value_after(line: str, index: int) -> Any:
    """The number or string after `"id":` at `index`, or None."""
    rest = line[index:].lstrip()
    if not rest.startswith(":"):
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(rest[1:].lstrip())
    except ValueError:
        return None
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None
