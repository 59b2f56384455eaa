"""Intercom's search: its query grammar checked and compiled to a predicate, then sorting and
paging what matches.

Strings compare case-insensitively. Contact dates match by UTC calendar day (`=` the whole
day, `>` from the next day, `<` before the day); conversation `>` and `<` include the bound, as
Intercom documents them ("greater (or equal) than"). A list-valued field (tag_id, company_id,
contact_ids, source.body words...) matches if any element does; the negated operators (!=,
NIN, !~) match when the positive one does not.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

from .errors import InvalidQuery
from .fields import is_integer, is_number
from .paging import Cursor, Page, cursor_page
from .search_fields import CUSTOM_PREFIX, FIELDS, MODELS, Field, Getter, Json, custom, path

Predicate = Callable[[Json], bool]
R = TypeVar("R")

SNAPSHOTS_KEPT = 16  # recent searches whose ordered matches stay for their cursors
MAX_DEPTH = 2
MAX_GROUP_SIZE = 15
DAY = 86_400
OPERATORS = ("=", "!=", "IN", "NIN", "<", ">", "<=", ">=", "~", "!~", "^", "$")
GROUP_OPERATORS = ("AND", "OR")
SORT_ORDERS = ("ascending", "descending")

_NEGATIONS = {"!=": "=", "NIN": "IN", "!~": "~"}
_LIST_OPERATORS = frozenset({"IN", "NIN"})
_NULLABLE_OPERATORS = frozenset({"=", "!="})

_STRING_OPS = frozenset({"=", "!=", "IN", "NIN", "~", "!~", "^", "$"})
_BOOLEAN_OPS = frozenset({"=", "!=", "IN", "NIN"})
_CONTACT_NUMBER_OPS = frozenset({"=", "!=", "IN", "NIN", "<", ">", "<=", ">="})
_CONVERSATION_NUMBER_OPS = frozenset({"=", "!=", "IN", "NIN", "<", ">"})

_ALLOWED = {
    "contact": {
        "string": _STRING_OPS,
        "boolean": _BOOLEAN_OPS,
        "integer": _CONTACT_NUMBER_OPS,
        "number": _CONTACT_NUMBER_OPS,
        "date": frozenset({"=", "<", ">"}),
        "tag": frozenset({"=", "!="}),
        "any": _BOOLEAN_OPS,
    },
    "conversation": {
        "string": _STRING_OPS,
        "boolean": _BOOLEAN_OPS,
        "integer": _CONVERSATION_NUMBER_OPS,
        "number": _CONVERSATION_NUMBER_OPS,
        "date": _CONVERSATION_NUMBER_OPS,
        "any": _BOOLEAN_OPS,
    },
    "ticket": {
        "string": _STRING_OPS,
        "boolean": _BOOLEAN_OPS,
        "integer": _CONVERSATION_NUMBER_OPS,
        "number": _CONVERSATION_NUMBER_OPS,
        "date": _CONVERSATION_NUMBER_OPS,
        "any": _BOOLEAN_OPS,
    },
}


@dataclass(frozen=True)
class SearchRequest:
    """A search body, checked: the compiled query, the sort, and the page asked for; `key`
    is the query and sort as given, which a snapshot must have been taken for."""

    matches: Predicate
    sort_field: str | None = None
    sort_order: str | None = None
    per_page: int = 50
    cursor: Cursor = field(default_factory=Cursor)
    key: str = ""


class Snapshots:
    """The ordered matches (ids) of recent searches, so that a search's later pages cost
    what a list page costs rather than the whole search again.

    A search's first page takes a snapshot, and its cursors name it; the oldest goes once
    more than `kept` are held. A later page slices the snapshot and checks only that page's
    records again: one deleted, or changed so that it no longer matches, is left out, and
    `total_count` stays the snapshot's. A cursor whose snapshot has gone runs the search
    again from its position.
    """

    def __init__(self, kept: int = SNAPSHOTS_KEPT) -> None:
        self._kept = kept
        self._taken: OrderedDict[str, tuple[str, list[str]]] = OrderedDict()
        self._numbers = itertools.count(1)

    def get(self, snapshot: str, key: str) -> list[str] | None:
        taken = self._taken.get(snapshot)
        if taken is None or taken[0] != key:
            return None
        self._taken.move_to_end(snapshot)
        return taken[1]

    def take(self, key: str, ids: list[str]) -> str:
        snapshot = str(next(self._numbers))
        self._taken[snapshot] = (key, ids)
        while len(self._taken) > self._kept:
            self._taken.popitem(last=False)
        return snapshot


def find(
    records: Mapping[str, R],
    view: Callable[[R], Json],
    request: SearchRequest,
    snapshots: Snapshots,
) -> Page[R]:
    """The page of `records` that match, seen through `view` (a record as the API renders it,
    holding its `id`), sorted as asked; later pages from the search's snapshot."""
    cursor = request.cursor
    ids = snapshots.get(cursor.snapshot, request.key) if cursor.snapshot else None
    snapshot = cursor.snapshot
    if ids is None:
        found = [each for each in map(view, records.values()) if request.matches(each)]
        ids = [each["id"] for each in sort_records(found, request.sort_field, request.sort_order)]
        snapshot = snapshots.take(request.key, ids)
    page = cursor_page(ids, request.per_page, cursor)
    present = (records[each] for each in page.items if each in records)
    items = [record for record in present if request.matches(view(record))]
    following = page.following and dataclasses.replace(page.following, snapshot=snapshot)
    return Page(items, page.total, page.per_page, page.page, following)


def _fields_of(model: str) -> dict[str, Field]:
    if model not in FIELDS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return FIELDS[model]


# Record values, normalised for comparison; None means "no value".


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value).lower()
    return None


def _number(value: Any) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return None
    return None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


_NORMALISE: dict[str, Callable[[Any], Any]] = {
    "string": _text,
    "tag": _text,
    "integer": _number,
    "number": _number,
    "date": _number,
    "boolean": _boolean,
    "any": lambda value: None,
}


# Query values, checked against the field's type.

_INTEGER = re.compile(r"-?\d+")


def _query_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _query_integer(value: Any) -> int | None:
    if is_integer(value):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return None


def _query_number(value: Any) -> int | float | None:
    return value if is_number(value) else None


def _query_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


_COERCE: dict[str, tuple[Callable[[Any], Any], str]] = {
    "string": (_query_text, "a string"),
    "tag": (_query_text, "a string"),
    "integer": (_query_integer, "an integer"),
    "number": (_query_number, "a number"),
    "date": (_query_integer, "a Unix timestamp (integer seconds)"),
    "boolean": (_query_boolean, "a boolean"),
    "any": (lambda value: None, "null"),
}


def _coerce(value: Any, spec: Field, name: str, where: str) -> Any:
    coerce, expected = _COERCE[spec.kind]
    coerced = coerce(value)
    if coerced is None:
        raise InvalidQuery(
            f"{name!r} is a {spec.kind} field: value must be {expected}, got {value!r}",
            f"{where}.value",
        )
    return coerced


# Tests of one normalised record value against the coerced query value.


def _string_test(op: str, target: Any) -> Callable[[Any], bool]:
    if op == "=":
        return lambda value: value == target
    if op == "IN":
        return lambda value: value in target
    if op == "~":
        return lambda value: target in value
    if op == "^":
        return lambda value: value.startswith(target)
    return lambda value: value.endswith(target)


def _number_test(op: str, target: Any, inclusive: bool) -> Callable[[Any], bool]:
    if op == "=":
        return lambda value: value == target
    if op == "IN":
        return lambda value: value in target
    if op == "<=" or (op == "<" and inclusive):
        return lambda value: value <= target
    if op == ">=" or (op == ">" and inclusive):
        return lambda value: value >= target
    if op == "<":
        return lambda value: value < target
    return lambda value: value > target


def _day_test(op: str, target: int) -> Callable[[Any], bool]:
    start = target - target % DAY
    if op == "=":
        return lambda value: start <= value < start + DAY
    if op == "<":
        return lambda value: value < start
    return lambda value: value >= start + DAY


def _test(op: str, target: Any, kind: str, model: str) -> Callable[[Any], bool]:
    if kind in ("string", "tag"):
        return _string_test(op, target)
    if kind == "date" and model == "contact":
        return _day_test(op, target)
    if kind in ("integer", "number", "date"):
        return _number_test(op, target, inclusive=model != "contact")
    return lambda value: value in target if op == "IN" else value == target


def _positive(spec: Field, op: str, target: Any, model: str) -> Predicate:
    get = spec.get
    if target is None:
        if spec.many:
            return lambda record: not get(record)
        return lambda record: get(record) is None
    normalise = _NORMALISE[spec.kind]
    test = _test(op, target, spec.kind, model)
    if spec.many:
        return lambda record: any(
            (value := normalise(item)) is not None and test(value) for item in get(record)
        )
    return lambda record: (value := normalise(get(record))) is not None and test(value)


# Parsing and compiling a query.


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _check_keys(node: Json, where: str, keys: tuple[str, ...]) -> None:
    for key in node:
        if key not in keys:
            raise InvalidQuery(f"{where} has unknown key {key!r}", f"{where}.{key}")
    for key in keys:
        if key not in node:
            raise InvalidQuery(f"{where} is missing {key!r}", f"{where}.{key}")


def _field_spec(name: Any, model: str, value: Any, where: str) -> Field:
    if not isinstance(name, str) or not name:
        raise InvalidQuery(f"{where}.field must be a non-empty string", f"{where}.field")
    if name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX):
        return Field(_infer_kind(value), custom(name[len(CUSTOM_PREFIX) :]))
    spec = _fields_of(model).get(name)
    if spec is None:
        raise InvalidQuery(f"{name!r} is not a searchable {model} field", f"{where}.field")
    return spec


def _infer_kind(value: Any) -> str:
    sample = value
    if isinstance(value, list):
        sample = next((item for item in value if item is not None), None)
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int | float):
        return "number"
    return "string" if isinstance(sample, str) else "any"


def _check_operator(op: Any, spec: Field, name: str, model: str, where: str) -> None:
    if not isinstance(op, str) or op not in OPERATORS:
        raise InvalidQuery(
            f"unknown operator {op!r} for {name!r}; expected one of {', '.join(OPERATORS)}",
            f"{where}.operator",
        )
    allowed = _ALLOWED[model].get(spec.kind, frozenset())
    if op not in allowed:
        raise InvalidQuery(
            f"operator {op!r} is not supported on {spec.kind} field {name!r}; "
            f"use one of {', '.join(o for o in OPERATORS if o in allowed)}",
            f"{where}.operator",
        )


def _target(op: str, value: Any, spec: Field, name: str, where: str) -> Any:
    if op in _LIST_OPERATORS:
        if not isinstance(value, list):
            raise InvalidQuery(
                f"operator {op!r} on {name!r} needs a list value, got {_type_name(value)}",
                f"{where}.value",
            )
        return frozenset(_coerce(item, spec, name, where) for item in value)
    if isinstance(value, list | dict):
        raise InvalidQuery(
            f"operator {op!r} on {name!r} needs a single value, got {_type_name(value)}",
            f"{where}.value",
        )
    if value is None:
        if op not in _NULLABLE_OPERATORS:
            raise InvalidQuery(
                f"operator {op!r} on {name!r} needs a value, got null", f"{where}.value"
            )
        return None
    return _coerce(value, spec, name, where)


def _filter(node: Json, where: str, model: str) -> Predicate:
    _check_keys(node, where, ("field", "operator", "value"))
    name, op, value = node["field"], node["operator"], node["value"]
    spec = _field_spec(name, model, value, where)
    _check_operator(op, spec, name, model, where)
    target = _target(op, value, spec, name, where)
    if op not in _NEGATIONS:
        return _positive(spec, op, target, model)
    positive = _positive(spec, _NEGATIONS[op], target, model)
    return lambda record: not positive(record)


def _all(predicates: list[Predicate]) -> Predicate:
    def predicate(record: Json) -> bool:
        return all(each(record) for each in predicates)

    return predicate


def _any(predicates: list[Predicate]) -> Predicate:
    def predicate(record: Json) -> bool:
        return any(each(record) for each in predicates)

    return predicate


def _check_group(node: Json, where: str, depth: int) -> list[Any]:
    _check_keys(node, where, ("operator", "value"))
    op, items = node["operator"], node["value"]
    if op in OPERATORS:
        raise InvalidQuery(f"{where} uses operator {op!r} but is missing 'field'", f"{where}.field")
    if op not in GROUP_OPERATORS:
        raise InvalidQuery(f"{where}.operator must be AND or OR, got {op!r}", f"{where}.operator")
    if depth > MAX_DEPTH:
        raise InvalidQuery(f"groups nest at most {MAX_DEPTH} levels deep; {where} is deeper", where)
    if not isinstance(items, list):
        raise InvalidQuery(
            f"{where}.value must be a list of filters, got {_type_name(items)}", f"{where}.value"
        )
    if not items:
        raise InvalidQuery(f"{where}.value must hold at least one filter", f"{where}.value")
    if len(items) > MAX_GROUP_SIZE:
        raise InvalidQuery(
            f"{where} holds {len(items)} filters; an {op} group holds at most {MAX_GROUP_SIZE}",
            f"{where}.value",
        )
    return items


def _group(node: Json, where: str, model: str, depth: int) -> Predicate:
    items = _check_group(node, where, depth)
    predicates = [
        _node(item, f"{where}.value[{index}]", model, depth) for index, item in enumerate(items)
    ]
    if len(predicates) == 1:
        return predicates[0]
    return _all(predicates) if node["operator"] == "AND" else _any(predicates)


def _node(node: Any, where: str, model: str, depth: int) -> Predicate:
    if not isinstance(node, dict):
        raise InvalidQuery(f"{where} must be an object, got {_type_name(node)}", where)
    if "field" in node:
        return _filter(node, where, model)
    return _group(node, where, model, depth + 1)


def compile_query(query: object, model: str) -> Predicate:
    """Check `query` as Intercom would for a `model` search (InvalidQuery where it would
    refuse it) and turn it into a predicate over records as the API renders them."""
    _fields_of(model)
    return _node(query, "query", model, 0)


# Sorting.


def _sort_getter(field: str) -> Getter:
    if field.startswith(CUSTOM_PREFIX):
        return custom(field[len(CUSTOM_PREFIX) :])
    for table in FIELDS.values():
        spec = table.get(field)
        if spec is not None and not spec.many:
            return spec.get
    return path(field)


def _sort_key(value: Any) -> tuple[int, Any] | None:
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return None


def check_sort_order(order: object) -> str | None:
    """`order` when it is one Intercom takes (or absent), else InvalidQuery."""
    if order is not None and order not in SORT_ORDERS:
        raise InvalidQuery(f"sort order must be ascending or descending, got {order!r}", "order")
    return None if order is None else str(order)


def sort_records(records: Iterable[Json], field: str | None, order: str | None) -> list[Json]:
    """A new list of `records` sorted by `field` (dotted ok), stable, missing values last.

    No field keeps the order; a field without order sorts ascending. Numbers sort before
    strings, and strings compare case-insensitively.
    """
    if not field:
        return list(records)
    descending = check_sort_order(order) == "descending"
    get = _sort_getter(field)
    keyed: list[tuple[tuple[int, Any], Json]] = []
    missing: list[Json] = []
    for record in records:
        key = _sort_key(get(record))
        if key is None:
            missing.append(record)
        else:
            keyed.append((key, record))
    keyed.sort(key=itemgetter(0), reverse=descending)
    return [record for _, record in keyed] + missing
