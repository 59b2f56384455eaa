"""The sixteen tools through `PluginManager("sim")` against the sandbox over real loopback HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from helpers import ids
from sim_intercom.host import execute_tool, list_tools
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SandboxServer, Workspace

pytestmark = pytest.mark.slow

Run = Callable[..., dict[str, Any]]
TITLE = json.dumps({"_default_title_": "Printer on fire"})
CATALOG = default_catalog()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def runner(plugin_manager, server: SandboxServer, token: str | None = None, **settings: Any) -> Run:
    credentials = {"accessToken": token or server.token, "baseUrl": server.base_url, **settings}

    def run(tool_id: str, **params: Any) -> dict[str, Any]:
        result = execute_tool(plugin_manager, tool_id, params, credentials)
        assert result is not None, f"no plugin answered {tool_id}"
        return result

    return run


@pytest.fixture
def run(plugin_manager, sandbox) -> Run:
    return runner(plugin_manager, sandbox)


def succeeded(result: dict[str, Any]) -> dict[str, Any]:
    assert result["success"], result["error"]
    return result["output"]


def seeded_ids(workspace: Workspace) -> dict[str, str]:
    """Ids of seeded records, read from the workspace the way a test reads fixtures."""
    state = workspace.state
    user = next(c for c in state.contacts.values() if c.role == "user" and c.company_ids)
    return {
        "contact": user.id,
        "company": user.company_ids[0],
        "conversation": next(iter(state.conversations)),
        "admin": state.me_id,
        "ticket_type": next(iter(state.ticket_types)),
        "tag": next(iter(state.tags)),
        "ticket": next(iter(state.tickets)),
        "ticket_state": next(iter(state.tickets.values())).ticket_type.states[1].id,
    }


def _ticket(run: Run, ids: dict[str, str]) -> str:
    output = succeeded(
        run(
            "intercom_create_ticket",
            ticket_type_id=ids["ticket_type"],
            contacts=json.dumps([{"id": ids["contact"]}]),
            ticket_attributes=TITLE,
        )
    )
    return output["ticket"]["id"]


PARAMS: dict[str, Callable[[Run, dict[str, str]], dict[str, Any]]] = {
    "intercom_update_ticket": lambda run, ids: {
        "ticketId": ids["ticket"],
        "ticket_state_id": ids["ticket_state"],
    },
    "intercom_list_admins": lambda run, ids: {},
    "intercom_close_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "admin_id": ids["admin"],
        "body": "Closing, thanks!",
    },
    "intercom_open_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "admin_id": ids["admin"],
    },
    "intercom_snooze_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "admin_id": ids["admin"],
        "snoozed_until": "4000000000",
    },
    "intercom_assign_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "admin_id": ids["admin"],
        "assignee_id": ids["admin"],
    },
    "intercom_list_tags": lambda run, ids: {},
    "intercom_create_tag": lambda run, ids: {"name": "Beta tester"},
    "intercom_tag_contact": lambda run, ids: {"contactId": ids["contact"], "tagId": ids["tag"]},
    "intercom_untag_contact": lambda run, ids: {"contactId": ids["contact"], "tagId": ids["tag"]},
    "intercom_tag_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "tagId": ids["tag"],
        "admin_id": ids["admin"],
    },
    "intercom_create_note": lambda run, ids: {"contactId": ids["contact"], "body": "Called them"},
    "intercom_create_event": lambda run, ids: {"event_name": "signed-in", "id": ids["contact"]},
    "intercom_attach_contact_to_company": lambda run, ids: {
        "contactId": ids["contact"],
        "companyId": ids["company"],
    },
    "intercom_detach_contact_from_company": lambda run, ids: {
        "contactId": ids["contact"],
        "companyId": ids["company"],
    },
    "intercom_create_contact": lambda run, ids: {"email": "new@example.com", "name": "New"},
    "intercom_get_contact": lambda run, ids: {"contactId": ids["contact"]},
    "intercom_update_contact": lambda run, ids: {"contactId": ids["contact"], "phone": "+1555"},
    "intercom_list_contacts": lambda run, ids: {"per_page": "2"},
    "intercom_search_contacts": lambda run, ids: {
        "query": '{"field": "role", "operator": "=", "value": "user"}'
    },
    "intercom_delete_contact": lambda run, ids: {"contactId": ids["contact"]},
    "intercom_create_company": lambda run, ids: {"company_id": "new-co", "name": "New Co"},
    "intercom_get_company": lambda run, ids: {"companyId": ids["company"]},
    "intercom_list_companies": lambda run, ids: {"per_page": "2"},
    "intercom_get_conversation": lambda run, ids: {"conversationId": ids["conversation"]},
    "intercom_list_conversations": lambda run, ids: {"per_page": "2"},
    "intercom_reply_conversation": lambda run, ids: {
        "conversationId": ids["conversation"],
        "message_type": "note",
        "body": "Internal note",
    },
    "intercom_search_conversations": lambda run, ids: {
        "query": '{"field": "state", "operator": "=", "value": "open"}'
    },
    "intercom_create_ticket": lambda run, ids: {
        "ticket_type_id": ids["ticket_type"],
        "contacts": json.dumps([{"id": ids["contact"]}]),
        "ticket_attributes": TITLE,
    },
    "intercom_get_ticket": lambda run, ids: {"ticketId": _ticket(run, ids)},
    "intercom_create_message": lambda run, ids: {
        "message_type": "inapp",
        "template": "plain",
        "body": "Hello",
        "from_type": "admin",
        "from_id": ids["admin"],
        "to_type": "contact",
        "to_id": ids["contact"],
    },
}

# Tools added since (issue 18) run their manifest example, written to run on a fresh sandbox.
PARAMS.update(
    {
        tool.id: lambda run, ids, example=tool.entry.example.params: dict(example)
        for tool in default_catalog().tools.values()
        if tool.id not in PARAMS
    }
)


def test_the_end_to_end_table_covers_every_tool(plugin_manager):
    """Sim's 31 tools have their own rows here; every other runs its catalog example, whose
    ids are the seed's (tests/test_catalog_contract.py checks them too)."""
    tools = {tool["id"] for tool in list_tools(plugin_manager)}
    assert set(PARAMS) <= tools
    assert all(CATALOG.tools[tool_id].spec()["example"] for tool_id in tools - set(PARAMS))


def params_of(tool_id: str, run: Run, ids: dict[str, str]) -> dict[str, Any]:
    if tool_id in PARAMS:
        return PARAMS[tool_id](run, ids)
    return dict(CATALOG.tools[tool_id].spec()["example"]["params"])


@pytest.mark.parametrize("tool_id", sorted(CATALOG.tools))
def test_each_tool_succeeds_over_loopback_with_its_documented_output(
    plugin_manager, sandbox, run, tool_id
):
    spec = next(tool for tool in list_tools(plugin_manager) if tool["id"] == tool_id)
    output = succeeded(run(tool_id, **params_of(tool_id, run, seeded_ids(sandbox.workspace))))
    Draft202012Validator(spec["output_schema"]).validate(output)


def test_a_support_workflow_feeds_each_step_into_the_next(run):
    company = succeeded(run("intercom_create_company", company_id="e2e-co", name="E2E Co"))
    written = succeeded(
        run(
            "intercom_create_contact",
            email="grace@e2e.example",
            name="Grace",
            company_id=company["company"]["company_id"],
        )
    )
    contact_id = written["contact"]["id"]
    assert written["company"]["id"] == company["company"]["id"]

    query = json.dumps({"field": "email", "operator": "=", "value": "grace@e2e.example"})
    found = succeeded(run("intercom_search_contacts", query=query))
    assert ids(found["contacts"]) == [contact_id]

    updated = succeeded(run("intercom_update_contact", contactId=contact_id, name="Grace H."))
    assert updated["contact"]["name"] == "Grace H."

    me = succeeded(run("intercom_list_conversations", per_page="1"))
    conversation_id = me["conversations"][0]["id"]
    replied = succeeded(
        run(
            "intercom_reply_conversation",
            conversationId=conversation_id,
            message_type="comment",
            body="On it.",
        )
    )
    author = replied["conversation"]["conversation_parts"]["conversation_parts"][-1]["author"]

    message = succeeded(
        run(
            "intercom_create_message",
            message_type="inapp",
            template="plain",
            body="We are on it.",
            from_type="admin",
            from_id=author["id"],
            to_type="contact",
            to_id=contact_id,
        )
    )["message"]
    opened = succeeded(run("intercom_get_conversation", conversationId=message["conversation_id"]))
    contacts = opened["conversation"]["contacts"]["contacts"]
    assert ids(contacts) == [contact_id]

    company_now = succeeded(run("intercom_get_company", companyId=company["company"]["id"]))
    assert company_now["company"]["user_count"] == 1

    deleted = succeeded(run("intercom_delete_contact", contactId=contact_id))
    assert deleted["deleted"] is True
    gone = run("intercom_get_contact", contactId=contact_id)
    assert gone["error_detail"]["kind"] == "not_found"


def _walk(run: Run, tool_id: str, key: str, **params: Any) -> tuple[list[str], int]:
    """Follow `next_starting_after` to the last page; the ids seen and the pages read."""
    ids: list[str] = []
    pages = 0
    cursor = None
    while True:
        extra = {"starting_after": cursor} if cursor else {}
        output = succeeded(run(tool_id, **params, **extra))
        ids += [item["id"] for item in output[key]]
        pages += 1
        cursor = output["next_starting_after"]
        if cursor is None:
            return ids, pages


@pytest.fixture
def crowded(plugin_manager) -> Iterator[tuple[Run, Workspace]]:
    workspace = Workspace(seed="empty", contacts=237)
    with SandboxServer(workspace) as server:
        yield runner(plugin_manager, server), workspace


def test_listing_contacts_pages_through_to_the_last_page(crowded):
    run, workspace = crowded
    ids, pages = _walk(run, "intercom_list_contacts", "contacts", per_page="50")
    assert pages == 5
    assert ids == list(workspace.state.contacts)


def test_searching_contacts_pages_through_to_the_last_page(crowded):
    run, workspace = crowded
    query = json.dumps({"field": "role", "operator": "=", "value": "lead"})
    ids, pages = _walk(run, "intercom_search_contacts", "contacts", query=query, per_page="20")
    leads = [c.id for c in workspace.state.contacts.values() if c.role == "lead"]
    assert sorted(ids) == sorted(leads)
    assert pages == -(-len(leads) // 20)


def test_listing_companies_reports_the_next_page_until_the_last(run):
    pages = []
    page = 1
    while page is not None:
        output = succeeded(run("intercom_list_companies", per_page="2", page=str(page)))
        pages.append([c["company_id"] for c in output["companies"]])
        page = output["next_page"]
    assert pages == [["umbrella", "initech"], ["globex"]]


def test_a_wrong_token_is_an_unauthorized_result(plugin_manager, sandbox):
    result = runner(plugin_manager, sandbox, token="not-the-token")("intercom_list_contacts")
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "unauthorized"
    assert result["error_detail"]["status"] == 401
    assert "not-the-token" not in json.dumps(result)


def test_an_unknown_contact_is_a_not_found_result(run):
    result = run("intercom_get_contact", contactId="no-such-contact")
    assert result["error_detail"]["kind"] == "not_found"
    assert result["error_detail"]["request_id"]


def test_a_duplicate_email_is_a_conflict_result(run):
    succeeded(run("intercom_create_contact", email="twice@example.com"))
    result = run("intercom_create_contact", email="twice@example.com")
    assert result["error_detail"]["kind"] == "conflict"
    assert result["error_detail"]["status"] == 409


def test_an_undefined_custom_attribute_is_intercoms_parameter_invalid(run):
    result = run(
        "intercom_create_contact",
        email="attrs@example.com",
        custom_attributes='{"favourite_colour": "teal"}',
    )
    detail = result["error_detail"]
    assert (detail["kind"], detail["status"], detail["code"]) == (
        "invalid_input",
        400,
        "parameter_invalid",
    )
    assert "favourite_colour" in result["error"]


def test_an_unknown_ticket_type_is_an_invalid_input_result(run):
    result = run(
        "intercom_create_ticket",
        ticket_type_id="999",
        contacts=json.dumps([{"email": "x@example.com"}]),
        ticket_attributes=TITLE,
    )
    assert result["error_detail"]["kind"] == "invalid_input"
    assert result["error_detail"]["status"] == 400


def test_past_the_rate_limit_the_call_fails_at_once_without_sending(plugin_manager):
    if time.time() % 10 > 8:  # all three calls in one clock-aligned 10 s window
        time.sleep(10 - time.time() % 10)
    with SandboxServer(rate_limit=2, window=10) as server:
        run = runner(plugin_manager, server, maxWait=0)
        run("intercom_list_contacts")
        run("intercom_list_contacts")
        result = run("intercom_list_contacts")
    detail = result["error_detail"]
    assert detail["kind"] == "rate_limited"
    assert detail["attempts"] == 0
    assert detail["rate_limit"]["limit"] == 2
    assert detail["rate_limit"]["remaining"] == 0
    assert 0 < detail["retry_after"] <= 10


def test_a_stopped_sandbox_is_a_network_result(plugin_manager):
    server = SandboxServer().start()
    run = runner(plugin_manager, server)
    server.stop()
    result = run("intercom_list_contacts")
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "network"


def test_consecutive_calls_reuse_one_connection(run, connections_opened):
    for _ in range(5):
        succeeded(run("intercom_list_contacts", per_page="1"))
    assert len(connections_opened) == 1
