"""`sim-intercom demo`: a support workflow run through the plugin manager against the sandbox.

Each step is a real tool call over loopback HTTP, and each feeds the next, the way
an automation built in a workflow builder would chain them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests

from .host import execute_tool, get_plugin_manager
from .tables import render_table

Print = Callable[[str], None]


class StepFailed(Exception):
    """A demo step's tool call did not succeed."""


class Workflow:
    """Runs tool calls through the `sim` hook and prints what each did."""

    def __init__(self, base_url: str, token: str, out: Print) -> None:
        self.manager = get_plugin_manager()
        self.credentials = {"accessToken": token, "baseUrl": base_url}
        self.out = out
        self.steps: list[tuple[int, str, str]] = []

    def call(self, title: str, tool_id: str, **params: Any) -> dict[str, Any]:
        number = len(self.steps) + 1
        self.out(f"\n{number}. {title}\n   {tool_id} {json.dumps(params)}")
        result = execute_tool(self.manager, tool_id, params, self.credentials)
        if result is None or not result["success"]:
            error = result["error"] if result else "no plugin answered"
            self.out(f"   failed: {error}")
            raise StepFailed(f"step {number} ({tool_id}) failed: {error}")
        self.steps.append((number, tool_id, title))
        output: dict[str, Any] = result["output"]
        return output

    def say(self, text: str) -> None:
        self.out(f"   -> {text}")


def _ticket_type_id(base_url: str, token: str) -> str:
    """Ticket types are workspace settings, not a tool: read them as an integrator would."""
    answer = requests.get(
        f"{base_url}/ticket_types", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["data"][0]["id"])


def _support_workflow(flow: Workflow, ticket_type_id: str) -> None:
    company = flow.call(
        "Create (or update) the customer's company",
        "intercom_create_company",
        company_id="acme-robotics",
        name="Acme Robotics",
        plan="growth",
        size="42",
        industry="Robotics",
        monthly_spend="1200",
    )["company"]
    plan = (company.get("plan") or {}).get("name", "none")
    flow.say(f"company {company['id']} ({company['name']}, plan {plan})")

    written = flow.call(
        "Create a contact in that company",
        "intercom_create_contact",
        role="user",
        email="ada@acme-robotics.example",
        name="Ada Lovelace",
        company_id=company["company_id"],
    )
    contact = written["contact"]
    flow.say(
        f"contact {contact['id']} ({contact['email']}), attached to {written['company']['name']}"
    )

    query = {"field": "email", "operator": "=", "value": contact["email"]}
    found = flow.call(
        "Find the contact by email", "intercom_search_contacts", query=json.dumps(query)
    )
    flow.say(f"{found['total_count']} match: {[c['id'] for c in found['contacts']]}")

    tag = flow.call("Make sure the tag exists", "intercom_create_tag", name="Robot arm beta")["tag"]
    flow.call(
        "Tag the new contact", "intercom_tag_contact", contactId=contact["id"], tagId=tag["id"]
    )
    flow.say(f"tag {tag['id']} ({tag['name']}) on {contact['email']}")

    ticket = flow.call(
        "Open a ticket for them",
        "intercom_create_ticket",
        ticket_type_id=ticket_type_id,
        contacts=json.dumps([{"id": contact["id"]}]),
        ticket_attributes=json.dumps(
            {"_default_title_": "Robot arm stalls", "_default_description_": "Stalls at 40%."}
        ),
    )["ticket"]
    flow.say(f"ticket {ticket['id']} ({ticket.get('ticket_state', {}).get('category', 'open')})")

    inbox = flow.call("Look at the inbox", "intercom_list_conversations", per_page="5")
    conversation_id = inbox["conversations"][0]["id"]
    flow.say(f"{inbox['total_count']} conversations; replying to {conversation_id}")

    replied = flow.call(
        "Reply to the conversation as an admin (the token's admin, from GET /me)",
        "intercom_reply_conversation",
        conversationId=conversation_id,
        message_type="comment",
        body="Thanks for waiting, a fix is on its way.",
    )["conversation"]
    parts = replied["conversation_parts"]["conversation_parts"]
    admin_id = parts[-1]["author"]["id"]
    flow.say(f"conversation now has {len(parts)} parts; last by admin {admin_id}")

    assigned = flow.call(
        "Assign the conversation to that admin",
        "intercom_assign_conversation",
        conversationId=conversation_id,
        admin_id=admin_id,
        assignee_id=admin_id,
    )
    flow.say(f"assigned to admin {assigned['admin_assignee_id']}")

    closed = flow.call(
        "Close the conversation",
        "intercom_close_conversation",
        conversationId=conversation_id,
        admin_id=admin_id,
        body="Closing this one; the ticket tracks the fix.",
    )
    flow.say(f"conversation {closed['conversationId']} is {closed['state']}")

    message = flow.call(
        "Send the contact an email from that admin",
        "intercom_create_message",
        message_type="email",
        template="personal",
        subject="Your ticket",
        body="We have opened a ticket for the robot arm.",
        from_type="admin",
        from_id=admin_id,
        to_type="contact",
        to_id=contact["id"],
    )["message"]
    flow.say(f"message {message['id']} ({message['message_type']})")

    _page_through_contacts(flow)

    company = flow.call("Check the company", "intercom_get_company", companyId=company["id"])
    flow.say(f"{company['company']['name']} now has {company['company'].get('user_count')} user(s)")


def _page_through_contacts(flow: Workflow) -> None:
    cursor: str | None = None
    rows: list[tuple[int, int, str]] = []
    while True:
        params = {"per_page": "4", **({"starting_after": cursor} if cursor else {})}
        page = flow.call(f"List contacts, page {len(rows) + 1}", "intercom_list_contacts", **params)
        rows.append((len(rows) + 1, len(page["contacts"]), page["next_starting_after"] or "(last)"))
        cursor = page["next_starting_after"]
        if not cursor:
            break
    flow.out("\n" + render_table(["page", "contacts", "next_starting_after"], rows))


def run_demo(out: Print = print) -> int:
    """Start a sandbox, run the workflow, print each step; 0 when every step succeeded."""
    from .sandbox import SandboxServer

    with SandboxServer() as server:
        out(f"Intercom sandbox on {server.base_url} (a local, stateful stand-in for Intercom)")
        flow = Workflow(server.base_url, server.token, out)
        try:
            _support_workflow(flow, _ticket_type_id(server.base_url, server.token))
        except StepFailed as failed:
            out(f"\nDemo stopped: {failed}")
            return 1
    out("\n" + render_table(["step", "tool", "what it did"], flow.steps))
    out(f"\nAll {len(flow.steps)} steps succeeded.")
    return 0
