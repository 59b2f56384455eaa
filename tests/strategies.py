"""Hypothesis strategies for the property tests: tool inputs from their JSON Schemas, and junk.

`tool_params(tool)` draws inputs that are valid against a tool's `input_schema`, with the
JSON-text parameters (`contentMediaType: application/json`) written as JSON text drawn from
their `contentSchema`, and ids often taken from the sandbox's seeded workspace so that
calls reach the success paths, not only 404s. `junk()` draws any Python value a host could
hand over: non-str keys, sets, bytes, objects, huge integers, NaN, lone surrogates.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import fractions
import json
import math
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from types import MappingProxyType, SimpleNamespace
from typing import Any

from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import _from_schema, from_schema

# --- hypothesis-jsonschema 0.23.1 against Hypothesis >= 6.15x --------------------------------
#
# hypothesis-jsonschema draws object properties with Hypothesis's private `cu.many(...)` and
# its old `.more()` / `.reject()` protocol, which newer Hypothesis replaced by a context
# manager; every object schema then fails with "'many' object has no attribute 'more'".
# Until a release of hypothesis-jsonschema follows, its module (and only its module) sees a
# `many` with the old protocol, built on `ConjectureData.draw_boolean`.


class _LegacyMany:
    """The pre-6.15x `cu.many` protocol: `while elements.more(): ...; elements.reject()`."""

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self.data = data
        self.min_size = min_size
        self.max_size = max_size
        spread = max(average_size - min_size, 0)
        self.p_continue = 0.0 if max_size == min_size else min(spread / (spread + 1), 0.99)
        self.count = 0
        self.rejections = 0
        self.force_stop = False

    def more(self) -> bool:
        if self.force_stop and self.count < self.min_size:
            self.data.mark_invalid(f"stopped below min_size={self.min_size}")
        if self.min_size == self.max_size:
            go = self.count < self.min_size
        else:
            forced = None
            if self.force_stop or self.count >= self.max_size:
                forced = False
            elif self.count < self.min_size:
                forced = True
            go = self.data.draw_boolean(self.p_continue, forced=forced)
        if go:
            self.count += 1
        return go

    def reject(self) -> None:
        self.count -= 1
        self.rejections += 1
        if self.rejections > max(3, 2 * self.count):
            if self.count < self.min_size:
                self.data.mark_invalid("too many rejections")
            self.force_stop = True


if not hasattr(conjecture_utils.many, "more"):
    setattr(  # noqa: B010 - a module attribute the type checker does not know
        _from_schema, "cu", SimpleNamespace(**{**vars(conjecture_utils), "many": _LegacyMany})
    )


# --- the sandbox's seeded workspace (README, "The sandbox") ----------------------------------

CONTACT_IDS = [f"6762f0dd{n:016d}" for n in range(1, 7)]
USER_IDS, LEAD_IDS = CONTACT_IDS[:4], CONTACT_IDS[4:]
COMPANY_IDS = [f"6762f07a{n:016d}" for n in range(1, 5)]
OWN_COMPANY_IDS = ["globex", "initech", "umbrella", "hooli"]
CONVERSATION_IDS = ["100", "101", "102", "103"]
ADMIN_IDS = ["991267801", "991267802", "991267803"]
EMAILS = ["hank@globex.example", "peter@initech.example", "alice@umbrella.example"]

# Seeded ids a parameter may take, so that generated calls also find what they name.
SEEDED_IDS: dict[str, list[str]] = {
    "contactId": CONTACT_IDS,
    "to_id": CONTACT_IDS,
    "companyId": COMPANY_IDS,
    "conversationId": CONVERSATION_IDS,
    "conversation_to_link_id": CONVERSATION_IDS,
    "ticketId": ["501"],
    "ticket_type_id": ["1"],
    "admin_id": ADMIN_IDS,
    "from_id": ADMIN_IDS,
    "owner_id": ADMIN_IDS,
}
# `company_id` is the caller's own id for contacts and companies, Intercom's for a ticket.
SEEDED_COMPANY_ID = {
    "intercom_create_contact": OWN_COMPANY_IDS + COMPANY_IDS,
    "intercom_update_contact": OWN_COMPANY_IDS + COMPANY_IDS,
    "intercom_create_company": OWN_COMPANY_IDS,
    "intercom_create_ticket": COMPANY_IDS,
}
# Custom attributes the seeded workspace defines, with values of their types.
CONTACT_ATTRIBUTES = {
    "plan_tier": st.text(max_size=20),
    "seats": st.integers(0, 10_000),
    "beta_tester": st.booleans(),
}
COMPANY_ATTRIBUTES = {
    "account_tier": st.text(max_size=20),
    "churn_risk": st.floats(0, 1, allow_nan=False),
}
TICKET_ATTRIBUTES = {
    "_default_title_": st.text(min_size=1, max_size=40),
    "_default_description_": st.text(max_size=80),
}

# Keywords hypothesis-jsonschema does not know (it would reject or ignore the schema) or
# that only annotate.
_ANNOTATIONS = {"$schema", "title", "description", "examples", "contentMediaType", "contentSchema"}


def strip_annotations(schema: Any) -> Any:
    """`schema` as hypothesis-jsonschema (drafts 4 to 7) reads it: no annotations or content
    keywords, and 2019-09's `dependentRequired`/`dependentSchemas` as draft 7's
    `dependencies`."""
    if isinstance(schema, dict):
        found = {
            key: strip_annotations(value)
            for key, value in schema.items()
            if key not in _ANNOTATIONS
        }
        if isinstance(schema.get("properties"), dict):  # names there are parameters, kept
            found["properties"] = {
                name: strip_annotations(value) for name, value in schema["properties"].items()
            }
        dependencies = {
            **found.pop("dependentRequired", {}),
            **found.pop("dependentSchemas", {}),
        }
        if dependencies:
            found["dependencies"] = {**found.get("dependencies", {}), **dependencies}
        return found
    if isinstance(schema, list):
        return [strip_annotations(item) for item in schema]
    return schema


def json_text_parameters(input_schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON-text parameters of a tool: name -> its `contentSchema`."""
    return {
        name: prop.get("contentSchema", {})
        for name, prop in input_schema.get("properties", {}).items()
        if prop.get("contentMediaType") == "application/json"
    }


def json_text(content_schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    """JSON text (compact or indented) of a value valid against `content_schema`."""
    values = from_schema(strip_annotations(dict(content_schema)))
    return st.builds(
        lambda value, indent: json.dumps(value, indent=indent),
        values,
        st.sampled_from([None, 2]),
    )


def _attributes(known: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[str]:
    return st.fixed_dictionaries({}, optional=known).map(json.dumps)


def _seeded_json_text(tool_id: str, name: str) -> st.SearchStrategy[str] | None:
    """JSON text naming what the seeded workspace holds, for the parameters that can."""
    if name == "custom_attributes":
        known = COMPANY_ATTRIBUTES if tool_id == "intercom_create_company" else CONTACT_ATTRIBUTES
        return _attributes(known)
    if name == "ticket_attributes":
        return st.fixed_dictionaries(
            {"_default_title_": TICKET_ATTRIBUTES["_default_title_"]},
            optional={"_default_description_": TICKET_ATTRIBUTES["_default_description_"]},
        ).map(json.dumps)
    if name == "contacts":
        one = st.one_of(
            st.sampled_from(CONTACT_IDS).map(lambda i: {"id": i}),
            st.sampled_from(EMAILS).map(lambda e: {"email": e}),
        )
        return one.map(lambda contact: json.dumps([contact]))
    if name == "query":
        filters = st.one_of(
            st.builds(
                lambda op, v: {"field": "email", "operator": op, "value": v},
                st.sampled_from(["=", "!=", "~", "!~", "^", "$"]),
                st.sampled_from([*EMAILS, "example", "initech.example", ""]),
            ),
            st.builds(
                lambda op, v: {"field": "role", "operator": op, "value": v},
                st.sampled_from(["=", "!="]),
                st.sampled_from(["user", "lead"]),
            ),
            st.builds(
                lambda op, v: {"field": "state", "operator": op, "value": v},
                st.sampled_from(["=", "!="]),
                st.sampled_from(["open", "closed", "snoozed"]),
            ),
            st.builds(
                lambda op, v: {"field": "created_at", "operator": op, "value": v},
                st.sampled_from(["<", "<=", ">", ">="]),
                st.integers(0, 2_000_000_000),
            ),
            st.builds(
                lambda op, v: {"field": "id", "operator": op, "value": v},
                st.sampled_from(["IN", "NIN"]),
                st.lists(st.sampled_from(CONTACT_IDS + CONVERSATION_IDS), min_size=1),
            ),
        )
        group = st.builds(
            lambda op, items: {"operator": op, "value": items},
            st.sampled_from(["AND", "OR"]),
            st.lists(filters, min_size=1, max_size=4),
        )
        return st.one_of(filters, group).map(json.dumps)
    return None


_STRATEGIES: dict[str, tuple[st.SearchStrategy[Any], dict[str, st.SearchStrategy[str]]]] = {}


def _tool_strategies(
    tool: Mapping[str, Any],
) -> tuple[st.SearchStrategy[Any], dict[str, st.SearchStrategy[str]]]:
    """The skeleton strategy and the JSON-text strategies of a tool, built once: building
    one makes hypothesis-jsonschema canonicalise the schema, which is slow."""
    if tool["id"] not in _STRATEGIES:
        schema = tool["input_schema"]
        texts = {}
        for name, content_schema in json_text_parameters(schema).items():
            seeded = _seeded_json_text(tool["id"], name)
            choices = [json_text(content_schema), *([seeded] if seeded is not None else [])]
            texts[name] = st.one_of(choices)
        _STRATEGIES[tool["id"]] = (from_schema(strip_annotations(schema)), texts)
    return _STRATEGIES[tool["id"]]


_TOOLS: dict[str, Mapping[str, Any]] = {}


def tool_params(tool: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Parameters valid against `tool["input_schema"]`, JSON-text parameters as JSON text.

    The skeleton comes from hypothesis-jsonschema; then each JSON-text parameter becomes
    JSON text of a value drawn from its `contentSchema` (or of one naming seeded records),
    and each id parameter may become one of the seeded workspace's ids.
    """
    _TOOLS[tool["id"]] = tool
    return _tool_params(tool["id"])  # by id: the strategy's repr stays short


@st.composite
def _tool_params(draw: st.DrawFn, tool_id: str) -> dict[str, Any]:
    tool = _TOOLS[tool_id]
    skeleton, texts = _tool_strategies(tool)
    params = dict(draw(skeleton))
    for name, text in texts.items():
        if name in params:
            params[name] = draw(text)
    for name in list(params):
        ids = SEEDED_IDS.get(name)
        if name == "company_id":
            ids = SEEDED_COMPANY_ID.get(tool["id"])
        if ids and draw(st.booleans()):
            chosen = draw(st.sampled_from(ids))
            wanted = tool["input_schema"]["properties"].get(name, {}).get("type")
            params[name] = int(chosen) if wanted == "integer" else chosen  # as the schema types it
    return params


# --- junk: any Python value a host could hand over -------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
ANY_CHARACTER = st.characters(blacklist_categories=())  # every code point, surrogates too
any_text = st.one_of(
    st.text(alphabet=ANY_CHARACTER, max_size=30),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=5), SURROGATES, st.text(max_size=5)),
)


class Opaque:
    """An object of a class the plugin has never heard of."""

    def __repr__(self) -> str:
        return "Opaque()"


class Shouting:
    """An object whose repr and str fail."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")

    __str__ = __repr__


class Recursive(list[Any]):
    """A list that holds itself: its repr is `[[...]]`, its nesting infinite."""

    def __init__(self) -> None:
        super().__init__()
        self.append(self)


class EqualsRaises(str):
    """A str whose comparisons fail."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no comparing")

    __hash__ = str.__hash__


class ItemsRaise(dict[str, Any]):
    """A dict whose items cannot be read."""

    def items(self) -> Any:
        raise RuntimeError("no items")

    def __iter__(self) -> Any:
        raise RuntimeError("no iterating")

    def __repr__(self) -> str:
        return "ItemsRaise()"


class BrokenMapping(Mapping[str, Any]):
    """A Mapping whose every key lookup fails."""

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError("no lookup")

    def __iter__(self) -> Iterator[str]:
        return iter(["per_page", "accessToken"])

    def __len__(self) -> int:
        return 2

    def __repr__(self) -> str:
        return "BrokenMapping()"


class IntBitsRaise(int):
    def bit_length(self) -> int:
        raise RuntimeError("no bits")


class FloatRaises(float):
    def is_integer(self) -> bool:
        raise RuntimeError("no answer")


# Values of types whose own methods fail: the hook must still answer (an internal error is
# an acceptable answer to these; raising is not).
hostile = st.sampled_from(
    [
        EqualsRaises("accessToken"),
        EqualsRaises("sandbox-token"),
        ItemsRaise(per_page=5),
        BrokenMapping(),
        IntBitsRaise(5),
        FloatRaises(5.0),
    ]
)


def self_referencing_dict() -> dict[str, Any]:
    cycle: dict[str, Any] = {}
    cycle["self"] = cycle
    return cycle


def _generator() -> Iterator[int]:
    yield 1


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.integers(min_value=-(2**70), max_value=-(2**63) + 2),
    st.sampled_from([10**400, -(10**400), 2**64]),
    st.floats(),  # nan and infinities included
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5.0, 1e308]),
    st.complex_numbers(),
    st.decimals(),
    st.fractions(),
    any_text,
    st.binary(max_size=20),
    st.builds(bytearray, st.binary(max_size=10)),
    st.binary(max_size=10).map(lambda data: memoryview(data)),
    st.datetimes(),
    st.dates(),
    st.timedeltas(),
    st.uuids(),
    st.sampled_from(
        [
            Ellipsis,
            NotImplemented,
            object(),
            Opaque(),
            type,
            len,
            print,
            Opaque,
            range(3),
            decimal.Decimal("NaN"),
            fractions.Fraction(1, 3),
            datetime.UTC,
            uuid.UUID(int=0),
        ]
    ),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    hashable = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), any_text, st.binary(max_size=5)
    )
    keys = st.one_of(any_text, hashable, st.tuples(hashable, hashable), st.frozensets(hashable))
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(any_text, children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.dictionaries(keys, children, max_size=3).map(OrderedDict),
        st.dictionaries(any_text, children, max_size=3).map(MappingProxyType),
        st.sets(hashable, max_size=4),
        st.frozensets(hashable, max_size=3),
        st.lists(children, max_size=3).map(iter),
        st.just(_generator()),
    )


def junk() -> st.SearchStrategy[Any]:
    """Any Python value, nested: what a careless or hostile host might pass."""
    plain = st.recursive(scalars, _containers, max_leaves=12)
    cycles = st.builds(Recursive) | st.builds(self_referencing_dict)
    return st.one_of(plain, cycles, st.builds(Shouting), hostile)


def junk_mappings() -> st.SearchStrategy[Any]:
    """Mappings with junk keys and values, dicts of plain names to junk values, and
    mappings that fail when read."""
    return st.one_of(
        st.dictionaries(st.text(max_size=20), junk(), max_size=5),
        st.dictionaries(junk().filter(_hashable), junk(), max_size=4),
        st.sampled_from([ItemsRaise(per_page=5), BrokenMapping()]),
        st.dictionaries(st.sampled_from(["per_page", "accessToken", "baseUrl"]), hostile),
    )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# Plain JSON-ish junk (dicts, lists, str, numbers, booleans, None) with the defects a JSON
# parser never makes: lone surrogates, non-str keys, huge integers, NaN. No user classes.
plain_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 10**400]),
    st.floats(),
    any_text,
    st.binary(max_size=10),
)


def plain_junk() -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        keys = st.one_of(any_text, st.integers(), st.none(), st.floats(), st.booleans())
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(any_text, children, max_size=4),
            st.dictionaries(keys, children, max_size=3),
            st.lists(children, max_size=3).map(tuple),
            st.sets(st.integers() | st.text(max_size=3), max_size=3),
        )

    return st.recursive(plain_scalars, extend, max_leaves=10)


def deepcopy_or_same(value: Any) -> Any:
    """A copy to compare after the call (the plugin must not mutate its input), when copyable."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


# --- hostile values in a tool's own parameters -----------------------------------------------

# Text a careless host sends where a number, a boolean or a list belongs: other scripts'
# digits, numbers past any float, words Python's float() reads, blanks, JSON of other types.
HOSTILE_TEXT = st.sampled_from(
    [
        "\u0664\u0662",  # Arabic-Indic 42
        "\uff14\uff12",  # full-width 42
        "1e999",
        "-1e999",
        "-1",
        "nan",
        "inf",
        "-0",
        "1_000",
        " 7 ",
        "99999999999999999999999",
        "1e300",
        "",
        " ",
        "\x00",
        "true",
        "[]",
        "{}",
        "null",
        "a,,b",
    ]
)
HOSTILE_LISTS = st.lists(
    st.one_of(st.none(), st.integers(), st.booleans(), HOSTILE_TEXT), max_size=3
)


def hostile_params(tool: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid parameters of `tool` with some of them (its own names, `fields` and `max_items`
    too) given hostile values: junk of any type, hostile text, lists of non-strings."""
    names = sorted({*tool["input_schema"].get("properties", {}), "fields", "max_items"})
    values = st.one_of(junk(), plain_junk(), HOSTILE_TEXT, HOSTILE_LISTS)
    replaced = st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=3)
    return st.tuples(tool_params(tool), replaced).map(lambda pair: {**pair[0], **pair[1]})
