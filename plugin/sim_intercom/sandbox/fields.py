"""Checks of request fields: known names, JSON types and ranges, as Intercom answers them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import BadRequest, ParameterInvalid, ParameterNotFound

MAX_TIMESTAMP = 2**32
MAX_INT = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (lambda v: _is_int(v) and abs(v) <= MAX_INT, "an integer"),
    "timestamp": (lambda v: _is_int(v) and 0 <= v < MAX_TIMESTAMP, "a Unix timestamp in seconds"),
    "number": (lambda v: _is_number(v) and abs(v) <= MAX_INT, "a number"),
    "boolean": (lambda v: isinstance(v, bool), "a boolean"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "array": (lambda v: isinstance(v, list), "an array"),
    "id": (lambda v: isinstance(v, str) or (_is_int(v) and v >= 0), "a string or integer id"),
}


def type_name(value: Any) -> str:
    """The JSON name of a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def check_value(name: str, value: Any, kind: str) -> Any:
    """`value` when it is of `kind` (a trailing `?` allows null), else ParameterInvalid."""
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None and nullable:
        return None
    test, expected = _KINDS[kind]
    if not test(value):
        raise ParameterInvalid(f"{name} must be {expected}, got {type_name(value)}", field=name)
    return value


def check_body(
    body: Mapping[str, Any], spec: Mapping[str, str], required: Iterable[str] = ()
) -> dict[str, Any]:
    """The body, every field known to `spec` ({name: kind}) and of its kind, `required` present."""
    for name in body:
        if name not in spec:
            raise BadRequest(f"bad '{name}' parameter", field=name)
    for name in required:
        if name not in body:
            raise ParameterNotFound(f"{name} is required", field=name)
    return {name: check_value(name, value, spec[name]) for name, value in body.items()}


def require_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """`value` when it is one of `choices`, else ParameterInvalid listing them."""
    if value not in choices:
        allowed = " or ".join(repr(choice) for choice in choices)
        raise ParameterInvalid(f"{name} must be {allowed}, got {value!r}", field=name)
    return value


def query_int(
    name: str, value: Any, default: int, *, minimum: int = 1, maximum: int = MAX_INT
) -> int:
    """An integer query parameter (a string in the URL), within [minimum, maximum]."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not _INTEGER.fullmatch(text):
        raise ParameterInvalid(f"{name} must be an integer, got {value!r}", field=name)
    number = int(text)
    if not minimum <= number <= maximum:
        raise ParameterInvalid(
            f"{name} must be between {minimum} and {maximum}, got {number}", field=name
        )
    return number


def id_text(name: str, value: Any) -> str:
    """An id sent as a string or an integer, as a string."""
    return str(check_value(name, value, "id"))
