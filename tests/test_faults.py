"""Each network fault, from a misbehaving loopback server, becomes the right result.

Every test asserts what the server saw (how many requests), the result's kind, `attempts`,
and for writes `outcome`; waits the server asks for go to an injected clock, so no test
sleeps for them, while read deadlines run on the real clock and are timed.
"""

from __future__ import annotations

import socket
import time
import tracemalloc
from typing import Any

import pytest

from faultserver import (
    FaultServer,
    close_after_request,
    close_before_reading,
    close_mid_body,
    drip,
    gzip_bomb,
    huge_body,
    rate_limited,
    raw,
    redirect,
    reply,
    set_cookie,
    stall,
)
from helpers import TOKEN, FakeClock, error_list, fake_transport
from sim_intercom.executor import Executor
from sim_intercom.transport import Transport

CONTACT = {"type": "contact", "id": "c1", "role": "user", "email": "ada@example.com"}
GET_CONTACT = ("intercom_get_contact", {"contactId": "c1"})
NEW_CONTACT = ("intercom_create_contact", {"role": "lead", "name": "Ada"})
NEW_CONTACT_BY_EMAIL = ("intercom_create_contact", {"role": "user", "email": "ada@example.com"})
REPLY = (
    "intercom_reply_conversation",
    {"conversationId": "7", "message_type": "comment", "body": "Hi", "admin_id": "1"},
)
DETAIL_KEYS = {"kind", "status", "code", "request_id", "attempts", "retry_after"}


def call(
    server: FaultServer | str,
    tool: tuple[str, dict[str, Any]],
    transport: Transport | None = None,
    **settings: Any,
) -> dict[str, Any]:
    base_url = server if isinstance(server, str) else server.base_url
    executor = Executor(transport=transport or fake_transport())
    credentials = {"accessToken": TOKEN, "baseUrl": base_url, **settings}
    result = executor.execute(tool[0], dict(tool[1]), credentials)
    assert result is not None
    return result


def failed(result: dict[str, Any], kind: str) -> dict[str, Any]:
    assert result["success"] is False, result
    detail = result["error_detail"]
    assert detail["kind"] == kind, detail
    assert set(detail) >= DETAIL_KEYS
    return detail


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# Before the request left: every tool is retried.


def test_a_refused_connection_is_retried_then_fails_as_network_for_a_read():
    detail = failed(call(closed_port(), GET_CONTACT, maxRetries=2), "network")
    assert detail["attempts"] == 3
    assert "outcome" not in detail


def test_a_refused_connection_is_retried_even_for_a_write_and_was_not_applied():
    detail = failed(call(closed_port(), NEW_CONTACT, maxRetries=2), "network")
    assert (detail["attempts"], detail["outcome"]) == (3, "not_applied")


# After the request may have reached Intercom: reads retried, unsafe writes never.


@pytest.mark.parametrize(
    "fault", [close_after_request, close_before_reading, close_mid_body], ids=lambda f: f.__name__
)
def test_a_read_is_retried_after_a_dropped_connection(fault):
    with FaultServer([fault(), reply(200, CONTACT)]) as server:
        result = call(server, GET_CONTACT)
    assert result["success"] is True
    assert result["output"]["contact"]["id"] == "c1"


@pytest.mark.parametrize("fault", [close_after_request, close_mid_body], ids=lambda f: f.__name__)
def test_an_unsafe_write_is_not_retried_after_a_drop_and_its_outcome_is_unknown(fault):
    with FaultServer([fault(), reply(200, CONTACT)]) as server:
        detail = failed(call(server, NEW_CONTACT), "network")
        seen = len(server.requests)
    assert (seen, detail["attempts"], detail["outcome"]) == (1, 1, "unknown")


def test_an_unsafe_write_is_not_retried_after_a_503_and_its_outcome_is_unknown():
    with FaultServer([reply(503, error_list("service_unavailable", "Down")), reply(200)]) as server:
        detail = failed(call(server, REPLY), "server_error")
        seen = len(server.requests)
    assert (seen, detail["attempts"], detail["outcome"]) == (1, 1, "unknown")


def test_a_read_is_retried_on_5xx_until_it_succeeds():
    script = [reply(503), reply(502), reply(200, CONTACT)]
    with FaultServer(script) as server:
        result = call(server, GET_CONTACT)
        seen = len(server.requests)
    assert result["success"] is True and seen == 3


def test_a_read_gives_up_after_max_retries_with_every_attempt_counted():
    with FaultServer([reply(500, error_list("server_error", "Boom"))]) as server:
        detail = failed(call(server, GET_CONTACT, maxRetries=2), "server_error")
        seen = len(server.requests)
    assert (seen, detail["attempts"]) == (3, 3)


def test_an_idempotent_write_that_got_a_5xx_reports_an_unknown_outcome():
    update = ("intercom_update_contact", {"contactId": "c1", "name": "Ada"})
    with FaultServer([reply(500)]) as server:
        detail = failed(call(server, update, maxRetries=1), "server_error")
    assert (detail["attempts"], detail["outcome"]) == (2, "unknown")


def test_a_refused_write_is_not_applied():
    with FaultServer([reply(400, error_list("parameter_invalid", "Bad"))]) as server:
        detail = failed(call(server, NEW_CONTACT), "invalid_input")
    assert (detail["attempts"], detail["outcome"]) == (1, "not_applied")


# Timeouts: per read, and for the whole answer.


def test_a_read_timeout_is_retried_for_a_read():
    with FaultServer([stall(2), reply(200, CONTACT)]) as server:
        started = time.monotonic()
        result = call(server, GET_CONTACT, readTimeout=0.2)
        elapsed = time.monotonic() - started
    assert result["success"] is True
    assert 0.2 <= elapsed < 1.5


def test_a_read_timeout_on_an_unsafe_write_is_an_unknown_outcome():
    with FaultServer([stall(2)]) as server:
        started = time.monotonic()
        detail = failed(call(server, REPLY, readTimeout=0.2), "network")
        elapsed = time.monotonic() - started
    assert (detail["attempts"], detail["outcome"]) == (1, "unknown")
    assert 0.2 <= elapsed < 1.0


def test_a_slow_drip_answer_fails_once_read_timeout_has_passed_in_total():
    body = b'{"type": "contact", "id": "c1", "padding": "' + b"x" * 200 + b'"}'
    with FaultServer([drip(body, interval=0.02, chunk_size=1)]) as server:
        started = time.monotonic()
        detail = failed(call(server, GET_CONTACT, readTimeout=0.3, maxRetries=0), "network")
        elapsed = time.monotonic() - started
    assert "in time" in detail["message"] or "in total" in detail["message"]
    assert 0.3 <= elapsed < 0.8


# Answers that are not what Intercom promises.


def test_a_gzip_bomb_is_refused_with_memory_bounded():
    with FaultServer([gzip_bomb(300 * 1024 * 1024)]) as server:
        tracemalloc.start()
        detail = failed(call(server, GET_CONTACT), "invalid_response")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        seen = len(server.requests)
    assert "larger than 20 MiB" in detail["message"]
    assert peak < 64 * 1024 * 1024
    assert seen == 1


def test_an_answer_declared_larger_than_the_cap_is_not_read():
    with FaultServer([huge_body(25 * 1024 * 1024)]) as server:
        detail = failed(call(server, GET_CONTACT), "invalid_response")
    assert detail["attempts"] == 1


def test_an_undeclared_answer_past_the_cap_stops_being_read_at_the_cap():
    transport = fake_transport(max_answer_bytes=1024 * 1024)
    with FaultServer([huge_body(8 * 1024 * 1024, chunked=True)]) as server:
        detail = failed(call(server, GET_CONTACT, transport), "invalid_response")
    assert "larger than" in detail["message"]


def test_a_redirect_is_not_followed_and_the_token_goes_nowhere_else():
    with FaultServer() as elsewhere:
        location = f"{elsewhere.base_url}/contacts/c1"
        with FaultServer([redirect(302, location)]) as server:
            detail = failed(call(server, GET_CONTACT), "invalid_response")
        assert elsewhere.requests == []
    assert detail["status"] == 302


def test_a_body_that_is_not_json_is_an_invalid_response():
    with FaultServer([reply(200, body=b"<html>ok</html>")]) as server:
        failed(call(server, GET_CONTACT), "invalid_response")


def test_a_write_whose_answer_is_not_json_has_an_unknown_outcome():
    with FaultServer([reply(200, body=b"not json")]) as server:
        detail = failed(call(server, NEW_CONTACT), "invalid_response")
    assert detail["outcome"] == "unknown"


def test_an_answer_nested_deeper_than_any_intercom_object_is_refused():
    deep = b"[" * 5000 + b"]" * 5000
    with FaultServer([reply(200, body=deep)]) as server:
        detail = failed(call(server, GET_CONTACT), "invalid_response")
    assert "nested deeper" in detail["message"]


def test_an_object_without_an_id_is_an_invalid_response():
    with FaultServer([reply(200, {"type": "contact", "email": "x@example.com"})]) as server:
        failed(call(server, GET_CONTACT), "invalid_response")


@pytest.mark.parametrize(
    "answer",
    [
        {"type": "list", "data": "not a list"},
        {"type": "list", "data": [1, 2]},
        {"type": "list", "data": [], "total_count": "many"},
        {"type": "list", "data": [], "pages": "next"},
        {"type": "list", "data": [], "pages": {"next": {"starting_after": 5}}},
    ],
)
def test_a_list_of_the_wrong_shape_is_an_invalid_response(answer):
    with FaultServer([reply(200, answer)]) as server:
        failed(call(server, ("intercom_list_contacts", {})), "invalid_response")


def test_a_broken_status_line_is_a_network_failure():
    with FaultServer([raw(b"HTTP/1.1 abc\r\n\r\n")]) as server:
        failed(call(server, GET_CONTACT, maxRetries=0), "network")


# Rate limits: the server's word wins; a call never waits past maxWait.


def test_a_429_waits_for_retry_after_then_succeeds():
    clock = FakeClock()
    with FaultServer([rate_limited(retry_after="2"), reply(200, CONTACT)]) as server:
        result = call(server, NEW_CONTACT, fake_transport(clock))
        seen = len(server.requests)
    assert result["success"] is True
    assert (seen, clock.sleeps) == (2, [2.0])


def test_a_429_waits_until_the_announced_reset():
    clock = FakeClock()
    reset = clock.now + 3
    with FaultServer([rate_limited(reset=reset, limit=10), reply(200, CONTACT)]) as server:
        result = call(server, GET_CONTACT, fake_transport(clock))
    assert result["success"] is True
    assert clock.sleeps == [pytest.approx(3.0)]


def test_a_429_asking_longer_than_max_wait_fails_at_once_with_the_wait():
    clock = FakeClock()
    with FaultServer([rate_limited(retry_after="60")]) as server:
        detail = failed(call(server, GET_CONTACT, fake_transport(clock)), "rate_limited")
    assert (detail["attempts"], detail["retry_after"], clock.sleeps) == (1, 60.0, [])


def test_a_write_refused_by_a_429_was_not_applied():
    with FaultServer([rate_limited(retry_after="60")]) as server:
        detail = failed(call(server, NEW_CONTACT), "rate_limited")
    assert detail["outcome"] == "not_applied"


def test_waits_within_one_call_add_up_to_at_most_max_wait():
    clock = FakeClock()
    with FaultServer([rate_limited(retry_after="4")]) as server:
        detail = failed(
            call(server, GET_CONTACT, fake_transport(clock), maxWait=10), "rate_limited"
        )
    assert sum(clock.sleeps) <= 10
    assert detail["attempts"] == 3


# Tenants never share anything.


def test_a_cookie_set_in_an_answer_is_never_sent_back():
    with FaultServer([set_cookie("session", "tenant-a", json_body=CONTACT)]) as server:
        transport = fake_transport()
        call(server, GET_CONTACT, transport)
        call(server, GET_CONTACT, transport)
        second = server.requests[1]
    assert "cookie" not in {name.lower() for name in second.headers}


def test_a_netrc_entry_never_replaces_the_bearer_token(tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with FaultServer([reply(200, CONTACT)]) as server:
        call(server, GET_CONTACT)
        sent = server.requests[0]
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_stale_keep_alive_connection_is_retried_for_a_read():
    transport = fake_transport()
    with FaultServer([reply(200, CONTACT), close_before_reading(), reply(200, CONTACT)]) as server:
        assert call(server, GET_CONTACT, transport)["success"] is True
        result = call(server, GET_CONTACT, transport)
    assert result["success"] is True


# A naturally idempotent create: retried, and a 409 for what the first try wrote is success.


def test_a_create_with_an_email_is_retried_and_its_409_returns_the_written_contact():
    conflict = error_list("conflict", "A contact matching those details already exists with id=c1")
    script = [close_after_request(), reply(409, conflict), reply(200, CONTACT)]
    with FaultServer(script) as server:
        result = call(server, NEW_CONTACT_BY_EMAIL)
        seen = [(r.method, r.path) for r in server.requests]
    assert result["success"] is True
    assert result["output"]["contact"]["id"] == "c1"
    assert seen == [("POST", "/contacts"), ("POST", "/contacts"), ("GET", "/contacts/c1")]


def test_a_409_on_the_first_try_of_a_create_is_a_conflict():
    conflict = error_list("conflict", "A contact matching those details already exists with id=c1")
    with FaultServer([reply(409, conflict)]) as server:
        detail = failed(call(server, NEW_CONTACT_BY_EMAIL), "conflict")
    assert (detail["attempts"], detail["outcome"]) == (1, "not_applied")


def test_a_create_with_an_email_whose_409_names_no_id_finds_the_contact_by_search():
    conflict = error_list("conflict", "A contact matching those details already exists")
    found = {"type": "list", "data": [CONTACT], "total_count": 1}
    script = [close_after_request(), reply(409, conflict), reply(200, found)]
    with FaultServer(script) as server:
        result = call(server, NEW_CONTACT_BY_EMAIL)
        searched = server.requests[2]
    assert result["output"]["contact"]["id"] == "c1"
    assert searched.path == "/contacts/search"


# Later steps of a multi-step tool.


def test_a_malformed_answer_to_the_attach_step_keeps_the_written_contact():
    create = ("intercom_create_contact", {"role": "user", "email": "a@b.co", "company_id": "acme"})
    company = {"type": "company", "id": "co1", "company_id": "acme"}
    script = [reply(200, CONTACT), reply(200, company), reply(200, {"no": "id"})]
    with FaultServer(script) as server:
        result = call(server, create)
    assert result["success"] is False
    assert result["output"]["contact"]["id"] == "c1"
    assert result["error_detail"]["stage"] == "attach_company"
    assert result["error_detail"]["kind"] == "invalid_response"


def test_an_empty_answer_to_a_read_that_promises_an_object_is_an_invalid_response():
    with FaultServer([reply(200, body=b"")]) as server:
        failed(call(server, GET_CONTACT), "invalid_response")
