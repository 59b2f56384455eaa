"""Properties of `sim_execute_tool` over generated inputs, against the sandbox's `responses` door.

Whatever the host passes, the hook returns the result envelope and raises nothing; what can
never be sent is refused as `invalid_input` naming the parameter, before any request; the
token never shows; schema-valid inputs never end in a bug (`internal`) or a misread answer
(`invalid_response`), and every success has the documented shape.

Every test is derandomized (a fixed seed): a failure reproduces on every run and machine.
"""

from __future__ import annotations

import enum
import json
import logging
import math
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from helpers import our_plugin_manager
from sim_intercom import plugin as intercom_plugin
from sim_intercom.host import execute_tool, list_tools
from sim_intercom.sandbox import SANDBOX_TOKEN, Workspace, mock_intercom
from spec_tables import PLUGIN_OPTIONS
from strategies import (
    ADMIN_IDS,
    CONTACT_IDS,
    CONVERSATION_IDS,
    hostile_params,
    junk,
    junk_mappings,
    plain_junk,
    tool_params,
)

BASE_URL = "https://sandbox.intercom.test"
CREDENTIALS = {"accessToken": SANDBOX_TOKEN, "baseUrl": BASE_URL}
ENVELOPE = {"success", "output", "error", "error_detail"}

TOOLS = list_tools(our_plugin_manager())
TOOL_IDS = [tool["id"] for tool in TOOLS]
TOOLS_BY_ID = {tool["id"]: tool for tool in TOOLS}

# Derandomized: the same examples on every run. No example database, so a run never
# depends on what an earlier run found. No deadline: a call's time varies with the machine.
fixed = settings(derandomize=True, database=None, deadline=None)


def examples(count: int, **kwargs: Any) -> settings:
    """The fixed settings with `count` examples."""
    return settings(fixed, max_examples=count, **kwargs)


# --- the sandbox, the requests sent, the log lines written -----------------------------------


@contextmanager
def sent_requests() -> Iterator[list[requests.PreparedRequest]]:
    """Every request any `requests.Session` sends while the block runs, as it is sent."""
    sent: list[requests.PreparedRequest] = []
    original = requests.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        sent.append(request)
        return original(self, request, **kwargs)

    with mock.patch.object(requests.Session, "send", send):
        yield sent


@contextmanager
def sandbox() -> Iterator[list[requests.PreparedRequest]]:
    """A fresh seeded sandbox at `BASE_URL`, and the list of requests the block sends."""
    intercom_plugin.executor.clear_caches()
    with mock_intercom(Workspace(), base_url=BASE_URL), sent_requests() as sent:
        yield sent


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line of every logger, at DEBUG, formatted (exception tracebacks included).

    A handler of its own rather than pytest's `caplog`: caplog is one per test, not one per
    generated example.
    """
    handler = _ListHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(n) for n in ("sim_intercom", "sim_intercom.http"))]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def call(manager: Any, tool_id: str, params: Any, credentials: Any) -> dict[str, Any]:
    result = execute_tool(manager, tool_id, params, credentials)
    assert isinstance(result, dict), result
    assert set(result) == ENVELOPE, result
    assert isinstance(result["success"], bool)
    return result


def kind(result: Mapping[str, Any]) -> str | None:
    return result["error_detail"]["kind"] if result["error_detail"] else None


def named(result: Mapping[str, Any]) -> set[str]:
    """The parameters the violations of a failed result name (a violation inside a JSON-text
    parameter, `query.value`, names `query`)."""
    places = [v["parameter"] for v in (result["error_detail"] or {}).get("violations", [])]
    return {place.split(".")[0].split("[")[0] for place in places} | set(places)


def short(value: Any, limit: int = 600) -> str:
    """A failure message's view of a value that may be megabytes long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def refused_before_sending(result: Mapping[str, Any]) -> bool:
    """An input error found by the plugin itself (not Intercom's 400/422)."""
    return kind(result) == "invalid_input" and result["error_detail"]["status"] is None


def assert_nothing_sent(result: Mapping[str, Any], sent: list[Any]) -> None:
    assert sent == [], f"{len(sent)} request(s) sent: {[r.url for r in sent][:3]}"
    assert result["error_detail"]["attempts"] == 0


# --- 1. schema-valid inputs, every tool ------------------------------------------------------

SCHEMA_EXAMPLES = 20
SEARCH_EXAMPLES = 10  # a search query's contentSchema (if/then/else) is slow to generate from


def _examples(tool_id: str) -> int:
    return SEARCH_EXAMPLES if "search" in tool_id else SCHEMA_EXAMPLES


def _schema_settings(tool_id: str) -> settings:
    # too_slow: hypothesis-jsonschema's filters for if/then/else and anyOf take many draws.
    return settings(
        fixed,
        max_examples=_examples(tool_id),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_schema_valid_input_never_ends_in_internal_or_invalid_response(plugin_manager, tool_id):
    tool = TOOLS_BY_ID[tool_id]
    input_validator = Draft202012Validator(tool["input_schema"])

    @_schema_settings(tool_id)
    @given(tool_params(tool))
    def check(params: dict[str, Any]) -> None:
        assert input_validator.is_valid(params)
        with sandbox():
            result = call(plugin_manager, tool_id, params, CREDENTIALS)
        event(f"kind={kind(result) or 'success'}")
        assert kind(result) not in ("internal", "invalid_response"), result

    check()


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_every_success_matches_the_output_schema(plugin_manager, tool_id):
    tool = TOOLS_BY_ID[tool_id]
    output_validator = Draft202012Validator(tool["output_schema"])

    @_schema_settings(tool_id)
    @given(tool_params(tool))
    def check(params: dict[str, Any]) -> None:
        with sandbox():
            result = call(plugin_manager, tool_id, params, CREDENTIALS)
        if result["success"]:
            errors = [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
                for e in output_validator.iter_errors(result["output"])
            ]
            assert errors == [], errors

    check()


HOSTILE_EXAMPLES = 15


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_no_input_of_any_type_ends_in_an_internal_error(plugin_manager, tool_id):
    """Schema-valid or not: valid parameters with some given hostile values of any type."""
    tool = TOOLS_BY_ID[tool_id]

    @settings(
        fixed,
        max_examples=HOSTILE_EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(hostile_params(tool))
    def check(params: dict[str, Any]) -> None:
        with sandbox():
            result = call(plugin_manager, tool_id, params, CREDENTIALS)
        event(f"kind={kind(result) or 'success'}")
        assert kind(result) != "internal", (short(params), result["error"])

    check()


# --- 2. junk of any Python type, as params and as credentials --------------------------------

_JSON_SCALARS = (str, int, float, bool, type(None))


def unsendable(value: Any, _path: frozenset[int] = frozenset()) -> bool:
    """True when `value` is definitely not a JSON value a request could carry: a type JSON
    lacks, a non-str key, a lone surrogate, an integer past 64 bits, NaN or an infinity,
    or a cycle. (A conservative oracle, written without the plugin's own checks.)"""
    if id(value) in _path:
        return True
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    if isinstance(value, int):
        return abs(value) >= 2**64
    if isinstance(value, float):
        return not math.isfinite(value)
    path = _path | {id(value)}
    if isinstance(value, Mapping):
        return any(not isinstance(k, str) or unsendable(k) for k in value) or any(
            unsendable(v, path) for v in value.values()
        )
    if isinstance(value, list | tuple):
        return any(unsendable(item, path) for item in value)
    return True


def _json_tool_ids() -> st.SearchStrategy[str]:
    return st.sampled_from(TOOL_IDS)


@examples(150)
@given(tool_id=_json_tool_ids(), params=st.one_of(junk(), junk_mappings()))
def test_junk_params_never_raise(plugin_manager, tool_id, params):
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, params, CREDENTIALS)
    if not result["success"] and refused_before_sending(result):
        assert_nothing_sent(result, sent)


@examples(150)
@given(tool_id=_json_tool_ids(), credentials=st.one_of(junk(), junk_mappings()))
def test_junk_credentials_never_raise(plugin_manager, tool_id, credentials):
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, {}, credentials)
    if type(credentials) is not dict or not _holds_token(credentials):
        # no token to send: refused, or (for a mapping that fails when read) an internal
        # error; either way before anything was sent
        assert refused_before_sending(result) or kind(result) == "internal", result
        assert_nothing_sent(result, sent)
    elif not result["success"] and refused_before_sending(result):
        assert_nothing_sent(result, sent)


def _holds_token(credentials: dict[Any, Any]) -> bool:
    """Whether a key is the text `accessToken`, asked without calling a key's own `==`
    (junk keys may raise when compared)."""
    return any(
        type(k) is not bool and isinstance(k, str) and str.__eq__(k, "accessToken") is True
        for k in list(credentials)
    )


@examples(150)
@given(
    tool_id=_json_tool_ids(),
    params=st.dictionaries(st.text(max_size=12), plain_junk(), min_size=1, max_size=4),
)
def test_unsendable_param_values_are_refused_naming_them(plugin_manager, tool_id, params):
    """A value a request cannot carry is `invalid_input` naming its parameter, nothing sent,
    and never an internal error."""
    bad = {name for name, value in params.items() if unsendable(value)}
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, params, CREDENTIALS)
    assert kind(result) != "internal", result
    if bad:
        assert refused_before_sending(result), result
        assert bad <= named(result), (bad, result["error_detail"]["violations"])
        assert_nothing_sent(result, sent)


@examples(100)
@given(
    tool_id=_json_tool_ids(),
    extra=st.dictionaries(st.text(max_size=12), plain_junk(), min_size=1, max_size=3),
)
def test_unsendable_credential_values_are_refused_naming_them(plugin_manager, tool_id, extra):
    credentials = {**CREDENTIALS, **extra}
    bad = {name for name, value in extra.items() if unsendable(value)}
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, {}, credentials)
    assert kind(result) != "internal", result
    if bad:
        assert refused_before_sending(result), result
        assert bad <= named(result), (bad, result["error_detail"]["violations"])
        assert_nothing_sent(result, sent)


@examples(60)
@given(tool_id=_json_tool_ids(), where=st.sampled_from(["params", "credentials"]), value=junk())
def test_params_or_credentials_that_are_not_mappings_are_refused(
    plugin_manager, tool_id, where, value
):
    if isinstance(value, Mapping) or value is None:
        return  # a mapping is not the point here, and None is "no parameters"
    params, credentials = (value, CREDENTIALS) if where == "params" else ({}, value)
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, params, credentials)
    assert refused_before_sending(result), result
    assert where in named(result)
    assert_nothing_sent(result, sent)


class IdEnum(str, enum.Enum):  # noqa: UP042 - the str mixin, as code older than StrEnum has
    """A str Enum, as a host's code may hold ids: its value is the id."""

    HANK = CONTACT_IDS[0]
    PETER = CONTACT_IDS[1]


class Shown(str):
    """A str subclass whose str() is something else; its value is still the string."""

    def __str__(self) -> str:
        return "shown"

    def __format__(self, spec: str) -> str:
        return "formatted"


@examples(20)
@given(
    contact=st.sampled_from([IdEnum.HANK, IdEnum.PETER]) | st.sampled_from(CONTACT_IDS).map(Shown)
)
def test_a_str_subclass_is_sent_as_its_value(plugin_manager, contact):
    """The value checked is the value sent: a str subclass (a str Enum member, a class that
    overrides __str__/__format__) goes into the path as the string it holds."""
    value = str.__str__(contact)
    with sandbox() as sent:
        result = call(plugin_manager, "intercom_get_contact", {"contactId": contact}, CREDENTIALS)
    assert [urlsplit(r.url).path for r in sent] == [f"/contacts/{value}"]
    assert result["success"], result["error"]


# --- 3. monsters: deep nesting, giant integers, multi-megabyte strings -----------------------


def nested_list(depth: int) -> list[Any]:
    """[[[...]]] `depth` deep, built without recursion."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def nested_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


MEGABYTES = 3 * 1024 * 1024
MONSTERS: dict[str, Any] = {
    "list-10000-deep": nested_list(10_000),
    "dict-10000-deep": nested_dict(10_000),
    "int-10**5000": 10**5000,
    "negative-int-10**5000": -(10**5000),
    "ascii-3MB": "x" * MEGABYTES,
    "unicode-3MB": "\u00e9\u4e2d" * (MEGABYTES // 2),
    "surrogate-3MB": "\ud800" * MEGABYTES,
}
# JSON text that decodes to a monster: for the JSON-text parameters.
JSON_TEXT_MONSTERS: dict[str, str] = {
    "json-list-10000-deep": "[" * 10_000 + "]" * 10_000,
    "json-dict-2000-deep": '{"a":' * 2_000 + "{}" + "}" * 2_000,
    "json-int-5000-digits": '{"a": ' + "9" * 5000 + "}",
    "json-1e999": '{"a": 1e999}',
    "json-NaN": '{"a": NaN}',
    "json-lone-surrogate": '{"a": "\\ud800"}',
    "json-surrogate-key": '{"\\udfff": 1}',
    "json-3MB-string": '{"a": "' + "z" * MEGABYTES + '"}',
    # under the 1,000,000 characters a string may have, so only the key's place is wrong
    "json-long-key": '{"' + "k" * 900_000 + '": {"an": "object"}}',
}
CREDENTIAL_NAMES = [
    "accessToken",
    "baseUrl",
    "region",
    "intercomVersion",
    "connectTimeout",
    "readTimeout",
    "maxRetries",
    "maxWait",
]


def _positions() -> list[tuple[str, str, str]]:
    """(tool, 'params' or 'credentials', name): every parameter of every tool, the
    `accessToken` parameter, an unknown one, and every credential (for one tool)."""
    found = []
    for tool in TOOLS:
        names = [*tool["input_schema"]["properties"], "accessToken", "not_a_parameter"]
        found += [(tool["id"], "params", name) for name in names]
    found += [("intercom_list_contacts", "credentials", name) for name in CREDENTIAL_NAMES]
    found += [("intercom_list_contacts", "credentials", "notACredential")]
    return found


POSITIONS = _positions()
JSON_TEXT_POSITIONS = [
    (tool["id"], name)
    for tool in TOOLS
    for name, prop in tool["input_schema"]["properties"].items()
    if prop.get("contentMediaType") == "application/json"
]


def _monster_call(manager: Any, tool_id: str, where: str, name: str, value: Any) -> None:
    params: dict[str, Any] = {}
    credentials = dict(CREDENTIALS)
    (params if where == "params" else credentials)[name] = value
    with sandbox() as sent:
        result = call(manager, tool_id, params, credentials)
    assert refused_before_sending(result), short(result)
    is_named = name in named(result)  # not in the assert: no introspection of megabytes
    assert is_named, short(result)
    assert_nothing_sent(result, sent)
    error_length, result_length = len(result["error"]), len(json.dumps(result))
    assert error_length < 5000, f"an error of {error_length:,} characters: {short(result)}"
    assert result_length < 20_000, f"a result of {result_length:,} bytes: {short(result)}"


@pytest.mark.parametrize("monster", MONSTERS)
@pytest.mark.parametrize(("tool_id", "where", "name"), POSITIONS)
def test_monster_values_are_refused_naming_the_parameter(
    plugin_manager, tool_id, where, name, monster
):
    _monster_call(plugin_manager, tool_id, where, name, MONSTERS[monster])


def _admits(tool_id: str, name: str, text: str) -> bool:
    """Whether the parameter's own schema takes this JSON text (an open object takes a long
    key), so that only a limit of the plugin's could refuse it."""
    schema = TOOLS_BY_ID[tool_id]["input_schema"]["properties"][name].get("contentSchema")
    try:
        return schema is not None and Draft202012Validator(schema).is_valid(json.loads(text))
    except (ValueError, RecursionError):
        return False


@pytest.mark.parametrize(
    ("tool_id", "name", "monster"),
    [
        (tool_id, name, monster)
        for tool_id, name in JSON_TEXT_POSITIONS
        for monster, text in JSON_TEXT_MONSTERS.items()
        if not (monster == "json-long-key" and _admits(tool_id, name, text))
    ],
)
def test_monster_json_text_is_refused_naming_the_parameter(plugin_manager, tool_id, name, monster):
    _monster_call(plugin_manager, tool_id, "params", name, JSON_TEXT_MONSTERS[monster])


class TimeLimitExceeded(BaseException):
    """Raised into a call that runs too long; a BaseException, so the hook's own
    `except Exception` does not turn it into a result."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the block when it runs longer than `seconds` (SIGALRM: main thread, POSIX)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeLimitExceeded(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


LONG_LIST = [0] * 250_000  # 2 MB of pointers: more values than any request holds


@pytest.mark.parametrize(
    ("tool_id", "where", "name"),
    [
        ("intercom_list_contacts", "params", "starting_after"),
        ("intercom_create_contact", "params", "custom_attributes"),
        ("intercom_list_contacts", "credentials", "accessToken"),
    ],
)
def test_a_list_of_too_many_values_is_refused_naming_the_parameter(
    plugin_manager, tool_id, where, name
):
    _monster_call(plugin_manager, tool_id, where, name, LONG_LIST)


# Mappings of some megabytes: many keys, each refused. The error must stay short, and the
# refusal take time linear in the input (a call runs inside the host's request).
MANY_KEYS: dict[str, Any] = {
    "invalid-names": lambda: {f"{i:05d}\ud800" + "k" * 300: 1 for i in range(10_000)},
    "unknown-names": lambda: {f"{i:05d}" + "k" * 1995: "v" for i in range(1_500)},
    "unsendable-values": lambda: {f"key{i}": "\ud800" * 300 for i in range(10_000)},
}


@pytest.mark.parametrize(
    ("where", "many"),
    [
        ("params", "invalid-names"),
        ("params", "unknown-names"),
        ("params", "unsendable-values"),
        ("credentials", "invalid-names"),
        ("credentials", "unsendable-values"),
    ],
)
def test_a_mapping_of_many_bad_keys_gets_a_short_error(plugin_manager, where, many):
    mapping = MANY_KEYS[many]()
    params, credentials = (mapping, CREDENTIALS) if where == "params" else ({}, mapping)
    with sandbox() as sent, time_limit(5):
        result = call(plugin_manager, "intercom_list_contacts", params, credentials)
    assert refused_before_sending(result)
    assert_nothing_sent(result, sent)
    error_length, result_length = len(result["error"]), len(json.dumps(result))
    assert error_length < 5000, f"an error of {error_length:,} characters: {short(result)}"
    assert result_length < 100_000, f"a result of {result_length:,} bytes"


@pytest.mark.parametrize("where", ["params", "credentials"])
def test_a_long_unknown_name_gets_a_short_error(plugin_manager, where):
    """A name of 900,000 characters (under the limit for a string) that is not a parameter."""
    mapping = {"n" * 900_000: 1}
    params, credentials = (mapping, CREDENTIALS) if where == "params" else ({}, mapping)
    with sandbox():
        result = call(plugin_manager, "intercom_get_ticket", params, credentials)
    assert refused_before_sending(result)
    error_length = len(result["error"])
    assert error_length < 5000, f"an error of {error_length:,} characters: {short(result)}"


def test_many_unknown_parameters_are_refused_in_linear_time(plugin_manager):
    """20,000 unknown parameter names (0.3 MB): a linear check takes some milliseconds."""
    params = {f"unknown{i}": "v" for i in range(20_000)}
    with sandbox() as sent, time_limit(1):
        result = call(plugin_manager, "intercom_list_contacts", params, CREDENTIALS)
    assert refused_before_sending(result)
    assert_nothing_sent(result, sent)


# --- 4. tokens --------------------------------------------------------------------------------

MARKER = "Zq7tok"  # starts every generated token, so even a quoted prefix would be found
_visible = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
token_core = st.text(alphabet=_visible, min_size=4, max_size=40).map(lambda s: MARKER + s)
_controls = st.characters(categories=["Cc"])  # \x00-\x1f, \x7f-\x9f: \t \r \n included
_beyond_latin1 = st.characters(min_codepoint=0x100, blacklist_categories=())  # surrogates too
_http_space = st.sampled_from([" ", "\t", "  ", " \t"])


def _insert(core: str, char: str, at: int) -> str:
    at = at % (len(core) + 1)
    return core[:at] + char + core[at:]


unsendable_tokens = st.one_of(
    st.builds(lambda c, s: s + c, token_core, _http_space),
    st.builds(lambda c, s: c + s, token_core, _http_space),
    st.builds(lambda c, s, t: s + c + t, token_core, _http_space, _http_space),
    st.builds(_insert, token_core, _controls, st.integers(0, 50)),
    st.builds(_insert, token_core, _beyond_latin1, st.integers(0, 50)),
    st.builds(
        lambda c, chars: c + "".join(chars),
        token_core,
        st.lists(st.one_of(_controls, _beyond_latin1), min_size=1, max_size=5),
    ),
)
# Tokens a header can carry, none of them the sandbox's: Intercom answers 401.
wrong_tokens = st.builds(
    lambda core, tail: core + tail,
    token_core,
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20).map(
        lambda s: s.rstrip(" \xa0") + "!"
    ),
).filter(lambda t: all(0x20 <= ord(c) <= 0x7E or 0xA1 <= ord(c) <= 0xFF for c in t))


def _token_credentials(token: str, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(params, credentials) carrying `token` as a credential or as Sim's parameter."""
    if where == "credentials":
        return {}, {**CREDENTIALS, "accessToken": token}
    return {"accessToken": token}, {"baseUrl": BASE_URL}


def assert_token_hidden(token: str, result: Mapping[str, Any], log_lines: list[str]) -> None:
    shown = [
        json.dumps(result),
        json.dumps(result, ensure_ascii=False),
        repr(result),
        result["error"] or "",
        "\n".join(log_lines),
    ]
    for text in shown:
        assert token not in text
        assert MARKER not in text, text[:2000]


@examples(120)
@given(
    tool_id=_json_tool_ids(),
    token=unsendable_tokens,
    where=st.sampled_from(["credentials", "params"]),
)
def test_a_token_no_header_can_carry_is_invalid_input_naming_access_token(
    plugin_manager, tool_id, token, where
):
    params, credentials = _token_credentials(token, where)
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, params, credentials)
    assert kind(result) == "invalid_input", result
    assert "accessToken" in named(result)
    assert_nothing_sent(result, sent)


@examples(120)
@given(
    tool_id=_json_tool_ids(),
    token=unsendable_tokens,
    where=st.sampled_from(["credentials", "params"]),
)
def test_an_unsendable_token_never_shows_in_result_or_logs(plugin_manager, tool_id, token, where):
    params, credentials = _token_credentials(token, where)
    with captured_logs() as lines, sandbox():
        result = call(plugin_manager, tool_id, params, credentials)
    assert_token_hidden(token, result, lines)


@examples(60)
@given(
    tool_id=st.sampled_from(["intercom_list_contacts", "intercom_get_ticket"]),
    token=wrong_tokens,
    where=st.sampled_from(["credentials", "params"]),
)
def test_a_wrong_token_never_shows_in_result_or_logs(plugin_manager, tool_id, token, where):
    params, credentials = _token_credentials(token, where)
    if tool_id == "intercom_get_ticket":
        params["ticketId"] = "501"
    with captured_logs() as lines, sandbox():
        result = call(plugin_manager, tool_id, params, credentials)
    assert kind(result) == "unauthorized", result
    assert any(line.startswith("sim_intercom.http DEBUG request") for line in lines), lines
    assert_token_hidden(token, result, lines)


# --- 5. integral floats for integer parameters ------------------------------------------------

TIMESTAMPS = st.integers(1_600_000_000, 1_800_000_000)
# tool -> (parameters making a call the seeded sandbox answers with success,
#          {integer parameter: values it may take})
FUTURE = st.integers(4_000_000_000, 4_100_000_000)  # Unix seconds far ahead, for snoozes
INTEGER_CALLS: dict[str, tuple[dict[str, Any], dict[str, st.SearchStrategy[int]]]] = {
    "intercom_list_contacts": ({}, {"per_page": st.integers(1, 150)}),
    "intercom_list_conversations": ({}, {"per_page": st.integers(1, 150)}),
    "intercom_list_companies": ({}, {"per_page": st.integers(1, 60), "page": st.integers(1, 4)}),
    "intercom_search_contacts": (
        {"query": json.dumps({"field": "role", "operator": "=", "value": "user"})},
        {"per_page": st.integers(1, 150)},
    ),
    "intercom_search_conversations": (
        {"query": json.dumps({"field": "state", "operator": "=", "value": "open"})},
        {"per_page": st.integers(1, 150)},
    ),
    "intercom_create_contact": (
        {"role": "lead", "name": "Ada"},
        {"signed_up_at": TIMESTAMPS, "last_seen_at": TIMESTAMPS},
    ),
    "intercom_update_contact": (
        {"contactId": CONTACT_IDS[1]},
        {"signed_up_at": TIMESTAMPS, "last_seen_at": TIMESTAMPS},
    ),
    "intercom_snooze_conversation": (
        {"conversationId": CONVERSATION_IDS[0], "admin_id": ADMIN_IDS[0]},
        {"snoozed_until": FUTURE},
    ),
    "intercom_update_ticket": ({"ticketId": "501"}, {"snoozed_until": FUTURE}),
    "intercom_create_event": (
        {"event_name": "signed-in", "id": CONTACT_IDS[0]},
        {"created_at": TIMESTAMPS},
    ),
    "intercom_create_company": (
        {"company_id": "acme"},
        {"size": st.integers(0, 100_000), "remote_created_at": TIMESTAMPS},
    ),
    "intercom_reply_conversation": (
        {"conversationId": CONVERSATION_IDS[0], "message_type": "note", "body": "hi"},
        {"created_at": TIMESTAMPS},
    ),
    "intercom_create_ticket": (
        {
            "ticket_type_id": "1",
            "contacts": json.dumps([{"id": CONTACT_IDS[0]}]),
            "ticket_attributes": json.dumps({"_default_title_": "Export fails"}),
        },
        {"created_at": TIMESTAMPS},
    ),
    "intercom_create_message": (
        {
            "message_type": "inapp",
            "template": "plain",
            "body": "hello",
            "from_type": "admin",
            "from_id": ADMIN_IDS[0],
            "to_type": "user",
            "to_id": CONTACT_IDS[0],
        },
        {"created_at": TIMESTAMPS},
    ),
    # A: people
    "intercom_find_companies": ({}, {"per_page": st.integers(1, 60), "page": st.integers(1, 4)}),
    "intercom_update_company": (
        {"companyId": "6762f07a0000000000000001"},
        {"size": st.integers(0, 100_000), "monthly_spend": st.integers(0, 100_000)},
    ),
    "intercom_list_notes": ({"contactId": CONTACT_IDS[0]}, {"per_page": st.integers(1, 150)}),
    "intercom_list_company_contacts": (
        {"companyId": "6762f07a0000000000000002"},
        {"per_page": st.integers(1, 150)},
    ),
}

# Every other tool's integer parameters, from its catalog example: the example's value, or
# another example's for the same name, or a plausible value for a time or a page size.
_EXAMPLE_VALUES = {
    "help_center_id": 11,  # the seeded help center (`helpCenterId` "11" in the examples)
    **{
        name: value
        for tool in TOOLS
        for name, value in tool["example"]["params"].items()
        if isinstance(value, int) and not isinstance(value, bool)
    },
}


def _integer_strategy(tool: Mapping[str, Any], name: str) -> st.SearchStrategy[int]:
    given = tool["example"]["params"].get(name, _EXAMPLE_VALUES.get(name))
    if isinstance(given, int) and not isinstance(given, bool):
        return st.just(given)
    if name == "per_page":
        return st.integers(1, 50)
    if name == "page":
        return st.just(1)
    return TIMESTAMPS  # created_at, *_before, timestamp, external_*_at


# Unix seconds the tool sends as ISO 8601 text, as the Fin Agent API takes them.
SENT_AS_TEXT = {
    ("intercom_start_fin_conversation", "timestamp"),
    ("intercom_reply_to_fin", "timestamp"),
}

for _tool in TOOLS:
    _ints = [
        name
        for name, prop in _tool["input_schema"]["properties"].items()
        if prop.get("type") == "integer"
        and name not in PLUGIN_OPTIONS
        and (_tool["id"], name) not in SENT_AS_TEXT
    ]
    if _ints and _tool["id"] not in INTEGER_CALLS:
        _base = dict(_tool["example"]["params"])  # the drawn one replaces its example value
        INTEGER_CALLS[_tool["id"]] = (_base, {n: _integer_strategy(_tool, n) for n in _ints})


def test_every_integer_parameter_is_covered():
    """INTEGER_CALLS names every integer parameter sent to Intercom, of every tool (the
    plugin's own options, such as max_items, are never sent)."""
    declared = {
        (tool["id"], name)
        for tool in TOOLS
        for name, prop in tool["input_schema"]["properties"].items()
        if prop.get("type") == "integer" and name not in PLUGIN_OPTIONS
    }
    covered = {(tool_id, name) for tool_id, (_, ints) in INTEGER_CALLS.items() for name in ints}
    assert declared == covered | SENT_AS_TEXT


def _integers_sent(request: requests.PreparedRequest) -> tuple[list[str], list[Any]]:
    """The query values and the JSON body's numbers (at any depth) of a request."""
    query = [v for vs in parse_qs(urlsplit(request.url or "").query).values() for v in vs]
    numbers: list[Any] = []
    stack = [json.loads(request.body)] if request.body else []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            numbers.append(node)
    return query, numbers


@st.composite
def integral_float_calls(draw: st.DrawFn) -> tuple[str, str, int, dict[str, Any]]:
    tool_id = draw(st.sampled_from(sorted(INTEGER_CALLS)))
    base, integers = INTEGER_CALLS[tool_id]
    name = draw(st.sampled_from(sorted(integers)))
    number = draw(integers[name])
    value = draw(st.sampled_from([float(number), f"{number}.0", f"{float(number)!r}"]))
    return tool_id, name, number, {**base, name: value}


@examples(80)
@given(integral_float_calls())
def test_integral_floats_are_accepted_for_integer_parameters(plugin_manager, case):
    tool_id, _name, number, params = case
    with sandbox() as sent:
        result = call(plugin_manager, tool_id, params, CREDENTIALS)
    assert result["success"], result["error"]
    main = [r for r in sent if urlsplit(r.url or "").path != "/me"][-1]
    query, numbers = _integers_sent(main)
    assert str(number) in query or number in numbers, (main.url, main.body)
    assert not any(isinstance(n, float) for n in numbers), main.body
    assert not any(v.endswith(".0") for v in query), main.url


@examples(40)
@given(per_page=st.integers(1, 150))
def test_per_page_as_a_float_is_sent_as_an_integer(plugin_manager, per_page):
    with sandbox() as sent:
        result = call(
            plugin_manager, "intercom_list_contacts", {"per_page": float(per_page)}, CREDENTIALS
        )
    assert result["success"], result["error"]
    assert [parse_qs(urlsplit(r.url or "").query)["per_page"] for r in sent] == [[str(per_page)]]
