"""The webhook receiver under load and across processes: a bounded pool that still answers a
real notification in time while hundreds of slow or half-open connections are held, and a
replay memory shared through Redis so a redelivery runs once across receivers and restarts."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from redis_helpers import RedisProcess, free_port
from sim_intercom import webhook_receiver
from sim_intercom.replay import LocalReplay, RedisReplay
from sim_intercom.webhook_receiver import WebhookReceiver

SECRET = "whsec-client-secret-77"
TRIGGER = "intercom_conversation_reply"
WAIT = 10.0


def notification(notification_id: str = "notif_1", **fields: Any) -> bytes:
    return json.dumps(
        {
            "type": "notification_event",
            "app_id": "ecahpwf5",
            "data": {
                "type": "notification_event_data",
                "item": {"type": "conversation", "id": "1"},
            },
            "id": notification_id,
            "topic": "conversation.user.replied",
            "delivery_attempts": 1,
            "first_sent_at": 1700000000,
            "created_at": 1699999999,
            **fields,
        }
    ).encode()


def post(url: str, body: bytes, timeout: float = WAIT) -> requests.Response:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature": f"sha1={digest}"}
    return requests.post(url, data=body, headers=headers, timeout=timeout)


def wait_until(condition: Any, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def receiver(plugin_manager) -> Iterator[tuple[WebhookReceiver, list[dict[str, Any]]]]:
    events: list[dict[str, Any]] = []
    with WebhookReceiver(plugin_manager, TRIGGER, SECRET, on_event=events.append) as running:
        yield running, events


def hold(address: tuple[str, int], count: int, sends: bytes) -> list[socket.socket]:
    """`count` connections to `address`, each having sent `sends` and nothing more."""
    held = []
    for _ in range(count):
        conn = socket.create_connection(address, timeout=WAIT)
        if sends:
            conn.sendall(sends)
        held.append(conn)
    return held


def closed_by_peer(conn: socket.socket) -> bool:
    conn.settimeout(WAIT)
    try:
        return conn.recv(65536) == b"" or conn.recv(65536) == b""
    except ConnectionResetError:
        return True


# A bounded pool that answers in time


@pytest.mark.slow
def test_a_notification_is_answered_in_time_while_hundreds_of_slow_connections_are_held(
    receiver,
):
    running, events = receiver
    address = running.bound_address()
    threads_before = threading.active_count()
    held = [
        *hold(address, 100, b""),  # connected, nothing sent (half-open)
        *hold(address, 100, b"POST / HTTP/1.1\r\nHost: x\r\n"),  # headers trickling
        *hold(address, 100, b'POST / HTTP/1.1\r\nContent-Length: 900\r\n\r\n{"to'),  # body
    ]
    try:
        assert wait_until(lambda: running.open_connections >= 300)
        answer = post(running.url, notification(), timeout=5.0)  # Intercom's deadline
        assert answer.status_code == 200 and [e["id"] for e in events] == ["notif_1"]
        # no thread per connection: the pool's workers at most, whatever is held
        assert threading.active_count() - threads_before <= running.workers
    finally:
        for conn in held:
            conn.close()


def test_a_request_that_stalls_is_closed_after_the_read_timeout(receiver, monkeypatch):
    monkeypatch.setattr(webhook_receiver, "READ_TIMEOUT", 0.2)
    monkeypatch.setattr(webhook_receiver, "IDLE_TIMEOUT", 0.2)
    running, events = receiver
    (trickling,) = hold(
        running.bound_address(), 1, b"POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"
    )
    (silent,) = hold(running.bound_address(), 1, b"")
    with trickling, silent:
        assert closed_by_peer(trickling) and closed_by_peer(silent)
    assert events == []


def test_connections_beyond_the_bound_are_closed_at_once(plugin_manager):
    with WebhookReceiver(plugin_manager, TRIGGER, SECRET, max_connections=3) as running:
        held = hold(running.bound_address(), 3, b"")
        try:
            assert wait_until(lambda: running.open_connections == 3)
            (extra,) = hold(running.bound_address(), 1, b"")
            with extra:
                assert closed_by_peer(extra)
        finally:
            for conn in held:
                conn.close()
        assert wait_until(lambda: running.open_connections == 0)
        assert post(running.url, notification()).status_code == 200


def test_a_kept_alive_connection_carries_several_notifications(receiver):
    running, events = receiver
    with requests.Session() as session:
        for n in range(3):
            body = notification(f"notif_{n}")
            digest = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
            headers = {"X-Hub-Signature": f"sha1={digest}"}
            assert session.post(running.url, data=body, headers=headers, timeout=WAIT).ok
    assert [event["id"] for event in events] == ["notif_0", "notif_1", "notif_2"]


def test_the_body_of_a_refused_method_is_json_and_the_connection_closes(receiver):
    running, _ = receiver
    answer = requests.put(running.url, data=b"{}", timeout=WAIT)
    assert (answer.status_code, answer.json()["kind"]) == (405, "method_not_allowed")
    assert answer.headers["Connection"] == "close"


@pytest.mark.parametrize(
    "raw",
    [b"GARBAGE\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n"],
    ids=["no request line", "bad length"],
)
def test_a_malformed_request_is_answered_and_closed(receiver, raw):
    running, events = receiver
    with socket.create_connection(running.bound_address(), timeout=WAIT) as conn:
        conn.sendall(raw)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert reply.startswith((b"HTTP/1.1 400", b"HTTP/1.1 411")) and events == []


# Replay memory


def test_without_a_store_the_memory_is_bounded_forgetting_the_oldest():
    memory = LocalReplay(size=2)
    assert [memory.claim("t", key) for key in ("a", "b", "c")] == [True, True, True]
    assert (memory.claim("t", "c"), memory.claim("t", "a")) == (False, True)


def test_each_trigger_has_its_own_memory():
    memory = LocalReplay()
    assert memory.claim("one", "notif_1") and memory.claim("two", "notif_1")


def test_an_unreachable_store_falls_back_to_memory_with_one_warning(caplog):
    memory = RedisReplay(f"redis://127.0.0.1:{free_port()}/0")
    assert (memory.claim("t", "notif_1"), memory.claim("t", "notif_1")) == (True, False)
    warnings = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(warnings) == 1


@pytest.fixture
def redis_url() -> Iterator[str]:
    with RedisProcess() as redis_server:
        yield redis_server.url(3)


def test_receivers_sharing_a_store_run_a_notification_once(plugin_manager, redis_url):
    events: list[str] = []

    def run(event: dict[str, Any]) -> None:
        events.append(event["id"])

    one = WebhookReceiver(plugin_manager, TRIGGER, SECRET, on_event=run, store=redis_url)
    two = WebhookReceiver(plugin_manager, TRIGGER, SECRET, on_event=run, store=redis_url)
    with one, two:
        answers = [post(one.url, notification()), post(two.url, notification(delivery_attempts=2))]
        assert post(two.url, notification("notif_2")).ok
    assert [answer.status_code for answer in answers] == [200, 200]
    assert events == ["notif_1", "notif_2"]


def test_a_failed_workflow_gives_its_claim_back_to_the_store(plugin_manager, redis_url):
    runs: list[str] = []

    def flaky(event: dict[str, Any]) -> None:
        runs.append(event["id"])
        if len(runs) == 1:
            raise RuntimeError("the workflow failed")

    with WebhookReceiver(plugin_manager, TRIGGER, SECRET, on_event=flaky, store=redis_url) as r:
        assert post(r.url, notification()).status_code == 500
    with WebhookReceiver(plugin_manager, TRIGGER, SECRET, on_event=flaky, store=redis_url) as r:
        assert post(r.url, notification(delivery_attempts=2)).status_code == 200
    assert runs == ["notif_1", "notif_1"]


class ServeProcess:
    """`sim-intercom webhook serve` in its own process, with the store in its environment."""

    def __init__(self, secret_file: str, store: str) -> None:
        command = [
            sys.executable, "-m", "sim_intercom", "webhook", "serve", "--secret-file",
            secret_file, "--port", "0", "--trigger", TRIGGER, "--quiet",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "SIM_INTERCOM_STORE": store}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        assert self.process.stderr is not None
        banner = [self.process.stderr.readline() for _ in range(6)]
        self.url = banner[1].split()[-1]
        assert "remembered in redis://127.0.0.1" in banner[4], banner

    def stop(self) -> list[str]:
        """Stop it; the ids of the events it printed."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=WAIT)
        return [json.loads(line)["id"] for line in output.splitlines()]


@pytest.mark.slow
def test_a_redelivery_runs_once_across_two_receiver_processes_and_a_restart(tmp_path, redis_url):
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    secret_file.chmod(0o600)  # as a secret's file should be: no warning
    first, second = (
        ServeProcess(str(secret_file), redis_url),
        ServeProcess(str(secret_file), redis_url),
    )
    try:
        answers = [
            post(first.url, notification("notif_a")),
            post(second.url, notification("notif_a", delivery_attempts=2)),  # redelivered
            post(second.url, notification("notif_b")),
        ]
        ran = first.stop() + second.stop()
        restarted = ServeProcess(str(secret_file), redis_url)  # a restart remembers too
        answers.append(post(restarted.url, notification("notif_b", delivery_attempts=2)))
        ran += restarted.stop()
    finally:
        for each in (first, second):
            each.process.kill()
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert sorted(ran) == ["notif_a", "notif_b"]


@pytest.mark.parametrize("secret", ["", "  ", {"clientSecret": " ", "topics": []}])
def test_a_receiver_with_a_blank_secret_refuses_to_start(plugin_manager, secret):
    with pytest.raises(ValueError, match="empty or blank"):
        WebhookReceiver(plugin_manager, TRIGGER, secret)
