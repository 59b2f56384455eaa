"""Every topic the sandbox can cause starts a workflow: the action through the tool hook (or
Intercom's API where no tool makes it) against the sandbox behind either door, the signed
notification delivered over loopback to a receiver whose trigger takes that topic alone,
and the workflow started with an event valid under the trigger's published schema."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from helpers import US, FakeClock
from redis_helpers import free_port
from sandbox_helpers import DOORS, INES, SAM, SANDBOX_AUTH
from sim_intercom.cli import main
from sim_intercom.host import execute_tool
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SandboxServer, WebhookSender, Workspace, mock_intercom
from sim_intercom.sandbox.records import Contact
from sim_intercom.sandbox.webhooks import CAUSES
from sim_intercom.webhook_receiver import WebhookReceiver

SECRET = "sandbox-app-client-secret"
WAIT = 10.0
TEAM = "814865"
TICKET = "501"
FAMILY = {
    entry.topic: family.trigger
    for family in default_catalog().manifest.triggers.families
    for entry in family.topics
}


@dataclass
class Sandbox:
    """A workspace behind one door, and the calls a test makes to it."""

    manager: Any
    workspace: Workspace
    clock: FakeClock
    base_url: str

    def tool(self, tool_id: str, **params: Any) -> dict[str, Any]:
        """Run a tool through the hook, as a workflow step does; its output."""
        credentials = {"accessToken": self.workspace.token, "baseUrl": self.base_url}
        result = execute_tool(self.manager, tool_id, params, credentials)
        assert result is not None and result["success"], result and result["error"]
        output: dict[str, Any] = result["output"]
        return output

    def api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """A call to Intercom's API where no tool makes the change."""
        answer = requests.request(
            method, self.base_url + path, json=body, headers=SANDBOX_AUTH, timeout=WAIT
        )
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def contact(self, role: str) -> Contact:
        with self.workspace.lock:
            return next(c for c in self.workspace.state.contacts.values() if c.role == role)

    def company_id(self) -> str:
        with self.workspace.lock:
            return next(iter(self.workspace.state.companies.values())).id

    def conversation(self) -> tuple[str, str]:
        """The first conversation's id, and its contact's."""
        with self.workspace.lock:
            first = next(iter(self.workspace.state.conversations.values()))
            return first.id, first.contact_ids[0]

    def new_tag(self) -> str:
        return str(self.tool("intercom_create_tag", name="Sandbox trial")["tag"]["id"])


def tagged(role: str) -> Callable[[Sandbox], None]:
    def action(sandbox: Sandbox) -> None:
        contact_id, tag_id = sandbox.contact(role).id, sandbox.new_tag()
        sandbox.tool("intercom_tag_contact", contactId=contact_id, tagId=tag_id)

    return action


def untagged(role: str) -> Callable[[Sandbox], None]:
    def action(sandbox: Sandbox) -> None:
        contact_id, tag_id = sandbox.contact(role).id, sandbox.new_tag()
        sandbox.tool("intercom_tag_contact", contactId=contact_id, tagId=tag_id)
        sandbox.tool("intercom_untag_contact", contactId=contact_id, tagId=tag_id)

    return action


def lead_gets_email(sandbox: Sandbox) -> None:
    lead = sandbox.tool("intercom_create_contact", role="lead", name="Pat")["contact"]
    sandbox.tool("intercom_update_contact", contactId=lead["id"], email="pat@example.com")


def user_replies(sandbox: Sandbox) -> None:
    conversation_id, contact_id = sandbox.conversation()
    reply = {"type": "user", "intercom_user_id": contact_id, "message_type": "comment"}
    sandbox.api("POST", f"/conversations/{conversation_id}/reply", {**reply, "body": "Hi"})


def conversation_tool(tool_id: str, **params: Any) -> Callable[[Sandbox], None]:
    def action(sandbox: Sandbox) -> None:
        conversation_id, _ = sandbox.conversation()
        sandbox.tool(tool_id, conversationId=conversation_id, admin_id=INES, **params)

    return action


def reopened(sandbox: Sandbox) -> None:
    conversation_tool("intercom_close_conversation")(sandbox)
    conversation_tool("intercom_open_conversation")(sandbox)


def woken(sandbox: Sandbox) -> None:
    until = int(sandbox.clock.now) + 60
    conversation_tool("intercom_snooze_conversation", snoozed_until=until)(sandbox)
    sandbox.clock.advance(120)
    sandbox.tool("intercom_get_conversation", conversationId=sandbox.conversation()[0])


def ticket_update(**params: Any) -> Callable[[Sandbox], None]:
    def action(sandbox: Sandbox) -> None:
        sandbox.tool("intercom_update_ticket", ticketId=TICKET, **params)

    return action


# Each topic the sandbox causes -> the action that causes it
ACTIONS: dict[str, Callable[[Sandbox], None]] = {
    "contact.lead.created": lambda s: s.tool("intercom_create_contact", role="lead", name="Pat"),
    "contact.user.created": lambda s: s.tool("intercom_create_contact", email="new@example.com"),
    "contact.lead.updated": lambda s: s.tool(
        "intercom_update_contact", contactId=s.contact("lead").id, name="Renamed"
    ),
    "contact.user.updated": lambda s: s.tool(
        "intercom_update_contact", contactId=s.contact("user").id, name="Renamed"
    ),
    "contact.email.updated": lambda s: s.tool(
        "intercom_update_contact", contactId=s.contact("user").id, email="moved@example.com"
    ),
    "contact.lead.added_email": lead_gets_email,
    "contact.lead.signed_up": lambda s: s.tool(
        "intercom_update_contact", contactId=s.contact("lead").id, role="user"
    ),
    "contact.deleted": lambda s: s.tool("intercom_delete_contact", contactId=s.contact("lead").id),
    "contact.lead.tag.created": tagged("lead"),
    "contact.user.tag.created": tagged("user"),
    "contact.lead.tag.deleted": untagged("lead"),
    "contact.user.tag.deleted": untagged("user"),
    "company.created": lambda s: s.tool("intercom_create_company", company_id="new-co", name="N"),
    "company.updated": lambda s: s.tool(
        "intercom_create_company",
        company_id=s.workspace.state.companies[s.company_id()].company_id,
        name="Renamed",
    ),
    "company.contact.attached": lambda s: s.tool(
        "intercom_attach_contact_to_company",
        contactId=s.contact("lead").id,
        companyId=s.company_id(),
    ),
    "company.contact.detached": lambda s: s.tool(
        "intercom_detach_contact_from_company",
        contactId=s.contact("user").id,
        companyId=(s.contact("user").company_ids or [""])[0],
    ),
    "conversation.user.created": lambda s: s.api(
        "POST",
        "/conversations",
        {"from": {"type": "user", "id": s.contact("user").id}, "body": "Hi"},
    ),
    "conversation.admin.single.created": lambda s: s.tool(
        "intercom_create_message",
        message_type="inapp",
        template="plain",
        body="Hello",
        from_type="admin",
        from_id=INES,
        to_type="user",
        to_id=s.contact("user").id,
    ),
    "conversation.user.replied": user_replies,
    "conversation.admin.replied": conversation_tool(
        "intercom_reply_conversation", message_type="comment", body="On it"
    ),
    "conversation.admin.noted": conversation_tool(
        "intercom_reply_conversation", message_type="note", body="Key account"
    ),
    "conversation.admin.closed": conversation_tool("intercom_close_conversation"),
    "conversation.admin.opened": reopened,
    "conversation.admin.snoozed": lambda s: conversation_tool(
        "intercom_snooze_conversation", snoozed_until=int(s.clock.now) + 3600
    )(s),
    "conversation.admin.unsnoozed": woken,
    "conversation.admin.assigned": conversation_tool(
        "intercom_assign_conversation", assignee_id=SAM
    ),
    "ticket.created": lambda s: s.tool(
        "intercom_create_ticket",
        ticket_type_id="1",
        contacts=[{"id": s.contact("user").id}],
        ticket_attributes={"_default_title_": "Export fails"},
    ),
    "ticket.state.updated": ticket_update(ticket_state_id="2"),
    "ticket.closed": ticket_update(open=False),
    "ticket.admin.assigned": ticket_update(admin_id=INES, assignee_id=SAM),
    "ticket.team.assigned": ticket_update(admin_id=INES, assignee_id=TEAM),
    "ticket.attribute.updated": ticket_update(ticket_attributes={"severity": "low"}),
    "event.created": lambda s: s.tool(
        "intercom_create_event",
        event_name="placed-order",
        created_at=int(s.clock.now),
        id=s.contact("user").id,
    ),
}


@contextmanager
def behind(door: str, workspace: Workspace, sender: WebhookSender) -> Iterator[str]:
    """`workspace` behind `door`, firing its webhooks through `sender`; its base URL."""
    if door == "responses":
        with mock_intercom(workspace, webhooks=sender):
            yield US
    else:
        with SandboxServer(workspace, webhooks=sender) as server:
            yield server.base_url


def test_every_topic_the_sandbox_causes_has_an_action_here():
    assert set(ACTIONS) == set(CAUSES) - {"ping"}
    assert set(ACTIONS) <= set(FAMILY)


@pytest.mark.slow
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("topic", sorted(ACTIONS))
def test_the_sandbox_fires_each_topic_it_causes_and_the_workflow_starts(
    plugin_manager, door, topic
):
    trigger = FAMILY[topic]
    started: queue.Queue[dict[str, Any]] = queue.Queue()
    settings = {"clientSecret": SECRET, "topics": [topic]}  # the host chose this topic alone
    receiver = WebhookReceiver(plugin_manager, trigger, settings, on_event=started.put)
    clock = FakeClock(time.time())  # the tools check times against the real clock
    workspace = Workspace(clock=clock)
    with receiver, behind(door, workspace, WebhookSender(receiver.url, SECRET)) as base_url:
        ACTIONS[topic](Sandbox(plugin_manager, workspace, clock, base_url))
        event = started.get(timeout=WAIT)
    assert event["topic"] == topic and event["id"].startswith("notif_")
    spec = next(
        s
        for found in plugin_manager.hook.sim_register_triggers()
        for s in found
        if s["id"] == trigger
    )
    Draft202012Validator(spec["output_schema"]).validate(event)


# Topics fired on demand: every 2.14 topic, whether or not the sandbox can cause it


def fire(base_url: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(
        base_url + "/sandbox/webhooks/fire", json=body, headers=SANDBOX_AUTH, timeout=WAIT
    )


@pytest.fixture
def fired(plugin_manager) -> Iterator[tuple[str, queue.Queue[dict[str, Any]]]]:
    """A sandbox on loopback firing into a catch-all receiver; what ran there."""
    started: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(plugin_manager, "intercom_webhook", SECRET, on_event=started.put)
    with receiver, SandboxServer(webhook_url=receiver.url, webhook_secret=SECRET) as sandbox:
        yield sandbox.base_url, started


@pytest.mark.slow
@pytest.mark.parametrize("topic", sorted(FAMILY))
def test_every_2_14_topic_can_be_fired_on_demand_and_starts_its_familys_trigger(
    plugin_manager, topic
):
    trigger = FAMILY[topic]
    started: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(plugin_manager, trigger, SECRET, on_event=started.put)
    with receiver, SandboxServer(webhook_url=receiver.url, webhook_secret=SECRET) as sandbox:
        answer = fire(sandbox.base_url, {"topic": topic})
        assert answer.status_code == 200 and answer.json()["topic"] == topic
        event = started.get(timeout=WAIT)
    assert event["topic"] == topic and event["data"]["item"] == answer.json()["item"]
    Draft202012Validator(spec_of(plugin_manager, trigger)["output_schema"]).validate(event)


def spec_of(manager: Any, trigger: str) -> dict[str, Any]:
    specs = manager.hook.sim_register_triggers()
    return next(spec for found in specs for spec in found if spec["id"] == trigger)


def test_a_fired_item_is_sent_as_given_even_on_a_later_versions_topic(fired):
    base_url, started = fired
    item = {"type": "ticket", "id": "501", "note": "as given"}
    assert fire(base_url, {"topic": "ticket.resolved", "item": item}).status_code == 200
    event = started.get(timeout=WAIT)
    assert (event["topic"], event["data"]["item"]) == ("ticket.resolved", item)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": "ticket.resolved"}, "item"),  # not 2.14: no item of its kind to make
        ({"topic": "Ticket Created"}, "topic"),
        ({}, "topic"),
        ({"topic": "ticket.created", "item": [1]}, "item"),
    ],
    ids=["later topic without item", "not a topic", "no topic", "item not an object"],
)
def test_a_fire_request_that_cannot_be_sent_is_400_naming_the_field(fired, body, field):
    base_url, started = fired
    answer = fire(base_url, body)
    assert answer.status_code == 400 and field in answer.json()["errors"][0]["message"]
    assert started.empty()


def test_firing_with_no_receiver_attached_is_400():
    with mock_intercom(Workspace()):
        answer = fire(US, {"topic": "admin.logged_in"})
    assert answer.status_code == 400
    assert "webhook" in answer.json()["errors"][0]["message"]


def test_firing_needs_the_sandbox_token(fired):
    base_url, _ = fired
    answer = requests.post(
        base_url + "/sandbox/webhooks/fire", json={"topic": "ping"}, timeout=WAIT
    )
    assert answer.status_code == 401


@pytest.mark.slow
def test_sandbox_fire_asks_the_running_sandbox_and_prints_its_answer(plugin_manager, capsys):
    started: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(
        plugin_manager, "intercom_admin_events", SECRET, on_event=started.put
    )
    with receiver, SandboxServer(webhook_url=receiver.url, webhook_secret=SECRET) as sandbox:
        port = sandbox.bound_address()[1]
        assert main(["sandbox", "--port", str(port), "--fire", "admin.logged_in"]) == 0
        event = started.get(timeout=WAIT)
    printed = json.loads(capsys.readouterr().out)
    assert printed["topic"] == event["topic"] == "admin.logged_in"
    assert event["data"]["item"]["type"] == "admin"


def test_sandbox_fire_with_no_sandbox_running_is_one_line_and_exits_one(capsys):
    assert main(["sandbox", "--port", str(free_port()), "--fire", "admin.logged_in"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no sandbox answers" in err


def test_sandbox_fire_item_must_be_json(capsys):
    assert main(["sandbox", "--port", "1", "--fire", "ping", "--item", "{"]) == 2
    assert "--item must be a JSON object" in capsys.readouterr().err
