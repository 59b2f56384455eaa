"""Checks of request values: one table of kinds, and the body and query checks built on it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from .errors import BadRequest, ParameterInvalid, ParameterNotFound

MAX_TIMESTAMP = 2**32
MAX_INT = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def is_integer(value: object) -> TypeGuard[int]:
    """A JSON integer: an int, but not a bool (Python's bool is an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    """A JSON number: finite, since NaN and Infinity have no JSON form to send back."""
    return (is_integer(value) or isinstance(value, float)) and math.isfinite(value)


def _int32(value: object) -> bool:
    return is_integer(value) and abs(value) <= MAX_INT


def _number32(value: object) -> bool:
    return is_number(value) and abs(value) <= MAX_INT


def _timestamp(value: object) -> bool:
    return is_integer(value) and 0 <= value < MAX_TIMESTAMP


def _id(value: object) -> bool:
    return isinstance(value, str) or (is_integer(value) and value >= 0)


def _attribute(value: object) -> bool:
    return isinstance(value, str | bool | list) or is_number(value)


@dataclass(frozen=True)
class Kind:
    """What a value of one kind passes, and how an error names the kind."""

    test: Callable[[object], bool]
    expected: str


KINDS: dict[str, Kind] = {
    "string": Kind(lambda value: isinstance(value, str), "a string"),
    "boolean": Kind(lambda value: isinstance(value, bool), "a boolean"),
    "object": Kind(lambda value: isinstance(value, dict), "an object"),
    "array": Kind(lambda value: isinstance(value, list), "an array"),
    "id": Kind(_id, "a string or integer id"),
    # Request fields Intercom keeps in 32 bits: counts, amounts, admin ids, Unix timestamps.
    "int32": Kind(_int32, "an integer"),
    "number32": Kind(_number32, "a number"),
    "timestamp": Kind(_timestamp, "a Unix timestamp in seconds"),
    # Custom attribute data types as `GET /data_attributes` names them; "string" and
    # "boolean" are the rows above.
    "integer": Kind(is_integer, "an integer"),
    "float": Kind(is_number, "a number"),
    "date": Kind(is_integer, "a Unix timestamp"),
    "datetime": Kind(is_integer, "a Unix timestamp"),
    "options": Kind(lambda value: isinstance(value, str), "one of the attribute's options"),
    # A ticket attribute's value.
    "attribute": Kind(_attribute, "a string, number, boolean or list"),
}


def type_name(value: object) -> str:
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
    if not KINDS[kind].test(value):
        expected = KINDS[kind].expected
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


def require_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """`value` when it is one of `choices`, else ParameterInvalid listing them."""
    for choice in choices:
        if value == choice:
            return choice
    allowed = " or ".join(repr(choice) for choice in choices)
    raise ParameterInvalid(f"{name} must be {allowed}, got {value!r}", field=name)


def query_int(
    name: str, value: object, default: int, *, minimum: int = 1, maximum: int = MAX_INT
) -> int:
    """An integer parameter (a string in a URL, a string or number in a body), within
    [minimum, maximum]; absent or "" is `default`."""
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


def id_text(name: str, value: object) -> str:
    """An id sent as a string or an integer, as a string."""
    return str(check_value(name, value, "id"))
