"""Refuses values that no parameter can hold, before any schema work or any request.

A host may hand the executor anything: keys that are not strings, lone surrogates, integers
of any size, NaN, nesting thousands deep, strings of many megabytes. Each is found here,
without recursion, and reported as a violation naming the parameter; messages never quote
more than a short prefix of a value.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from typing import Any

from .errors import Violation

MAX_DEPTH = 32
MAX_STRING_CHARS = 1_000_000
MAX_VALUES = 100_000
MAX_INT_BITS = 63
QUOTE_CHARS = 200
_ITEM = object()  # stands for "no key" beside the items of a list

_quoter = reprlib.Repr()
_quoter.maxstring = QUOTE_CHARS
_quoter.maxother = QUOTE_CHARS
_quoter.maxlevel = 3
_quoter.maxlist = _quoter.maxdict = _quoter.maxtuple = 8


def quote(value: Any) -> str:
    """A repr of `value` cut to a short prefix, safe for any size of value."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<an integer of {value.bit_length()} bits>"
    try:
        return _quoter.repr(value)
    except Exception:
        return f"<a {type(value).__name__}>"


def depth_exceeds(value: Any, limit: int) -> bool:
    """True when JSON `value` nests objects and arrays more than `limit` deep.

    Level by level, without recursion; `type(...) is` rather than `isinstance` because this
    runs over every answer, and JSON decoding makes only exact dicts and lists.
    """
    if type(value) is not dict and type(value) is not list:
        return False
    level = [value]
    for _ in range(limit):
        deeper: list[Any] = []
        for node in level:
            for child in node.values() if type(node) is dict else node:
                if type(child) is dict or type(child) is list:
                    deeper.append(child)
        if not deeper:
            return False
        level = deeper
    return True


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_STRING_CHARS:
        return f"is a string of {len(text):,} characters; at most {MAX_STRING_CHARS:,} are allowed"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"contains {quote(text[exc.start])} at {exc.start}, which is not valid Unicode"
    return None


def _scalar_problem(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            return f"is an integer too large to send ({value.bit_length()} bits; at most 63)"
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "must be a finite number, not NaN or infinity"
    return f"is a {type(value).__name__}, which is not a JSON value"


def value_problem(value: Any) -> str | None:
    """Why `value` cannot be a parameter's value (first problem found), or None."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return f"holds more than {MAX_VALUES:,} values"
        if isinstance(node, Mapping | list | tuple) and seen + len(node) > MAX_VALUES:
            return f"holds more than {MAX_VALUES:,} values"
        if isinstance(node, Mapping):
            children = list(node.items())
        elif isinstance(node, list | tuple):
            children = [(_ITEM, item) for item in node]
        else:
            problem = _scalar_problem(node)
            if problem:
                return problem
            continue
        if depth >= MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        for key, child in children:
            if key is not _ITEM:
                if not isinstance(key, str):
                    return f"has a key that is not a string: {quote(key)}"
                problem = _text_problem(key)
                if problem:
                    return f"has a key that {problem}"
            stack.append((child, depth + 1))
    return None


def mapping_problems(values: Any, what: str) -> tuple[dict[str, Any], list[Violation]]:
    """`values` as a dict of plain JSON values, and a violation for each that is not.

    `what` names the argument in a message (`params`, `credentials`). None is an empty dict.
    A mapping or value whose own methods fail when read is refused as such, not a bug here.
    """
    if values is None:
        return {}, []
    if not isinstance(values, Mapping):
        return {}, [Violation(what, f"must be a mapping of names to values, got {quote(values)}")]
    try:
        items = list(values.items())
    except Exception as exc:
        return {}, [Violation(what, f"could not be read ({type(exc).__name__})")]
    found: dict[str, Any] = {}
    problems: list[Violation] = []
    for key, value in items:
        if not isinstance(key, str) or _text_problem(key):
            problems.append(Violation(quote(key), f"is not a valid name in {what}"))
            continue
        try:
            problem = value_problem(value)
            if not problem:
                found[str.__str__(key)] = plain(value)
        except Exception as exc:
            problem = f"could not be read ({type(exc).__name__})"
        if problem:
            problems.append(Violation(str.__str__(key), problem))
    return found, problems


def plain(value: Any) -> Any:
    """A copy of a checked value made of the built-in types only, so what was checked is
    what is sent: a `str` subclass cannot render itself differently later. Checked values
    nest at most `MAX_DEPTH` deep, so recursion is bounded."""
    if value is None or isinstance(value, bool):
        return value if value is None else bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, Mapping):
        return {str.__str__(k): plain(v) for k, v in value.items()}
    return [plain(item) for item in value]
