"""A trigger end to end, over real loopback HTTP: the sandbox fires a signed
`conversation.user.replied`, a receiver verifies it through the trigger hook as a host does,
and the workflow answers through the tools; the conversation then shows the admin's reply."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer
from sim_intercom.webhook_receiver import WebhookReceiver

SECRET = "sandbox-app-client-secret"
WAIT = 10.0  # seconds an event may take to arrive


@pytest.fixture
def wired(plugin_manager) -> Iterator[tuple[SandboxServer, queue.Queue[dict[str, Any]]]]:
    """A receiver for `intercom_conversation_reply` on loopback, and a sandbox firing its
    webhooks there signed with the same client secret; the events that ran, in order."""
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(
        plugin_manager, "intercom_conversation_reply", SECRET, on_event=events.put
    )
    with receiver, SandboxServer(webhook_url=receiver.url, webhook_secret=SECRET) as sandbox:
        yield sandbox, events


def api(sandbox: SandboxServer, method: str, path: str, **json: Any) -> dict[str, Any]:
    """A plain call to the sandbox's HTTP API, as Intercom's own clients make it."""
    answer = requests.request(
        method,
        f"{sandbox.base_url}{path}",
        headers={"Authorization": f"Bearer {sandbox.token}", "Intercom-Version": "2.14"},
        json=json or None,
        timeout=10,
    )
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def next_event(events: queue.Queue[dict[str, Any]], topic: str) -> dict[str, Any]:
    """The next event of `topic`, skipping others (a workflow filters the same way)."""
    while True:
        event = events.get(timeout=WAIT)
        if event["topic"] == topic:
            return event


@pytest.mark.slow
def test_a_user_reply_fires_the_trigger_and_the_workflow_replies_through_the_tools(
    plugin_manager, wired
):
    sandbox, events = wired
    credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}
    conversation = api(sandbox, "GET", "/conversations")["conversations"][0]
    contact_id = conversation["contacts"]["contacts"][0]["id"]

    # The customer writes in, through Intercom's API.
    api(
        sandbox,
        "POST",
        f"/conversations/{conversation['id']}/reply",
        type="user",
        message_type="comment",
        intercom_user_id=contact_id,
        body="Is my order on its way?",
    )

    # The trigger verified the signed notification and hands the workflow its event.
    event = next_event(events, "conversation.user.replied")
    item = event["data"]["item"]
    assert (item["type"], item["id"]) == ("conversation", conversation["id"])
    assert event["id"].startswith("notif_") and event["delivery_attempts"] == 1

    # The workflow answers with the reply tool, as a host runs a step.
    result = execute_tool(
        plugin_manager,
        "intercom_reply_conversation",
        {
            "conversationId": item["id"],
            "message_type": "comment",
            "body": "Yes: it ships today.",
        },
        credentials,
    )
    assert result is not None and result["success"], result and result["error"]

    # The conversation shows the admin's reply, after the customer's.
    shown = execute_tool(
        plugin_manager, "intercom_get_conversation", {"conversationId": item["id"]}, credentials
    )
    assert shown is not None and shown["success"]
    parts = shown["output"]["conversation"]["conversation_parts"]["conversation_parts"]
    customer, admin = parts[-2], parts[-1]
    assert (customer["author"]["type"], customer["body"]) == ("user", "Is my order on its way?")
    assert admin["author"]["type"] == "admin" and "Yes: it ships today." in admin["body"]

    # The admin's reply is the trigger's other topic: it arrives too, and a workflow that
    # answers customers only lets it pass.
    echoed = next_event(events, "conversation.admin.replied")
    assert echoed["data"]["item"]["id"] == item["id"]


@pytest.mark.slow
def test_notifications_signed_with_another_secret_run_nothing(plugin_manager):
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(plugin_manager, "intercom_webhook", SECRET, on_event=events.put)
    with receiver:
        sandbox = SandboxServer(webhook_url=receiver.url, webhook_secret="another-secret")
        assert sandbox.webhooks is not None
        sandbox.webhooks.retry_delays = ()  # a 401 is final here; no redelivery to wait for
        with sandbox:
            sandbox.webhooks.ping()
            api(sandbox, "POST", "/contacts", role="lead", name="Pat")
            assert sandbox.webhooks.wait_idle(WAIT)
            assert sandbox.webhooks.failed >= 1 and sandbox.webhooks.delivered == 0
    assert events.empty()


@pytest.mark.slow
def test_the_sandboxs_ping_is_acknowledged_and_runs_nothing(plugin_manager):
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    receiver = WebhookReceiver(plugin_manager, "intercom_webhook", SECRET, on_event=events.put)
    with receiver, SandboxServer(webhook_url=receiver.url, webhook_secret=SECRET) as sandbox:
        assert sandbox.webhooks is not None
        sandbox.webhooks.ping()
        assert sandbox.webhooks.wait_idle(WAIT)
        assert (sandbox.webhooks.delivered, sandbox.webhooks.failed) == (1, 0)
    assert events.empty()
