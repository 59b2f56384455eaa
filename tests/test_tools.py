"""Each of the sixteen tools sends exactly the request Intercom's API 2.14 describes and
returns its documented output, for a full and for a minimal set of parameters."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from jsonschema import Draft202012Validator

from helpers import COMPANY_ID, CONTACT_ID, US
from intercom_examples import example
from sim_intercom import plugin as intercom_plugin
from sim_intercom.host import list_tools


@dataclass
class Call:
    """One request the tool must send, and the example body Intercom answers with."""

    method: str
    path: str
    answer: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Case:
    tool: str
    params: dict[str, Any]
    calls: list[Call]
    name: str = "full"


CASES = [
    Case(
        "intercom_create_contact",
        {
            "role": "user",
            "email": "ada@example.com",
            "external_id": "ext-1",
            "phone": "+353871234567",
            "name": "Ada",
            "avatar": "https://example.com/a.png",
            "signed_up_at": "1571672154",
            "last_seen_at": 1571672200,
            "owner_id": "123",
            "unsubscribed_from_emails": "false",
            "custom_attributes": '{"plan_tier": "gold"}',
            "company_id": "acme",
        },
        [
            Call(
                "POST",
                "/contacts",
                "CreateContact",
                body={
                    "role": "user",
                    "external_id": "ext-1",
                    "email": "ada@example.com",
                    "phone": "+353871234567",
                    "name": "Ada",
                    "avatar": "https://example.com/a.png",
                    "signed_up_at": 1571672154,
                    "last_seen_at": 1571672200,
                    "owner_id": 123,
                    "unsubscribed_from_emails": False,
                    "custom_attributes": {"plan_tier": "gold"},
                },
            ),
            Call("GET", "/companies", "retrieveCompany", query={"company_id": "acme"}),
            Call(
                "POST",
                "/contacts/{contact}/companies",
                "attachContactToACompany",
                body={"id": "{company}"},
            ),
        ],
    ),
    Case(
        "intercom_create_contact",
        {"email": "ada@example.com", "name": "", "phone": None},
        [Call("POST", "/contacts", "CreateContact", body={"email": "ada@example.com"})],
        "minimal",
    ),
    Case(
        "intercom_get_contact",
        {"contactId": CONTACT_ID},
        [Call("GET", f"/contacts/{CONTACT_ID}", "ShowContact")],
    ),
    Case(
        "intercom_update_contact",
        {
            "contactId": CONTACT_ID,
            "role": "lead",
            "external_id": "ext-2",
            "email": "new@example.com",
            "phone": "+1555",
            "name": "Ada L",
            "avatar": "https://example.com/b.png",
            "signed_up_at": 1,
            "last_seen_at": 0,
            "owner_id": "7",
            "unsubscribed_from_emails": True,
            "custom_attributes": '{"seats": 3}',
            "company_id": COMPANY_ID,
        },
        [
            Call(
                "PUT",
                f"/contacts/{CONTACT_ID}",
                "UpdateContact",
                body={
                    "role": "lead",
                    "external_id": "ext-2",
                    "email": "new@example.com",
                    "phone": "+1555",
                    "name": "Ada L",
                    "avatar": "https://example.com/b.png",
                    "signed_up_at": 1,
                    "last_seen_at": 0,
                    "owner_id": 7,
                    "unsubscribed_from_emails": True,
                    "custom_attributes": {"seats": 3},
                },
            ),
            Call("GET", "/companies", "retrieveCompany", query={"company_id": COMPANY_ID}),
            Call(
                "POST",
                "/contacts/{contact}/companies",
                "attachContactToACompany",
                body={"id": "{company}"},
            ),
        ],
    ),
    Case(
        "intercom_update_contact",
        {"contactId": CONTACT_ID, "name": "Ada"},
        [Call("PUT", f"/contacts/{CONTACT_ID}", "UpdateContact", body={"name": "Ada"})],
        "minimal",
    ),
    Case(
        "intercom_list_contacts",
        {"per_page": "150", "starting_after": "WzE3MzQ1Mzc"},
        [
            Call(
                "GET",
                "/contacts",
                "ListContacts",
                query={"per_page": "150", "starting_after": "WzE3MzQ1Mzc"},
            )
        ],
    ),
    Case("intercom_list_contacts", {}, [Call("GET", "/contacts", "ListContacts")], "minimal"),
    Case(
        "intercom_search_contacts",
        {
            "query": '{"operator": "AND", "value": [{"field": "role", "operator": "=", '
            '"value": "user"}, {"field": "email", "operator": "~", "value": "example"}]}',
            "per_page": 20,
            "starting_after": "abc",
            "sort_field": "created_at",
            "sort_order": "descending",
        },
        [
            Call(
                "POST",
                "/contacts/search",
                "SearchContacts",
                body={
                    "query": {
                        "operator": "AND",
                        "value": [
                            {"field": "role", "operator": "=", "value": "user"},
                            {"field": "email", "operator": "~", "value": "example"},
                        ],
                    },
                    "pagination": {"per_page": 20, "starting_after": "abc"},
                    "sort": {"field": "created_at", "order": "descending"},
                },
            )
        ],
    ),
    Case(
        "intercom_search_contacts",
        {"query": '{"field": "email", "operator": "=", "value": "a@b.c"}'},
        [
            Call(
                "POST",
                "/contacts/search",
                "SearchContacts",
                body={"query": {"field": "email", "operator": "=", "value": "a@b.c"}},
            )
        ],
        "minimal",
    ),
    Case(
        "intercom_delete_contact",
        {"contactId": CONTACT_ID},
        [Call("DELETE", f"/contacts/{CONTACT_ID}", "DeleteContact")],
    ),
    Case(
        "intercom_create_company",
        {
            "company_id": "acme",
            "name": "Acme",
            "website": "https://acme.example",
            "plan": "Enterprise",
            "size": "100",
            "industry": "Manufacturing",
            "monthly_spend": "155.98",
            "custom_attributes": '{"tier": "gold"}',
            "remote_created_at": 1394531169,
        },
        [
            Call(
                "POST",
                "/companies",
                "createOrUpdateCompany",
                body={
                    "company_id": "acme",
                    "name": "Acme",
                    "website": "https://acme.example",
                    "plan": "Enterprise",
                    "size": 100,
                    "industry": "Manufacturing",
                    "monthly_spend": 155,
                    "custom_attributes": {"tier": "gold"},
                    "remote_created_at": 1394531169,
                },
            )
        ],
    ),
    Case(
        "intercom_create_company",
        {"company_id": "acme"},
        [Call("POST", "/companies", "createOrUpdateCompany", body={"company_id": "acme"})],
        "minimal",
    ),
    Case(
        "intercom_get_company",
        {"companyId": COMPANY_ID},
        [Call("GET", f"/companies/{COMPANY_ID}", "RetrieveACompanyById")],
    ),
    Case(
        "intercom_list_companies",
        {"per_page": 60, "page": "2", "starting_after": "cur"},
        [
            Call(
                "POST",
                "/companies/list",
                "listAllCompanies",
                query={"per_page": "60", "page": "2", "starting_after": "cur"},
            )
        ],
    ),
    Case(
        "intercom_list_companies",
        {},
        [Call("POST", "/companies/list", "listAllCompanies")],
        "minimal",
    ),
    Case(
        "intercom_get_conversation",
        {"conversationId": "123", "display_as": "plaintext", "include_translations": "true"},
        [
            Call(
                "GET",
                "/conversations/123",
                "retrieveConversation",
                query={"display_as": "plaintext", "include_translations": "true"},
            )
        ],
    ),
    Case(
        "intercom_get_conversation",
        {"conversationId": "123"},
        [Call("GET", "/conversations/123", "retrieveConversation")],
        "minimal",
    ),
    Case(
        "intercom_list_conversations",
        {"per_page": 5, "starting_after": "cur", "sort": "updated_at", "order": "desc"},
        [
            Call(
                "GET",
                "/conversations",
                "listConversations",
                query={
                    "per_page": "5",
                    "starting_after": "cur",
                    "sort": "updated_at",
                    "order": "desc",
                },
            )
        ],
    ),
    Case(
        "intercom_list_conversations",
        {},
        [Call("GET", "/conversations", "listConversations")],
        "minimal",
    ),
    Case(
        "intercom_reply_conversation",
        {
            "conversationId": "123",
            "message_type": "note",
            "body": "<p>Looking into it</p>",
            "admin_id": "991267696",
            "attachment_urls": " https://a.example/1.png, ,https://a.example/2.png ,",
            "created_at": "1590000000",
        },
        [
            Call(
                "POST",
                "/conversations/123/reply",
                "replyConversation",
                body={
                    "message_type": "note",
                    "type": "admin",
                    "body": "<p>Looking into it</p>",
                    "admin_id": "991267696",
                    "attachment_urls": ["https://a.example/1.png", "https://a.example/2.png"],
                    "created_at": 1590000000,
                },
            )
        ],
    ),
    Case(
        "intercom_reply_conversation",
        {"conversationId": "123", "message_type": "comment", "body": "Hi"},
        [
            Call("GET", "/me", "identifyAdmin"),
            Call(
                "POST",
                "/conversations/123/reply",
                "replyConversation",
                body={
                    "message_type": "comment",
                    "type": "admin",
                    "body": "Hi",
                    "admin_id": "991267459",
                },
            ),
        ],
        "minimal",
    ),
    Case(
        "intercom_search_conversations",
        {
            "query": '{"field": "state", "operator": "=", "value": "open"}',
            "per_page": "10",
            "starting_after": "c",
            "sort_field": "updated_at",
            "sort_order": "ascending",
        },
        [
            Call(
                "POST",
                "/conversations/search",
                "searchConversations",
                body={
                    "query": {"field": "state", "operator": "=", "value": "open"},
                    "pagination": {"per_page": 10, "starting_after": "c"},
                    "sort": {"field": "updated_at", "order": "ascending"},
                },
            )
        ],
    ),
    Case(
        "intercom_search_conversations",
        {"query": '{"field": "open", "operator": "=", "value": true}'},
        [
            Call(
                "POST",
                "/conversations/search",
                "searchConversations",
                body={"query": {"field": "open", "operator": "=", "value": True}},
            )
        ],
        "minimal",
    ),
    Case(
        "intercom_create_ticket",
        {
            "ticket_type_id": "88",
            "contacts": '[{"email": "ada@example.com"}]',
            "ticket_attributes": '{"_default_title_": "Bug", "_default_description_": "Broken"}',
            "company_id": COMPANY_ID,
            "created_at": 1590000000,
            "conversation_to_link_id": "1234",
            "disable_notifications": "true",
        },
        [
            Call(
                "POST",
                "/tickets",
                "createTicket",
                body={
                    "ticket_type_id": "88",
                    "contacts": [{"email": "ada@example.com"}],
                    "ticket_attributes": {
                        "_default_title_": "Bug",
                        "_default_description_": "Broken",
                    },
                    "company_id": COMPANY_ID,
                    "created_at": 1590000000,
                    "conversation_to_link_id": "1234",
                    "skip_notifications": True,
                },
            )
        ],
    ),
    Case(
        "intercom_create_ticket",
        {
            "ticket_type_id": "88",
            "contacts": f'[{{"id": "{CONTACT_ID}"}}]',
            "ticket_attributes": '{"_default_title_": "Bug"}',
        },
        [
            Call(
                "POST",
                "/tickets",
                "createTicket",
                body={
                    "ticket_type_id": "88",
                    "contacts": [{"id": CONTACT_ID}],
                    "ticket_attributes": {"_default_title_": "Bug"},
                },
            )
        ],
        "minimal",
    ),
    Case("intercom_get_ticket", {"ticketId": "489"}, [Call("GET", "/tickets/489", "getTicket")]),
    Case(
        "intercom_create_message",
        {
            "message_type": "email",
            "template": "personal",
            "subject": "Hello",
            "body": "Hi there",
            "from_type": "admin",
            "from_id": "394051",
            "to_type": "contact",
            "to_id": CONTACT_ID,
            "created_at": "1590000000",
        },
        [
            Call("GET", f"/contacts/{CONTACT_ID}", "ShowContact"),
            Call(
                "POST",
                "/messages",
                "createMessage",
                body={
                    "message_type": "email",
                    "template": "personal",
                    "subject": "Hello",
                    "body": "Hi there",
                    "from": {"type": "admin", "id": 394051},
                    "to": {"type": "{role}", "id": CONTACT_ID},
                    "created_at": 1590000000,
                },
            ),
        ],
    ),
    Case(
        "intercom_create_message",
        {
            "message_type": "inapp",
            "template": "plain",
            "body": "Hi",
            "from_type": "admin",
            "from_id": "394051",
            "to_type": "lead",
            "to_id": CONTACT_ID,
        },
        [
            Call(
                "POST",
                "/messages",
                "createMessage",
                body={
                    "message_type": "inapp",
                    "template": "plain",
                    "body": "Hi",
                    "from": {"type": "admin", "id": 394051},
                    "to": {"type": "lead", "id": CONTACT_ID},
                },
            )
        ],
        "minimal",
    ),
]


@pytest.fixture(autouse=True)
def fresh_admin_cache():
    intercom_plugin.executor.clear_caches()


@pytest.fixture(scope="module")
def output_validators(plugin_manager) -> dict[str, Draft202012Validator]:
    return {t["id"]: Draft202012Validator(t["output_schema"]) for t in list_tools(plugin_manager)}


def _fill(value: Any, answers: dict[str, Any]) -> Any:
    """Put ids known only from the example answers into the expected request."""
    if isinstance(value, str):
        return value.format(**answers) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, answers) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, answers) for v in value]
    return value


def _register(case: Case) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for call in case.calls:
        body = example(call.answer)
        if call.answer in ("CreateContact", "UpdateContact", "ShowContact"):
            answers.update(contact=body["id"], role=body.get("role", "user"))
        if call.answer == "retrieveCompany":
            answers["company"] = body["data"][0]["id"] if "data" in body else body["id"]
        path = _fill(call.path, answers)
        responses.add(call.method, f"{US}{path}", json=body)
    return answers


def _ids(case: Case) -> str:
    return f"{case.tool}-{case.name}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
@responses.activate
def test_tool_sends_exactly_the_documented_requests(case, plugin_manager, credentials):
    answers = _register(case)
    result = plugin_manager.hook.sim_execute_tool(
        tool_id=case.tool, params=case.params, credentials=credentials
    )
    assert result["success"], result["error"]
    sent = [
        (
            c.request.method,
            urlsplit(c.request.url).path,
            parse_qs(urlsplit(c.request.url).query),
            json.loads(c.request.body) if c.request.body else None,
        )
        for c in responses.calls
    ]
    expected = [
        (
            c.method,
            _fill(c.path, answers),
            {k: [v] for k, v in c.query.items()},
            _fill(c.body, answers),
        )
        for c in case.calls
    ]
    assert sent == expected


@pytest.mark.parametrize("case", CASES, ids=_ids)
@responses.activate
def test_tool_output_matches_its_output_schema(
    case, plugin_manager, credentials, output_validators
):
    _register(case)
    result = plugin_manager.hook.sim_execute_tool(
        tool_id=case.tool, params=case.params, credentials=credentials
    )
    errors = [e.message for e in output_validators[case.tool].iter_errors(result["output"])]
    assert errors == []


@responses.activate
def test_requests_carry_auth_version_and_json_content_type(plugin_manager, credentials):
    responses.post(f"{US}/companies", json=example("createOrUpdateCompany"))
    plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_company", params={"company_id": "acme"}, credentials=credentials
    )
    headers = responses.calls[0].request.headers
    assert headers["Authorization"] == f"Bearer {credentials['accessToken']}"
    assert headers["Intercom-Version"] == "2.14"
    assert headers["Content-Type"] == "application/json"


@responses.activate
def test_the_token_may_arrive_as_the_access_token_parameter(plugin_manager):
    responses.get(f"{US}/tickets/489", json=example("getTicket"))
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_get_ticket",
        params={"ticketId": "489", "accessToken": "tok_param"},
        credentials={},
    )
    assert result["success"]
    assert responses.calls[0].request.headers["Authorization"] == "Bearer tok_param"


@responses.activate
def test_region_credential_sends_to_the_regional_host(plugin_manager, credentials):
    responses.get("https://api.eu.intercom.io/tickets/489", json=example("getTicket"))
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_get_ticket",
        params={"ticketId": "489"},
        credentials={**credentials, "region": "eu"},
    )
    assert result["success"]


@responses.activate
def test_list_contacts_reports_total_and_next_cursor(plugin_manager, credentials):
    page = {
        "type": "list",
        "data": [],
        "total_count": 3,
        "pages": {
            "type": "pages",
            "page": 1,
            "per_page": 1,
            "total_pages": 3,
            "next": {"per_page": 1, "starting_after": "WzE3MzQ="},
        },
    }
    responses.get(f"{US}/contacts", json=page)
    output = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_list_contacts", params={"per_page": 1}, credentials=credentials
    )["output"]
    assert (output["total_count"], output["next_starting_after"]) == (3, "WzE3MzQ=")


@responses.activate
def test_next_cursor_is_null_on_the_last_page(plugin_manager, credentials):
    responses.post(
        f"{US}/conversations/search",
        json={
            "type": "conversation.list",
            "conversations": [],
            "total_count": 0,
            "pages": {"type": "pages", "page": 1, "per_page": 20, "total_pages": 0},
        },
    )
    output = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_search_conversations",
        params={"query": '{"field": "open", "operator": "=", "value": true}'},
        credentials=credentials,
    )["output"]
    assert output["next_starting_after"] is None


@pytest.mark.parametrize(("page", "total_pages", "next_page"), [(1, 3, 2), (3, 3, None)])
@responses.activate
def test_list_companies_reports_the_next_page_number(
    page, total_pages, next_page, plugin_manager, credentials
):
    responses.post(
        f"{US}/companies/list",
        json={
            "type": "list",
            "data": [],
            "total_count": 5,
            "pages": {"type": "pages", "page": page, "per_page": 2, "total_pages": total_pages},
        },
    )
    output = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_list_companies", params={"page": page}, credentials=credentials
    )["output"]
    assert (output["page"], output["total_pages"], output["next_page"]) == (
        page,
        total_pages,
        next_page,
    )


@responses.activate
def test_delete_reports_intercoms_own_deleted_value(plugin_manager, credentials):
    responses.delete(
        f"{US}/contacts/{CONTACT_ID}",
        json={"id": CONTACT_ID, "external_id": "ext-9", "type": "contact", "deleted": False},
    )
    output = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_delete_contact",
        params={"contactId": CONTACT_ID},
        credentials=credentials,
    )["output"]
    assert output == {
        "id": CONTACT_ID,
        "deleted": False,
        "metadata": {"type": "contact", "external_id": "ext-9"},
    }


@responses.activate
def test_company_id_unknown_as_own_id_is_tried_as_intercoms_id(plugin_manager, credentials):
    responses.post(f"{US}/contacts", json=example("CreateContact"))
    responses.get(
        f"{US}/companies",
        status=404,
        json={
            "type": "error.list",
            "errors": [{"code": "company_not_found", "message": "Company Not Found"}],
        },
    )
    contact_id = example("CreateContact")["id"]
    responses.post(f"{US}/contacts/{contact_id}/companies", json=example("attachContactToACompany"))
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_contact",
        params={"email": "a@b.c", "company_id": COMPANY_ID},
        credentials=credentials,
    )
    assert result["success"]
    assert json.loads(responses.calls[2].request.body) == {"id": COMPANY_ID}


@responses.activate
def test_a_failed_attach_keeps_the_written_contact_and_says_what_failed(
    plugin_manager, credentials
):
    created = example("CreateContact")
    responses.post(f"{US}/contacts", json=created)
    not_found = {
        "type": "error.list",
        "request_id": "r-9",
        "errors": [{"code": "company_not_found", "message": "Company Not Found"}],
    }
    responses.get(f"{US}/companies", status=404, json=not_found)
    responses.post(f"{US}/contacts/{created['id']}/companies", status=404, json=not_found)
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_contact",
        params={"email": "a@b.c", "company_id": "nope"},
        credentials=credentials,
    )
    assert result["success"] is False
    assert result["output"] == {"contact": created, "contactId": created["id"]}
    assert result["error_detail"]["stage"] == "attach_company"
    assert result["error_detail"]["kind"] == "not_found"
    assert f"Contact {created['id']} was written" in result["error"]
    assert "'nope'" in result["error"]


@responses.activate
def test_message_to_a_contact_is_addressed_to_their_role(plugin_manager, credentials):
    responses.get(f"{US}/contacts/{CONTACT_ID}", json={**example("ShowContact"), "role": "lead"})
    responses.post(f"{US}/messages", json=example("createMessage"))
    plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_message",
        params={
            "message_type": "inapp",
            "template": "plain",
            "body": "Hi",
            "from_type": "admin",
            "from_id": "1",
            "to_type": "contact",
            "to_id": CONTACT_ID,
        },
        credentials=credentials,
    )
    assert json.loads(responses.calls[1].request.body)["to"] == {"type": "lead", "id": CONTACT_ID}


@responses.activate
def test_message_to_an_unknown_contact_fails_naming_to_id(plugin_manager, credentials):
    responses.get(
        f"{US}/contacts/nobody",
        status=404,
        json={"type": "error.list", "errors": [{"code": "not_found", "message": "User Not Found"}]},
    )
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_message",
        params={
            "message_type": "inapp",
            "template": "plain",
            "body": "Hi",
            "from_type": "admin",
            "from_id": "1",
            "to_type": "contact",
            "to_id": "nobody",
        },
        credentials=credentials,
    )
    assert result["error_detail"]["kind"] == "not_found"
    assert result["error_detail"]["field"] == "to_id"
    assert len(responses.calls) == 1


@responses.activate
def test_the_token_admin_is_looked_up_once_for_many_replies(plugin_manager, credentials):
    responses.get(f"{US}/me", json=example("identifyAdmin"))
    responses.post(f"{US}/conversations/1/reply", json=example("replyConversation"))
    for _ in range(3):
        plugin_manager.hook.sim_execute_tool(
            tool_id="intercom_reply_conversation",
            params={"conversationId": "1", "message_type": "comment", "body": "Hi"},
            credentials=credentials,
        )
    assert [c.request.method for c in responses.calls] == ["GET", "POST", "POST", "POST"]
