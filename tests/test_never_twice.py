"""A write that may have landed is repeated only when a repeat leaves Intercom as one try did.

Each behaviour is shown end to end: the plugin talks to a proxy on loopback
(`faultserver.forward`) in front of a real sandbox, and the proxy applies a request and then
loses its answer, as a proxy timing out or a connection lost on the way back would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from faultserver import FaultServer, Step, forward, reply
from helpers import TOKEN, error_list, fake_transport
from sim_intercom.executor import Executor
from sim_intercom.manifest import default_catalog
from sim_intercom.operations import OPERATIONS
from sim_intercom.sandbox.server import SandboxServer

CONVERSATION = "100"
ADMIN = "991267801"
TAKEN_EMAIL = "hank@globex.example"  # a user of the seed, named Hank Scorpio


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def through(
    sandbox: SandboxServer, script: list[Step], tool: str, params: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """Run one call through a proxy following `script`; the result and requests proxied."""
    with FaultServer(script) as proxy:
        credentials = {"accessToken": sandbox.token, "baseUrl": proxy.base_url, "maxRetries": 3}
        result = Executor(transport=fake_transport()).execute(tool, params, credentials)
        assert result is not None
        return result, len(proxy.requests)


def upstream(sandbox: SandboxServer) -> str:
    host, port = sandbox.bound_address()
    return f"{host}:{port}"


def test_a_lead_with_only_an_email_is_not_created_twice_when_its_answer_is_lost(sandbox):
    params = {"role": "lead", "email": "shared@example.com", "name": "Lee"}
    script: list[Step] = [forward(upstream(sandbox), drop=True), forward(upstream(sandbox))]
    result, sent = through(sandbox, script, "intercom_create_contact", params)
    leads = [c for c in sandbox.workspace.state.contacts.values() if c.email == params["email"]]
    assert len(leads) == 1
    assert sent == 1
    assert result["error_detail"]["kind"] == "network"
    assert result["error_detail"]["outcome"] == "unknown"


def test_a_user_with_an_email_is_retried_and_its_own_409_returns_the_written_contact(sandbox):
    params = {"role": "user", "email": "new-user@example.com", "name": "Una"}
    script: list[Step] = [forward(upstream(sandbox), drop=True), forward(upstream(sandbox))]
    result, sent = through(sandbox, script, "intercom_create_contact", params)
    users = [c for c in sandbox.workspace.state.contacts.values() if c.email == params["email"]]
    assert result["success"] is True, result
    assert [c.id for c in users] == [result["output"]["contact"]["id"]]
    assert sent == 3  # the lost create, the create answered 409, the read of its contact


def test_an_assignment_with_a_body_is_not_sent_twice_when_its_answer_is_lost(sandbox):
    params = {"conversationId": CONVERSATION, "admin_id": ADMIN, "assignee_id": ADMIN}
    params["body"] = "Taking this one"
    script: list[Step] = [forward(upstream(sandbox), drop=True), forward(upstream(sandbox))]
    result, sent = through(sandbox, script, "intercom_assign_conversation", params)
    parts = sandbox.workspace.state.conversations[CONVERSATION].parts
    assert [p.body for p in parts].count("Taking this one") == 1
    assert sent == 1
    assert result["error_detail"]["outcome"] == "unknown"


def test_an_assignment_without_a_body_is_retried_after_its_answer_is_lost(sandbox):
    params = {"conversationId": CONVERSATION, "admin_id": ADMIN, "assignee_id": ADMIN}
    script: list[Step] = [forward(upstream(sandbox), drop=True), forward(upstream(sandbox))]
    result, sent = through(sandbox, script, "intercom_assign_conversation", params)
    assert result["success"] is True, result
    assert result["output"]["admin_assignee_id"] == int(ADMIN)
    assert sent == 2


def test_a_close_with_a_body_is_not_retried_after_a_503(sandbox):
    params = {"conversationId": CONVERSATION, "admin_id": ADMIN, "body": "Solved"}
    result, sent = through(sandbox, [reply(503)], "intercom_close_conversation", params)
    assert (sent, result["error_detail"]["outcome"]) == (1, "unknown")


def test_a_retried_create_meeting_someone_elses_contact_is_a_conflict_not_a_success(sandbox):
    params = {"role": "user", "email": TAKEN_EMAIL, "name": "Not Hank"}
    script: list[Step] = [reply(503, error_list("service_unavailable", "busy"))]
    script.append(forward(upstream(sandbox)))
    result, _ = through(sandbox, script, "intercom_create_contact", params)
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "conflict"
    assert result["output"] == {}


def test_a_retried_create_whose_409_names_a_contact_with_other_fields_is_a_conflict():
    conflict = error_list("conflict", "A contact matching those details already exists with id=c9")
    theirs = {"type": "contact", "id": "c9", "role": "user", "email": "ada@example.com"}
    theirs["name"] = "Someone Else"
    script = [reply(503), reply(409, conflict), reply(200, theirs)]
    params = {"role": "user", "email": "ADA@example.com", "name": "Ada"}
    with FaultServer(script) as server:
        credentials = {"accessToken": TOKEN, "baseUrl": server.base_url}
        result = Executor(transport=fake_transport()).execute(
            "intercom_create_contact", params, credentials
        )
    assert result is not None
    assert result["error_detail"]["kind"] == "conflict"


def test_every_write_whose_safety_depends_on_its_parameters_is_annotated_not_idempotent():
    tools = default_catalog().tools
    for tool_id, operation in OPERATIONS.items():
        hints = tools[tool_id].entry.annotations
        if operation.safe_without or operation.unique_keys:
            assert not hints.idempotentHint and not hints.readOnlyHint, tool_id
        assert set(operation.safe_without) <= set(tools[tool_id].input_schema["properties"])


def test_the_writes_a_body_makes_unsafe_are_assign_and_close():
    unsafe_with_body = {t for t, op in OPERATIONS.items() if "body" in op.safe_without}
    assert unsafe_with_body == {"intercom_assign_conversation", "intercom_close_conversation"}


@pytest.mark.parametrize(
    ("params", "safe"),
    [
        ({"role": "user", "email": "a@b.co"}, True),
        ({"role": "lead", "email": "a@b.co"}, False),
        ({"email": "a@b.co"}, False),
        ({"role": "lead", "external_id": "x1"}, True),
        ({"role": "lead"}, False),
    ],
)
def test_a_create_contact_is_retry_safe_only_with_a_key_intercom_keeps_unique(params, safe):
    assert OPERATIONS["intercom_create_contact"].retry_safe(params, hinted=False) is safe
