"""The fifteen more tools (`tests/data/spec/intercom-tools-more.md`) send exactly the request
Intercom's API 2.14 describes and return their documented output.

Each case says the request a tool must send, byte for byte as JSON; each request is also
checked against the description itself (the path and method exist, the body validates
against the operation's request schema, every query parameter is declared), and each
answer used here validates against the description's response schema, so neither side of
a test can drift from Intercom's word. The one exemption: `POST /contacts/{contact_id}/notes`
declares its path parameter an integer, while contact ids (the same operation's examples
included) are hexadecimal strings; path parameters are checked by name only.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from jsonschema import Draft202012Validator

from helpers import CONTACT_ID, US
from intercom_examples import FALLBACKS, _operations
from openapi import openapi_document, openapi_registry
from sim_intercom import plugin as intercom_plugin
from sim_intercom.host import execute_tool, list_tools
from sim_intercom.operations import OPERATIONS, clock

NOW = 1_734_537_000  # the clock every test here reads (17 December 2024)
LATER = NOW + 3_600

# Path templates of the description, by our tool.
TEMPLATES = {
    "intercom_update_ticket": ("PUT", "/tickets/{ticket_id}"),
    "intercom_list_admins": ("GET", "/admins"),
    "intercom_close_conversation": ("POST", "/conversations/{conversation_id}/parts"),
    "intercom_open_conversation": ("POST", "/conversations/{conversation_id}/parts"),
    "intercom_snooze_conversation": ("POST", "/conversations/{conversation_id}/parts"),
    "intercom_assign_conversation": ("POST", "/conversations/{conversation_id}/parts"),
    "intercom_list_tags": ("GET", "/tags"),
    "intercom_create_tag": ("POST", "/tags"),
    "intercom_tag_contact": ("POST", "/contacts/{contact_id}/tags"),
    "intercom_untag_contact": ("DELETE", "/contacts/{contact_id}/tags/{tag_id}"),
    "intercom_tag_conversation": ("POST", "/conversations/{conversation_id}/tags"),
    "intercom_create_note": ("POST", "/contacts/{contact_id}/notes"),
    "intercom_create_event": ("POST", "/events"),
    "intercom_attach_contact_to_company": ("POST", "/contacts/{contact_id}/companies"),
    "intercom_detach_contact_from_company": (
        "DELETE",
        "/contacts/{contact_id}/companies/{company_id}",
    ),
}


@dataclass
class Call:
    """One request the tool must send, and the answer: the description's example of that
    operation and status (by its summary when it has several), or `body` when given."""

    method: str
    path: str
    answer: str
    summary: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    status: int = 200
    answer_body: Any = None


@dataclass
class Case:
    tool: str
    params: dict[str, Any]
    calls: list[Call]
    name: str = "full"
    output: dict[str, Any] = field(default_factory=dict)  # outputs to compare, by name


def documented(operation_id: str, summary: str | None = None, status: int = 200) -> Any:
    """The description's example answer, the one of this name or summary when given."""
    content = _operations()[operation_id]["responses"][str(status)].get("content", {})
    examples = content.get("application/json", {}).get("examples", {})
    for name, example in examples.items():
        if summary is None or summary in (name, example.get("summary")):
            return copy.deepcopy(example["value"])
    return copy.deepcopy(FALLBACKS[operation_id])


def admin_part(message_type: str, **fields: Any) -> dict[str, Any]:
    return {"message_type": message_type, "admin_id": "991267459", **fields}


CASES = [
    Case(
        "intercom_update_ticket",
        {
            "ticketId": "627",
            "ticket_attributes": '{"_default_title_": "example", "_default_description_": "x"}',
            "open": "true",
            "is_shared": False,
            "snoozed_until": "1673609604",
            "admin_id": "991268011",
            "assignee_id": "991268013",
            "ticket_state_id": "8498",
        },
        [
            Call(
                "PUT",
                "/tickets/627",
                "updateTicket",
                body={
                    "ticket_attributes": {
                        "_default_title_": "example",
                        "_default_description_": "x",
                    },
                    "open": True,
                    "is_shared": False,
                    "snoozed_until": 1673609604,
                    "admin_id": 991268011,
                    "assignee_id": "991268013",
                    "ticket_state_id": "8498",
                },
            )
        ],
        output={"ticketId": "627", "ticket_state": documented("updateTicket")["ticket_state"]},
    ),
    Case(
        "intercom_update_ticket",
        {"ticketId": "627", "assignee_id": "0", "admin_id": "", "open": None},
        [Call("PUT", "/tickets/627", "updateTicket", body={"assignee_id": "0"})],
        "unassign",
    ),
    Case(
        "intercom_list_admins",
        {},
        [Call("GET", "/admins", "listAdmins")],
        output={"admins": documented("listAdmins")["admins"], "total_count": 1},
    ),
    Case(
        "intercom_close_conversation",
        {"conversationId": "531", "admin_id": "991267459", "body": "Goodbye :)"},
        [
            Call(
                "POST",
                "/conversations/531/parts",
                "manageConversation",
                "Close a conversation",
                body=admin_part("close", type="admin", body="Goodbye :)"),
            )
        ],
        output={"conversationId": "531", "state": "closed"},
    ),
    Case(
        "intercom_close_conversation",
        {"conversationId": "531", "admin_id": "991267459", "body": " "},
        [
            Call(
                "POST",
                "/conversations/531/parts",
                "manageConversation",
                "Close a conversation",
                body=admin_part("close", type="admin"),
            )
        ],
        "minimal",
    ),
    Case(
        "intercom_open_conversation",
        {"conversationId": "537", "admin_id": "991267459"},
        [
            Call(
                "POST",
                "/conversations/537/parts",
                "manageConversation",
                "Open a conversation",
                body=admin_part("open"),
            )
        ],
        output={"conversationId": "537", "state": "open"},
    ),
    Case(
        "intercom_snooze_conversation",
        {"conversationId": "532", "admin_id": "991267459", "snoozed_until": "1734541187"},
        [
            Call(
                "POST",
                "/conversations/532/parts",
                "manageConversation",
                "Snooze a conversation",
                body=admin_part("snoozed", snoozed_until=1734541187),
            )
        ],
        output={"conversationId": "532", "state": "snoozed", "snoozed_until": 1734541187},
    ),
    Case(
        "intercom_assign_conversation",
        {
            "conversationId": "542",
            "admin_id": "991267459",
            "assignee_id": "991267715",
            "body": "Let me pass you over to one of my colleagues.",
        },
        [
            Call(
                "POST",
                "/conversations/542/parts",
                "manageConversation",
                "Assign a conversation",
                body=admin_part(
                    "assignment",
                    type="admin",
                    assignee_id="991267715",
                    body="Let me pass you over to one of my colleagues.",
                ),
            )
        ],
        output={"conversationId": "542", "admin_assignee_id": 991267715},
    ),
    Case(
        "intercom_assign_conversation",
        {"conversationId": "542", "admin_id": "991267459", "assignee_id": "0"},
        [
            Call(
                "POST",
                "/conversations/542/parts",
                "manageConversation",
                "Assign a conversation",
                body=admin_part("assignment", type="admin", assignee_id="0"),
                answer_body={
                    **documented("manageConversation", "Assign a conversation"),
                    "admin_assignee_id": None,
                    "team_assignee_id": None,
                },
            )
        ],
        "unassign",
        output={"admin_assignee_id": None, "team_assignee_id": None},
    ),
    Case(
        "intercom_list_tags",
        {},
        [Call("GET", "/tags", "listTags")],
        output={"tags": documented("listTags")["data"], "total_count": 1},
    ),
    Case(
        "intercom_create_tag",
        {"name": "test", "id": "105"},
        [Call("POST", "/tags", "createTag", body={"name": "test", "id": "105"})],
        output={"tag": documented("createTag")},
    ),
    Case(
        "intercom_create_tag",
        {"name": "test"},
        [Call("POST", "/tags", "createTag", body={"name": "test"})],
        "minimal",
    ),
    Case(
        "intercom_tag_contact",
        {"contactId": CONTACT_ID, "tagId": "81"},
        [Call("POST", f"/contacts/{CONTACT_ID}/tags", "attachTagToContact", body={"id": "81"})],
        output={"tag": documented("attachTagToContact")},
    ),
    Case(
        "intercom_untag_contact",
        {"contactId": CONTACT_ID, "tagId": "84"},
        [Call("DELETE", f"/contacts/{CONTACT_ID}/tags/84", "detachTagFromContact")],
        output={"tag": documented("detachTagFromContact")},
    ),
    Case(
        "intercom_tag_conversation",
        {"conversationId": "123", "tagId": "86", "admin_id": "991267618"},
        [
            Call(
                "POST",
                "/conversations/123/tags",
                "attachTagToConversation",
                body={"id": "86", "admin_id": "991267618"},
            )
        ],
        output={"tag": documented("attachTagToConversation")},
    ),
    Case(
        "intercom_create_note",
        {"contactId": CONTACT_ID, "body": "Hello", "admin_id": "991267583"},
        [
            Call(
                "POST",
                f"/contacts/{CONTACT_ID}/notes",
                "createNote",
                body={"body": "Hello", "admin_id": "991267583"},
            )
        ],
        output={"note": documented("createNote")},
    ),
    Case(
        "intercom_create_note",
        {"contactId": CONTACT_ID, "body": "Hello"},
        [
            Call("GET", "/me", "identifyAdmin"),
            Call(
                "POST",
                f"/contacts/{CONTACT_ID}/notes",
                "createNote",
                body={"body": "Hello", "admin_id": "{me}"},
            ),
        ],
        "minimal",
    ),
    # Intercom answers 202 with no body; these cases answer `{}` so they test the request
    # whatever the transport makes of an empty body (see the 202 test below).
    Case(
        "intercom_create_event",
        {
            "event_name": "invited-friend",
            "created_at": "1671028894",
            "user_id": "314159",
            "email": "frodo.baggins@example.com",
            "id": CONTACT_ID,
            "metadata": '{"invite_code": "ADDAFRIEND"}',
        },
        [
            Call(
                "POST",
                "/events",
                "createDataEvent",
                status=202,
                answer_body={},
                body={
                    "event_name": "invited-friend",
                    "created_at": 1671028894,
                    "user_id": "314159",
                    "email": "frodo.baggins@example.com",
                    "id": CONTACT_ID,
                    "metadata": {"invite_code": "ADDAFRIEND"},
                },
            )
        ],
        output={"accepted": True},
    ),
    Case(
        "intercom_create_event",
        {"event_name": "invited-friend", "email": "frodo.baggins@example.com"},
        [
            Call(
                "POST",
                "/events",
                "createDataEvent",
                status=202,
                answer_body={},
                body={
                    "event_name": "invited-friend",
                    "created_at": NOW,
                    "email": "frodo.baggins@example.com",
                },
            )
        ],
        "minimal",
        output={"accepted": True},
    ),
    Case(
        "intercom_attach_contact_to_company",
        {"contactId": CONTACT_ID, "companyId": "6762f09a1bb69f9f2193bb34"},
        [
            Call(
                "POST",
                f"/contacts/{CONTACT_ID}/companies",
                "attachContactToACompany",
                body={"id": "6762f09a1bb69f9f2193bb34"},
            )
        ],
        output={"companyId": "6762f09a1bb69f9f2193bb34"},
    ),
    Case(
        "intercom_detach_contact_from_company",
        {"contactId": CONTACT_ID, "companyId": "6762f0a01bb69f9f2193bb44"},
        [
            Call(
                "DELETE",
                f"/contacts/{CONTACT_ID}/companies/6762f0a01bb69f9f2193bb44",
                "detachContactFromACompany",
            )
        ],
        output={"companyId": "6762f0a01bb69f9f2193bb44"},
    ),
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every operation reads NOW as the current time."""
    monkeypatch.setattr(clock, "now", lambda: float(NOW))


@pytest.fixture(autouse=True)
def fresh_admin_cache():
    intercom_plugin.executor.clear_caches()


@pytest.fixture(scope="module")
def output_validators(plugin_manager) -> dict[str, Draft202012Validator]:
    return {t["id"]: Draft202012Validator(t["output_schema"]) for t in list_tools(plugin_manager)}


def _answer(call: Call) -> Any:
    if call.answer_body is not None:
        return copy.deepcopy(call.answer_body)
    return documented(call.answer, call.summary, call.status)


def _register(case: Case) -> dict[str, Any]:
    """Answer each call; what the expected requests need from the answers (`{me}`)."""
    known: dict[str, Any] = {}
    for call in case.calls:
        body = _answer(call)
        if call.answer == "identifyAdmin":
            known["me"] = body["id"]
        responses.add(call.method, f"{US}{call.path}", json=body, status=call.status)
    return known


def _fill(value: Any, known: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return known.get(value[1:-1], value)
    if isinstance(value, dict):
        return {k: _fill(v, known) for k, v in value.items()}
    return value


def _sent() -> list[tuple[str, str, dict[str, list[str]], Any]]:
    return [
        (
            c.request.method,
            urlsplit(c.request.url).path,
            parse_qs(urlsplit(c.request.url).query),
            json.loads(c.request.body) if c.request.body else None,
        )
        for c in responses.calls
    ]


def _ids(case: Case) -> str:
    return f"{case.tool}-{case.name}"


def test_every_new_tool_has_a_case_and_a_template():
    new = set(TEMPLATES)
    assert {case.tool for case in CASES} == new
    assert new <= set(OPERATIONS)


@pytest.mark.parametrize("case", CASES, ids=_ids)
@responses.activate
def test_tool_sends_exactly_the_documented_requests(case, plugin_manager, credentials):
    known = _register(case)
    result = execute_tool(plugin_manager, case.tool, case.params, credentials)
    assert result["success"], result["error"]
    expected = [
        (c.method, c.path, {k: [v] for k, v in c.query.items()}, _fill(c.body, known))
        for c in case.calls
    ]
    assert _sent() == expected


@pytest.mark.parametrize("case", CASES, ids=_ids)
@responses.activate
def test_tool_output_is_documented_and_as_the_spec_says(
    case, plugin_manager, credentials, output_validators
):
    _register(case)
    result = execute_tool(plugin_manager, case.tool, case.params, credentials)
    output = result["output"]
    errors = [e.message for e in output_validators[case.tool].iter_errors(output)]
    assert errors == []
    assert {name: output[name] for name in case.output} == case.output


# The requests and answers above, checked against Intercom's description itself


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=openapi_registry())


def _operation(method: str, template: str) -> dict[str, Any]:
    paths = openapi_document()["paths"]
    assert template in paths, f"the description has no path {template}"
    operation: dict[str, Any] = paths[template].get(method.lower())
    assert operation is not None, f"the description has no {method} {template}"
    return operation


def _matches(template: str, path: str) -> bool:
    """Whether `path` is `template` with one segment per `{parameter}`."""
    wanted, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(wanted) == len(got) and all(
        w == g or (w.startswith("{") and w.endswith("}") and g)
        for w, g in zip(wanted, got, strict=True)
    )


@pytest.mark.parametrize("case", CASES, ids=_ids)
@responses.activate
def test_each_request_is_one_intercoms_description_documents(case, plugin_manager, credentials):
    _register(case)
    execute_tool(plugin_manager, case.tool, case.params, credentials)
    method, template = TEMPLATES[case.tool]
    operation = _operation(method, template)
    sent = [s for s in _sent() if s[1] != "/me"]  # the token's admin: checked in test_tools
    assert len(sent) == 1
    sent_method, path, query, body = sent[0]
    assert (sent_method, _matches(template, path)) == (method, True), path
    declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    assert set(query) <= declared
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if body is None:
        assert "schema" not in schema or method == "DELETE"
        return
    errors = [e.message[:200] for e in _validator(schema["schema"]).iter_errors(body)]
    assert errors == []


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_each_answer_used_here_is_one_intercoms_description_documents(case):
    for call in case.calls:
        if call.answer == "identifyAdmin":
            continue  # GET /me: checked by the sandbox's fidelity tests
        method, template = TEMPLATES[case.tool]
        answer = _operation(method, template)["responses"][str(call.status)]
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:  # 202 from POST /events: no body is documented
            assert call.status == 202
            continue
        errors = [e.message[:200] for e in _validator(schema).iter_errors(_answer(call))]
        assert errors == []


def test_the_request_check_rejects_a_request_off_the_description():
    """Guards against a vacuous check: the parts body is a `oneOf` that must match once."""
    body = _operation("POST", "/conversations/{conversation_id}/parts")["requestBody"]
    schema = _validator(body["content"]["application/json"]["schema"])
    assert schema.is_valid({"message_type": "close", "type": "admin", "admin_id": "1"})
    assert not schema.is_valid({"message_type": "close", "admin_id": "1"})  # no `type`
    assert not schema.is_valid({"message_type": "assignment", "type": "admin", "admin_id": "1"})
    assert not schema.is_valid({"message_type": "snoozed", "admin_id": "1"})
    assert not _matches("/tickets/{ticket_id}", "/tickets/")


# What the spec asks beyond the request


@pytest.mark.parametrize("until", [NOW - 1, NOW, 0])
@responses.activate
def test_snoozing_until_now_or_earlier_is_refused_naming_snoozed_until(
    until, plugin_manager, credentials
):
    params = {"conversationId": "1", "admin_id": "991267459", "snoozed_until": until}
    result = execute_tool(plugin_manager, "intercom_snooze_conversation", params, credentials)
    assert result["error_detail"]["kind"] == "invalid_input"
    assert result["error_detail"]["field"] == "snoozed_until"
    assert "must be in the future" in result["error"]
    assert str(NOW) in result["error"]
    assert len(responses.calls) == 0


def test_the_snooze_check_reads_the_injected_clock(monkeypatch):
    refine = OPERATIONS["intercom_snooze_conversation"].refine
    assert refine is not None
    params = {"snoozed_until": LATER}
    assert refine(params) == params
    monkeypatch.setattr(clock, "now", lambda: float(LATER))
    with pytest.raises(Exception, match="must be in the future"):
        refine(params)


@responses.activate
def test_the_snooze_check_is_reported_with_the_schemas_problems(plugin_manager, credentials):
    params = {"conversationId": "1", "snoozed_until": NOW - 60}
    result = execute_tool(plugin_manager, "intercom_snooze_conversation", params, credentials)
    named = {v["parameter"] for v in result["error_detail"]["violations"]}
    assert named == {"admin_id", "snoozed_until"}
    assert len(responses.calls) == 0


@responses.activate
def test_an_event_without_user_id_email_or_id_is_refused_and_nothing_is_sent(
    plugin_manager, credentials
):
    params = {"event_name": "ordered-item", "created_at": NOW, "metadata": '{"a": "b"}'}
    result = execute_tool(plugin_manager, "intercom_create_event", params, credentials)
    assert result["error_detail"]["kind"] == "invalid_input"
    assert "give at least one of user_id, email, id" in result["error"]
    assert len(responses.calls) == 0


@responses.activate
def test_event_metadata_of_more_than_ten_keys_is_refused(plugin_manager, credentials):
    metadata = json.dumps({f"key{n}": "v" for n in range(11)})
    params = {"event_name": "ordered-item", "user_id": "u-1", "metadata": metadata}
    result = execute_tool(plugin_manager, "intercom_create_event", params, credentials)
    assert result["error_detail"]["field"] == "metadata"
    assert "at most 10 keys" in result["error"]
    assert len(responses.calls) == 0


@responses.activate
def test_an_event_created_at_given_is_sent_as_given(plugin_manager, credentials):
    responses.post(f"{US}/events", json={}, status=202)
    params = {"event_name": "x", "id": CONTACT_ID, "created_at": 0}
    execute_tool(plugin_manager, "intercom_create_event", params, credentials)
    assert json.loads(responses.calls[0].request.body)["created_at"] == 0


@responses.activate
def test_intercoms_202_with_no_body_is_accepted(plugin_manager, credentials):
    responses.post(f"{US}/events", body=b"", status=202)
    params = {"event_name": "invited-friend", "user_id": "314159"}
    result = execute_tool(plugin_manager, "intercom_create_event", params, credentials)
    assert result == {
        "success": True,
        "output": {"accepted": True},
        "error": None,
        "error_detail": None,
    }
    assert len(responses.calls) == 1


def test_the_event_output_needs_no_answer_body():
    shape = OPERATIONS["intercom_create_event"].shape
    assert shape(None, {}) == shape({}, {}) == {"accepted": True}


@responses.activate
def test_a_ticket_update_with_no_change_is_refused_and_nothing_is_sent(plugin_manager, credentials):
    for params in ({"ticketId": "489"}, {"ticketId": "489", "admin_id": "991267459"}):
        result = execute_tool(plugin_manager, "intercom_update_ticket", params, credentials)
        assert result["error_detail"]["kind"] == "invalid_input"
        assert (
            "give at least one of ticket_attributes, open, is_shared, snoozed_until, "
            "assignee_id, ticket_state_id" in result["error"]
        )
    assert len(responses.calls) == 0


@responses.activate
def test_a_note_without_admin_id_is_written_by_the_tokens_admin_looked_up_once(
    plugin_manager, credentials
):
    me = documented("identifyAdmin")
    responses.get(f"{US}/me", json=me)
    responses.post(f"{US}/contacts/{CONTACT_ID}/notes", json=documented("createNote"))
    for _ in range(2):
        params = {"contactId": CONTACT_ID, "body": "Hello"}
        assert execute_tool(plugin_manager, "intercom_create_note", params, credentials)["success"]
    assert [c.request.method for c in responses.calls] == ["GET", "POST", "POST"]
    assert json.loads(responses.calls[2].request.body)["admin_id"] == me["id"]


@responses.activate
def test_list_tags_reads_intercoms_data_not_tags(plugin_manager, credentials):
    tags = [{"type": "tag", "id": str(n), "name": f"tag {n}"} for n in range(3)]
    responses.get(f"{US}/tags", json={"type": "list", "data": tags})
    output = execute_tool(plugin_manager, "intercom_list_tags", {}, credentials)["output"]
    assert output == {"tags": tags, "total_count": 3, "type": "list"}


@responses.activate
def test_ids_in_paths_are_encoded(plugin_manager, credentials):
    responses.delete(
        f"{US}/contacts/a%2Fb/companies/c%3Fd", json=documented("detachContactFromACompany")
    )
    params = {"contactId": "a/b", "companyId": "c?d"}
    result = execute_tool(
        plugin_manager, "intercom_detach_contact_from_company", params, credentials
    )
    assert result["success"], result["error"]


SERVER_ERROR = {"type": "error.list", "errors": [{"code": "server_error", "message": "boom"}]}


@pytest.mark.parametrize(
    ("tool", "params", "path", "answer"),
    [
        (
            "intercom_untag_contact",
            {"contactId": CONTACT_ID, "tagId": "84"},
            f"/contacts/{CONTACT_ID}/tags/84",
            ("detachTagFromContact", None),
        ),
        (
            "intercom_close_conversation",
            {"conversationId": "531", "admin_id": "1"},
            "/conversations/531/parts",
            ("manageConversation", "Close a conversation"),
        ),
    ],
)
@responses.activate
def test_idempotent_writes_are_retried_after_a_server_error(
    tool, params, path, answer, plugin_manager, credentials
):
    method = TEMPLATES[tool][0]
    responses.add(method, f"{US}{path}", json=SERVER_ERROR, status=503)
    responses.add(method, f"{US}{path}", json=documented(*answer))
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["success"], result["error"]
    assert len(responses.calls) == 2


@responses.activate
def test_a_note_is_not_retried_after_a_server_error(plugin_manager, credentials):
    responses.post(f"{US}/contacts/{CONTACT_ID}/notes", json=SERVER_ERROR, status=503)
    params = {"contactId": CONTACT_ID, "body": "Hello", "admin_id": "1"}
    result = execute_tool(plugin_manager, "intercom_create_note", params, credentials)
    assert result["error_detail"]["kind"] == "server_error"
    assert result["error_detail"]["outcome"] == "unknown"
    assert len(responses.calls) == 1
