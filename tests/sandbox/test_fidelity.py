"""Every sandbox answer, success or error, validates against Intercom's own API description.

The response schema of each operation and status is read from the OpenAPI 2.14 file in
`../shared/intercom-openapi/` (error statuses the description does not list fall back to
its `error` schema). OpenAPI 3.0 schemas are translated to JSON Schema (`nullable`
becomes a `null` type) without loosening anything else.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from openapi import OPENAPI_FILE, load_openapi
from sim_intercom.sandbox import SANDBOX_TOKEN, SandboxServer, Workspace, mock_intercom

if not OPENAPI_FILE.is_file():
    pytest.skip(f"{OPENAPI_FILE} is not beside the checkout", allow_module_level=True)

DOCUMENT_URI = "urn:intercom-openapi-2.14"
CONTACT = "6762f0dd0000000000000001"
COMPANY = "6762f07a0000000000000001"
AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    template: str
    status: int
    type: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=lambda: dict(AUTH))


def _ok(name: str, method: str, path: str, template: str, kind: str, body: Any = None) -> Case:
    return Case(name, method, path, template, 200, kind, body)


def _error(name: str, method: str, path: str, template: str, status: int, **extra: Any) -> Case:
    return Case(name, method, path, template, status, "error.list", **extra)


SEARCH = {"query": {"field": "role", "operator": "=", "value": "user"}}
TICKET = {"ticket_type_id": "1", "contacts": [{"id": CONTACT}]}
MESSAGE = {
    "message_type": "inapp",
    "body": "Hello",
    "from": {"type": "admin", "id": 991267801},
    "to": {"type": "user", "id": CONTACT},
}

CASES = [
    _ok("me", "GET", "/me", "/me", "admin"),
    _ok("admins", "GET", "/admins", "/admins", "admin.list"),
    _ok("ticket types", "GET", "/ticket_types", "/ticket_types", "list"),
    _ok("data attributes", "GET", "/data_attributes?model=contact", "/data_attributes", "list"),
    _ok("create contact", "POST", "/contacts", "/contacts", "contact", {"email": "n@e.example"}),
    _ok("get contact", "GET", f"/contacts/{CONTACT}", "/contacts/{contact_id}", "contact"),
    _ok(
        "update contact",
        "PUT",
        f"/contacts/{CONTACT}",
        "/contacts/{contact_id}",
        "contact",
        {"name": "Hank S.", "custom_attributes": {"seats": 3}},
    ),
    _ok("delete contact", "DELETE", f"/contacts/{CONTACT}", "/contacts/{contact_id}", "contact"),
    _ok("list contacts", "GET", "/contacts?per_page=2", "/contacts", "list"),
    _ok("search contacts", "POST", "/contacts/search", "/contacts/search", "list", SEARCH),
    _ok(
        "attach contact",
        "POST",
        f"/contacts/{CONTACT}/companies",
        "/contacts/{contact_id}/companies",
        "company",
        {"id": "6762f07a0000000000000004"},
    ),
    _ok("upsert company", "POST", "/companies", "/companies", "company", {"company_id": "x"}),
    _ok("find company", "GET", "/companies?company_id=globex", "/companies", "list"),
    _ok("get company", "GET", f"/companies/{COMPANY}", "/companies/{company_id}", "company"),
    _ok("list companies", "POST", "/companies/list?per_page=2", "/companies/list", "list"),
    _ok(
        "get conversation",
        "GET",
        "/conversations/100",
        "/conversations/{conversation_id}",
        "conversation",
    ),
    _ok(
        "get closed conversation as plain text",
        "GET",
        "/conversations/103?display_as=plaintext",
        "/conversations/{conversation_id}",
        "conversation",
    ),
    _ok(
        "list conversations",
        "GET",
        "/conversations?per_page=2",
        "/conversations",
        "conversation.list",
    ),
    _ok(
        "search conversations",
        "POST",
        "/conversations/search",
        "/conversations/search",
        "conversation.list",
        {"query": {"field": "open", "operator": "=", "value": True}},
    ),
    _ok(
        "reply",
        "POST",
        "/conversations/100/reply",
        "/conversations/{conversation_id}/reply",
        "conversation",
        {
            "message_type": "comment",
            "type": "admin",
            "admin_id": "991267801",
            "body": "On it",
            "attachment_urls": ["https://example.com/a.png"],
        },
    ),
    _ok("create ticket", "POST", "/tickets", "/tickets", "ticket", TICKET),
    _ok("get ticket", "GET", "/tickets/501", "/tickets/{ticket_id}", "ticket"),
    _ok("create message", "POST", "/messages", "/messages", "admin_message", MESSAGE),
    _error("no token", "GET", "/contacts", "/contacts", 401, headers={}),
    _error("wrong token", "GET", "/me", "/me", 401, headers={"Authorization": "Bearer nope"}),
    _error("unknown contact", "GET", "/contacts/nope", "/contacts/{contact_id}", 404),
    _error("unknown company", "GET", "/companies/nope", "/companies/{company_id}", 404),
    _error("unknown company_id", "GET", "/companies?company_id=nope", "/companies", 404),
    _error(
        "unknown conversation", "GET", "/conversations/9", "/conversations/{conversation_id}", 404
    ),
    _error("unknown ticket", "GET", "/tickets/9", "/tickets/{ticket_id}", 404),
    _error(
        "attach unknown company",
        "POST",
        f"/contacts/{CONTACT}/companies",
        "/contacts/{contact_id}/companies",
        404,
        body={"id": "nope"},
    ),
    _error(
        "attach without company",
        "POST",
        f"/contacts/{CONTACT}/companies",
        "/contacts/{contact_id}/companies",
        400,
        body={},
    ),
    _error("unknown field", "POST", "/companies", "/companies", 400, body={"test": 1}),
    _error(
        "undefined custom attribute",
        "POST",
        "/contacts",
        "/contacts",
        400,
        body={"email": "c@e.example", "custom_attributes": {"colour": "teal"}},
    ),
    _error(
        "invalid query",
        "POST",
        "/contacts/search",
        "/contacts/search",
        400,
        body={"query": {"field": "email", "operator": "LIKE", "value": "a"}},
    ),
    _error(
        "message without body",
        "POST",
        "/messages",
        "/messages",
        400,
        body={**MESSAGE, "body": None},
    ),
    _error(
        "email without subject",
        "POST",
        "/messages",
        "/messages",
        422,
        body={**MESSAGE, "message_type": "email"},
    ),
    _error(
        "duplicate email",
        "POST",
        "/contacts",
        "/contacts",
        409,
        body={"email": "hank@globex.example"},
    ),
    _error("wrong method", "DELETE", "/companies/list", "/companies/list", 405),
    _error("unknown path", "GET", "/teams/5/secrets", "/teams", 404),
    _error("huge body", "POST", "/contacts", "/contacts", 413, body={"name": "x" * 1_100_000}),
]


@functools.cache
def _document() -> dict[str, Any]:
    return _translate(load_openapi())


def _translate(node: Any) -> Any:
    """OpenAPI 3.0 schema keywords as JSON Schema: `nullable: true` admits null, and local
    `$ref`s name the document so they resolve from any schema taken out of it."""
    if isinstance(node, list):
        return [_translate(each) for each in node]
    if not isinstance(node, dict):
        return node
    node = {key: _translate(value) for key, value in node.items()}
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        node["$ref"] = DOCUMENT_URI + node["$ref"]
    if node.pop("nullable", False) is True:
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _registry() -> Registry:
    resource = Resource.from_contents(_document(), default_specification=_draft())
    return Registry().with_resource(DOCUMENT_URI, resource)


def _draft() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def response_schema(method: str, template: str, status: int) -> dict[str, Any]:
    """The description's schema for this answer, or its `error` schema for unlisted errors."""
    operation = _document()["paths"].get(template, {}).get(method.lower(), {})
    answer = operation.get("responses", {}).get(str(status), {})
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        assert status >= 400, f"the description has no {status} schema for {method} {template}"
        schema = {"$ref": DOCUMENT_URI + "#/components/schemas/error"}
    return copy.deepcopy(schema)


def validator(case: Case) -> Draft202012Validator:
    schema = response_schema(case.method, case.template, case.status)
    return Draft202012Validator(schema, registry=_registry())


@pytest.fixture(params=["responses", "loopback"])
def send(request) -> Iterator[Any]:
    """Send a case through one of the sandbox's two doors, each with a fresh workspace."""
    if request.param == "responses":
        with mock_intercom(Workspace()):
            yield lambda case: _request("https://api.intercom.io", case)
    else:
        with SandboxServer(Workspace()) as server:
            yield lambda case: _request(server.base_url, case)


def _request(base_url: str, case: Case) -> requests.Response:
    data = None if case.body is None else json.dumps(case.body)
    headers = {**case.headers, "Content-Type": "application/json"}
    return requests.request(
        case.method, base_url + case.path, data=data, headers=headers, timeout=10
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_answer_validates_against_intercoms_description(send, case):
    answer = send(case)
    assert answer.status_code == case.status, answer.text
    body = answer.json()
    errors = sorted(validator(case).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors)
    assert body["type"] == case.type


def test_a_rate_limited_answer_validates_against_the_error_schema():
    case = _error("rate limited", "GET", "/contacts", "/contacts", 429)
    with SandboxServer(Workspace(), rate_limit=1, window=60) as server:
        _request(server.base_url, case)
        answer = _request(server.base_url, case)
    assert answer.status_code == 429
    assert not list(validator(case).iter_errors(answer.json()))
    assert answer.json()["errors"][0]["code"] == "rate_limit_exceeded"


def test_every_route_the_sandbox_serves_is_checked():
    from sim_intercom.sandbox.app import ROUTES

    checked = {(case.method, _pattern(case.template)) for case in CASES if case.status == 200}
    served = {(method, pattern) for method, pattern, _ in ROUTES}
    assert served - checked <= {("GET", "/admins/{}")}


def _pattern(template: str) -> str:
    return "/".join("{}" if part.startswith("{") else part for part in template.split("/"))
