"""Reads plain data (parsed YAML or JSON) into frozen dataclasses, strictly.

Unknown keys, missing keys, values of the wrong type, empty required text and text that
does not match a field's pattern are errors naming their place (`tools.3.id`). The
manifest is read this way on every start-up, so it costs a few milliseconds where a
validation library would cost tens for its import alone.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

T = TypeVar("T")


class CheckError(ValueError):
    """A value that does not fit its dataclass; `place` says where it is."""

    def __init__(self, place: str, problem: str) -> None:
        super().__init__(f"{place or '(top level)'}: {problem}")
        self.place = place
        self.problem = problem


def rule(*, alias: str | None = None, pattern: str | None = None, nonempty: bool = False) -> Any:
    """Metadata for a field: its key in the data, a pattern its text must match, and
    whether text or a list must not be empty."""
    return {"alias": alias, "pattern": pattern, "nonempty": nonempty}


def field(default: Any = dataclasses.MISSING, **rules: Any) -> Any:
    """A dataclass field with a `rule`; a list or dict default is copied per instance."""
    if isinstance(default, list | dict):
        return dataclasses.field(default_factory=type(default), metadata=rule(**rules))
    return dataclasses.field(default=default, metadata=rule(**rules))


def _join(place: str, key: str | int) -> str:
    return f"{place}.{key}" if place else str(key)


def _describe(expected: Any) -> str:
    if get_origin(expected) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(expected))
    return getattr(expected, "__name__", str(expected))


def _convert(expected: Any, value: Any, place: str) -> Any:
    origin = get_origin(expected)
    if expected is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        for option in get_args(expected):
            try:
                return _convert(option, value, place)
            except CheckError:
                continue
        raise CheckError(place, f"must be {' or '.join(map(_describe, get_args(expected)))}")
    if origin is Literal:
        if value not in get_args(expected):
            raise CheckError(place, f"must be {_describe(expected)}, got {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise CheckError(place, "must be a list")
        (item,) = get_args(expected)
        return [_convert(item, v, _join(place, i)) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise CheckError(place, "must be a mapping with text keys")
        return value
    if dataclasses.is_dataclass(expected):
        return build(typing.cast(type[Any], expected), value, place)
    if expected is type(None):
        if value is not None:
            raise CheckError(place, "must be null")
        return value
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise CheckError(place, f"must be {_describe(expected)}, got {type(value).__name__}")
    return value


def _check_rules(spec: dataclasses.Field[Any], value: Any, place: str) -> None:
    if spec.metadata.get("nonempty") and not value:
        raise CheckError(place, "must not be empty")
    pattern = spec.metadata.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        raise CheckError(place, f"must match {pattern}, got {value!r}")


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build(cls: type[T], raw: Any, place: str = "") -> T:
    """An instance of dataclass `cls` from a mapping, or `CheckError` for the first problem."""
    if not isinstance(raw, Mapping):
        raise CheckError(place, "must be a mapping")
    shape: Any = cls
    hints = _hints(shape)
    specs = dataclasses.fields(shape)
    keys = {spec.metadata.get("alias") or spec.name: spec for spec in specs}
    for key in raw:
        if key not in keys:
            raise CheckError(_join(place, str(key)), "is not an allowed key")
    values: dict[str, Any] = {}
    for key, spec in keys.items():
        where = _join(place, key)
        if key not in raw:
            no_default = spec.default is dataclasses.MISSING
            if no_default and spec.default_factory is dataclasses.MISSING:
                raise CheckError(where, "is required")
            continue
        values[spec.name] = _convert(hints[spec.name], raw[key], where)
        _check_rules(spec, values[spec.name], where)
    return cls(**values)
