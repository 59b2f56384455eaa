"""Intercom's search query grammar for the sandbox: validate queries, match and sort records."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_GROUP_SIZE",
    "InvalidQuery",
    "compile_query",
    "matches",
    "searchable_fields",
    "sort_records",
    "validate_query",
]

Predicate = Callable[[dict], bool]
Getter = Callable[[dict], Any]

MAX_DEPTH = 2
MAX_GROUP_SIZE = 15
DAY = 86_400
MODELS = ("contact", "conversation")
OPERATORS = ("=", "!=", "IN", "NIN", "<", ">", "<=", ">=", "~", "!~", "^", "$")
GROUP_OPERATORS = ("AND", "OR")
CUSTOM_PREFIX = "custom_attributes."

_NEGATIONS = {"!=": "=", "NIN": "IN", "!~": "~"}
_LIST_OPERATORS = frozenset({"IN", "NIN"})
_NULLABLE_OPERATORS = frozenset({"=", "!="})


class InvalidQuery(Exception):
    """A search query Intercom would answer with 400; `field` is where in the body it failed."""

    code: str = "query_invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class _Field:
    kind: str
    get: Getter
    many: bool = False


def _path(dotted: str) -> Getter:
    keys = tuple(dotted.split("."))
    if len(keys) == 1:
        key = keys[0]
        return lambda record: record.get(key)

    def get(record: dict) -> Any:
        node: Any = record
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    return get


def _first(*getters: Getter) -> Getter:
    def get(record: dict) -> Any:
        for getter in getters:
            value = getter(record)
            if value is not None:
                return value
        return None

    return get


def _ids(dotted: str) -> Getter:
    get_items = _path(dotted)

    def get(record: dict) -> list:
        items = get_items(record)
        if not isinstance(items, list):
            return []
        return [item.get("id") if isinstance(item, dict) else item for item in items]

    return get


def _custom(name: str) -> Getter:
    def get(record: dict) -> Any:
        attributes = record.get("custom_attributes")
        return attributes.get(name) if isinstance(attributes, dict) else None

    return get


def _email_domain(record: dict) -> Any:
    email = record.get("email")
    if isinstance(email, str) and "@" in email:
        return email.rsplit("@", 1)[1]
    return record.get("email_domain")


def _avatar(record: dict) -> Any:
    avatar = record.get("avatar")
    return avatar.get("image_url") if isinstance(avatar, dict) else avatar


_MARKUP = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def _body_words(record: dict) -> list[str]:
    source = record.get("source")
    body = source.get("body") if isinstance(source, dict) else None
    return _WORD.findall(_MARKUP.sub(" ", body)) if isinstance(body, str) else []


def _table(kinds: dict[str, str], special: dict[str, _Field]) -> dict[str, _Field]:
    plain = {
        name: _Field(kind, _path(name)) for kind, names in kinds.items() for name in names.split()
    }
    return plain | special


_CONTACT_FIELDS = _table(
    {
        "string": """id role name email phone external_id language_override browser
            browser_language os location.country location.region location.city
            ios_app_version ios_device ios_app_device ios_os_version ios_app_name ios_sdk_version
            android_app_version android_device android_app_name android_sdk_version""",
        "integer": "owner_id",
        "date": """created_at signed_up_at updated_at last_seen_at last_contacted_at last_replied_at
            last_email_opened_at last_email_clicked_at ios_last_seen_at android_last_seen_at""",
        "boolean": "unsubscribed_from_emails marked_email_as_spam has_hard_bounced",
    },
    {
        "avatar": _Field("string", _avatar),
        "email_domain": _Field("string", _email_domain),
        "andoid_sdk_version": _Field("string", _path("android_sdk_version")),
        "tag_id": _Field("tag", _ids("tags.data"), many=True),
        "company_id": _Field("string", _ids("companies.data"), many=True),
        "segment_id": _Field("string", _ids("segments.data"), many=True),
    },
)

_RATING = "conversation_rating."

_CONVERSATION_FIELDS = _table(
    {
        "string": """id source.type source.id source.delivered_as source.subject source.author.id
            source.author.type source.author.name source.author.email source.url
            channel_initiated state priority statistics.last_closed_by_id
            conversation_rating.remark ai_agent.resolution_state ai_agent.last_answer_type
            ai_agent.rating_remark ai_agent.source_type ai_agent.source_title""",
        "integer": """admin_assignee_id team_assignee_id statistics.time_to_assignment
            statistics.time_to_admin_reply statistics.time_to_first_close
            statistics.time_to_last_close statistics.median_time_to_reply statistics.count_reopens
            statistics.count_assignments statistics.count_conversation_parts ai_agent.rating""",
        "date": """created_at updated_at waiting_since snoozed_until
            statistics.first_contact_reply_at statistics.first_assignment_at
            statistics.first_admin_reply_at statistics.first_close_at
            statistics.last_assignment_at statistics.last_assignment_admin_reply_at
            statistics.last_contact_reply_at statistics.last_admin_reply_at
            statistics.last_close_at""",
        "boolean": "open read ai_agent_participated",
    },
    {
        "source.body": _Field("string", _body_words, many=True),
        "contact_ids": _Field("string", _ids("contacts.contacts"), many=True),
        "teammate_ids": _Field("string", _ids("teammates.teammates"), many=True),
        "tag_ids": _Field("string", _ids("tags.tags"), many=True),
        _RATING + "requested_at": _Field(
            "date", _first(_path(_RATING + "requested_at"), _path(_RATING + "created_at"))
        ),
        _RATING + "replied_at": _Field(
            "date", _first(_path(_RATING + "replied_at"), _path(_RATING + "updated_at"))
        ),
        _RATING + "score": _Field(
            "integer", _first(_path(_RATING + "score"), _path(_RATING + "rating"))
        ),
        _RATING + "contact_id": _Field(
            "string", _first(_path(_RATING + "contact_id"), _path(_RATING + "contact.id"))
        ),
        _RATING + "admin_id": _Field(
            "string", _first(_path(_RATING + "admin_id"), _path(_RATING + "teammate.id"))
        ),
        _RATING + "admin_d": _Field(
            "string", _first(_path(_RATING + "admin_id"), _path(_RATING + "teammate.id"))
        ),
    },
)

_FIELDS = {"contact": _CONTACT_FIELDS, "conversation": _CONVERSATION_FIELDS}

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
}


def searchable_fields(model: str) -> dict[str, str]:
    """The searchable fields of `model` and their types, `custom_attributes.*` aside."""
    return {name: spec.kind for name, spec in _fields_of(model).items()}


def _fields_of(model: str) -> dict[str, _Field]:
    if model not in _FIELDS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return _FIELDS[model]


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
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return None


def _query_number(value: Any) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


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


def _coerce(value: Any, spec: _Field, name: str, where: str) -> Any:
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
        return _number_test(op, target, inclusive=model == "conversation")
    return lambda value: value in target if op == "IN" else value == target


def _positive(spec: _Field, op: str, target: Any, model: str) -> Predicate:
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


def _check_keys(node: dict, where: str, keys: tuple[str, ...]) -> None:
    for key in node:
        if key not in keys:
            raise InvalidQuery(f"{where} has unknown key {key!r}", f"{where}.{key}")
    for key in keys:
        if key not in node:
            raise InvalidQuery(f"{where} is missing {key!r}", f"{where}.{key}")


def _field_spec(name: Any, model: str, value: Any, where: str) -> _Field:
    if not isinstance(name, str) or not name:
        raise InvalidQuery(f"{where}.field must be a non-empty string", f"{where}.field")
    if name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX):
        return _Field(_infer_kind(value), _custom(name[len(CUSTOM_PREFIX) :]))
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


def _check_operator(op: Any, spec: _Field, name: str, model: str, where: str) -> None:
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


def _target(op: str, value: Any, spec: _Field, name: str, where: str) -> Any:
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


def _filter(node: dict, where: str, model: str) -> Predicate:
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
    def predicate(record: dict) -> bool:
        return all(each(record) for each in predicates)

    return predicate


def _any(predicates: list[Predicate]) -> Predicate:
    def predicate(record: dict) -> bool:
        return any(each(record) for each in predicates)

    return predicate


def _check_group(node: dict, where: str, depth: int) -> list:
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


def _group(node: dict, where: str, model: str, depth: int) -> Predicate:
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


def _compile(query: object, model: str) -> Predicate:
    _fields_of(model)
    return _node(query, "query", model, 0)


def _model_of(record: dict) -> str:
    return "conversation" if record.get("type") == "conversation" else "contact"


def compile_query(query: object, model: str | None = None) -> Predicate:
    """Check `query` and turn it into a predicate over records.

    With `model` None, each record's `type` picks the field table, and an invalid query
    raises InvalidQuery on the first record rather than here.
    """
    if model is not None:
        return _compile(query, model)
    compiled: dict[str, Predicate] = {}

    def predicate(record: dict) -> bool:
        kind = _model_of(record)
        if kind not in compiled:
            compiled[kind] = _compile(query, kind)
        return compiled[kind](record)

    return predicate


def validate_query(query: object, model: str) -> None:
    """Raise InvalidQuery where Intercom would reject `query` for a `model` search."""
    _compile(query, model)


_CACHE_SIZE = 64
_cache: dict[tuple[int, str], tuple[object, object, Predicate]] = {}
_cache_lock = threading.Lock()


def _cached(query: object, model: str) -> Predicate:
    key = (id(query), model)
    hit = _cache.get(key)
    if hit is not None and hit[0] is query and hit[1] == query:
        return hit[2]
    predicate = _compile(query, model)
    with _cache_lock:
        while len(_cache) >= _CACHE_SIZE:
            del _cache[next(iter(_cache))]
        _cache[key] = (query, deepcopy(query), predicate)
    return predicate


def matches(record: dict, query: dict) -> bool:
    """Whether `record` (as the API returns it) satisfies `query`.

    Strings compare case-insensitively. Contact dates match by UTC calendar day (`=` the
    whole day, `>` from the next day, `<` before the day); conversation `>` and `<` include
    the bound, as Intercom documents them ("greater (or equal) than"). A list-valued field
    (tag_id, company_id, contact_ids, source.body words...) matches if any element does;
    the negated operators (!=, NIN, !~) match when the positive one does not.
    """
    return _cached(query, _model_of(record))(record)


# Sorting.


def _sort_getter(field: str) -> Getter:
    if field.startswith(CUSTOM_PREFIX):
        return _custom(field[len(CUSTOM_PREFIX) :])
    for table in _FIELDS.values():
        spec = table.get(field)
        if spec is not None and not spec.many:
            return spec.get
    return _path(field)


def _sort_key(value: Any) -> tuple | None:
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return None


def sort_records(records: Iterable[dict], field: str | None, order: str | None) -> list[dict]:
    """A new list of `records` sorted by `field` (dotted ok), stable, missing values last.

    No field keeps the order; a field without order sorts ascending. Numbers sort before
    strings, and strings compare case-insensitively.
    """
    if not field:
        return list(records)
    if order not in (None, "ascending", "descending"):
        raise InvalidQuery(f"sort order must be ascending or descending, got {order!r}", "order")
    get = _sort_getter(field)
    keyed: list[tuple[tuple, dict]] = []
    missing: list[dict] = []
    for record in records:
        key = _sort_key(get(record))
        if key is None:
            missing.append(record)
        else:
            keyed.append((key, record))
    keyed.sort(key=itemgetter(0), reverse=order == "descending")
    return [record for _, record in keyed] + missing
