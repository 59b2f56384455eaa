"""The catalog's contract, checked from the catalog itself for every tool it lists: one
parametrised test per concern, so a tool added to `manifest.yaml` is covered without a line
written for it here.

- Each tool names a real operation of Intercom's description, and together the tools reach
  every one of its 150 operations.
- Each tool's example runs against a fresh sandbox: it succeeds, its output validates against
  the tool's output schema, and the request it sends for its operation is one the description
  documents (plus the errata `../shared/intercom-openapi/README.md` lists).
- Invalid input (an unknown parameter, a required one left out) sends nothing.

The errata applied to requests: path parameters are checked by name only (contact ids are
strings where the description says integer, `POST /contacts/{contact_id}/notes`); `POST
/messages` sends `message_type: "inapp"`; list endpoints take `per_page` and
`starting_after` (Intercom's pagination guide); an exploded object query parameter (`filter`
of `GET /events`) is sent as its properties.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from jsonschema import Draft202012Validator

from helpers import our_plugin_manager
from openapi import openapi_document, openapi_registry
from sim_intercom.host import execute_tool, list_tools
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SANDBOX_TOKEN, Workspace, mock_intercom
from sim_intercom.sandbox.app import SandboxApp

CATALOG = default_catalog()
TOOL_IDS = sorted(CATALOG.tools)
METHODS = ("get", "post", "put", "delete", "patch")
CREDENTIALS = {"accessToken": SANDBOX_TOKEN}
# Query parameters Intercom's pagination guide documents on every list (the README's errata).
PAGING = {"per_page", "starting_after"}
UNKNOWN = "not_a_parameter"


@dataclass(frozen=True)
class Sent:
    """One request the sandbox received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@pytest.fixture(scope="module")
def manager():
    return our_plugin_manager()


@pytest.fixture(scope="module")
def output_validators(manager) -> dict[str, Draft202012Validator]:
    return {t["id"]: Draft202012Validator(t["output_schema"]) for t in list_tools(manager)}


@pytest.fixture
def sandbox(monkeypatch) -> Iterator[list[Sent]]:
    """A fresh default sandbox behind `responses`; the requests it receives, in order."""
    received: list[Sent] = []
    handle = SandboxApp.handle

    def recording(app: SandboxApp, method: str, target: str, headers: Any, body: Any) -> Any:
        parts = urlsplit(target)
        decoded = json.loads(body) if body else None
        received.append(Sent(method, parts.path, dict(parse_qsl(parts.query)), decoded))
        return handle(app, method, target, headers, body)

    monkeypatch.setattr(SandboxApp, "handle", recording)
    with mock_intercom(Workspace()):
        yield received


def operation_of(tool_id: str) -> tuple[str, str]:
    method, _, template = CATALOG.tools[tool_id].entry.operation.partition(" ")
    return method, template


def example_of(tool_id: str) -> dict[str, Any]:
    return copy.deepcopy(CATALOG.tools[tool_id].spec()["example"]["params"])


def described_operations() -> set[tuple[str, str]]:
    paths = openapi_document()["paths"]
    return {(m.upper(), path) for path, item in paths.items() for m in item if m in METHODS}


def _matches(template: str, path: str) -> bool:
    wanted, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(wanted) == len(got) and all(
        w == g or (w.startswith("{") and w.endswith("}") and g != "")
        for w, g in zip(wanted, got, strict=True)
    )


def _query_names(operation: dict[str, Any]) -> set[str]:
    """The query parameters an operation declares; an exploded object parameter is sent as
    its properties (`GET /events?intercom_user_id=...`)."""
    names = set()
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        if schema.get("type") == "object" and parameter.get("explode", True):
            for branch in [schema, *schema.get("oneOf", []), *schema.get("anyOf", [])]:
                names.update(branch.get("properties", {}))
        else:
            names.add(parameter["name"])
    return names


def _with_errata(method: str, template: str, body: Any) -> Any:
    if (method, template) == ("POST", "/messages") and isinstance(body, dict):
        return {**body, "message_type": "in_app"} if body.get("message_type") == "inapp" else body
    return body


def request_problems(method: str, template: str, sent: Sent) -> list[str]:
    """What in `sent` the description does not document for `method template`."""
    operation = openapi_document()["paths"][template][method.lower()]
    problems = []
    undeclared = set(sent.query) - _query_names(operation)
    if method == "GET":
        undeclared -= PAGING
    if undeclared:
        problems.append(f"undeclared query parameters {sorted(undeclared)}")
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if sent.body is not None and "schema" in content:
        validator = Draft202012Validator(content["schema"], registry=openapi_registry())
        body = _with_errata(method, template, sent.body)
        problems += [e.message[:200] for e in validator.iter_errors(body)]
    elif sent.body not in (None, {}):
        problems.append("a body the operation does not take")
    return problems


# The catalog and the description


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_tool_names_an_operation_of_the_description(tool_id):
    assert operation_of(tool_id) in described_operations()


def test_the_tools_reach_every_operation_of_the_description():
    reached = {operation_of(tool_id) for tool_id in TOOL_IDS}
    missing = sorted(described_operations() - reached)
    assert missing == [], f"{len(missing)} operations have no tool: {missing}"


# Each example, against a fresh sandbox


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_example_is_valid_against_the_tools_input_schema(tool_id):
    tool = CATALOG.tools[tool_id]
    problems = [
        e.message
        for e in Draft202012Validator(tool.input_schema).iter_errors(tool.entry.example.params)
    ]
    assert problems == []


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_example_succeeds_against_a_fresh_sandbox(tool_id, manager, sandbox):
    result = execute_tool(manager, tool_id, example_of(tool_id), CREDENTIALS)
    assert result is not None
    assert result["success"], result["error"]


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_example_output_validates_against_the_tools_output_schema(
    tool_id, manager, sandbox, output_validators
):
    result = execute_tool(manager, tool_id, example_of(tool_id), CREDENTIALS)
    assert result is not None and result["success"], result and result["error"]
    errors = [e.message[:200] for e in output_validators[tool_id].iter_errors(result["output"])]
    assert errors == []


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_each_example_request_is_one_the_description_documents(tool_id, manager, sandbox):
    execute_tool(manager, tool_id, example_of(tool_id), CREDENTIALS)
    method, template = operation_of(tool_id)
    mine = [s for s in sandbox if s.method == method and _matches(template, s.path)]
    assert mine, f"no {method} {template} among {[(s.method, s.path) for s in sandbox]}"
    assert request_problems(method, template, mine[0]) == []


def test_the_request_check_finds_a_request_off_the_description():
    """Guards against a vacuous check: a wrong query, body and field are all found."""
    off = Sent("GET", "/segments", {"colour": "red"}, None)
    assert request_problems("GET", "/segments", off)
    bad_body = Sent("POST", "/contacts/merge", {}, {"from": 5})
    assert request_problems("POST", "/contacts/merge", bad_body)
    paged = Sent("GET", "/contacts/x/notes", {"per_page": "5"}, None)
    assert request_problems("GET", "/contacts/{contact_id}/notes", paged) == []


# Invalid input


def invalid_inputs() -> list[tuple[str, str]]:
    cases = [(tool_id, "unknown parameter") for tool_id in TOOL_IDS]
    cases += [
        (tool_id, "required parameter left out")
        for tool_id in TOOL_IDS
        if CATALOG.tools[tool_id].input_schema.get("required")
    ]
    return cases


def invalid(tool_id: str, how: str) -> dict[str, Any]:
    params = example_of(tool_id)
    if how == "unknown parameter":
        return {**params, UNKNOWN: "x"}
    first = CATALOG.tools[tool_id].input_schema["required"][0]
    return {name: value for name, value in params.items() if name != first}


@pytest.mark.parametrize(("tool_id", "how"), invalid_inputs())
def test_invalid_input_sends_nothing(tool_id, how, manager, sandbox):
    result = execute_tool(manager, tool_id, invalid(tool_id, how), CREDENTIALS)
    assert result is not None and not result["success"]
    assert result["error_detail"]["kind"] == "invalid_input"
    assert sandbox == []
