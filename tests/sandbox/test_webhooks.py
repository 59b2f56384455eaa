"""Webhooks: each change the sandbox makes is POSTed, signed, to a receiver on loopback.

The receiver is a tiny `http.server` in the test; it records each delivery (raw body and
headers) and answers with the statuses it is told to, 200 once those run out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from helpers import FakeClock
from sandbox_helpers import FIRST_CONTACT, INES, SANDBOX_AUTH, SANDBOX_START
from sim_intercom.sandbox import SandboxServer, WebhookSender, Workspace, mock_intercom
from sim_intercom.sandbox.webhooks import signature

SECRET = "whsec-test"
FAST = (0.05, 0.05, 0.05)


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def signed(self) -> bool:
        expected = "sha1=" + hmac.new(SECRET.encode(), self.body, hashlib.sha1).hexdigest()
        return hmac.compare_digest(self.headers.get("X-Hub-Signature", ""), expected)


@dataclass
class Receiver:
    url: str
    deliveries: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    delay: float = 0.0
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Delivery]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.deliveries) >= count, timeout)
        return list(self.deliveries)

    def topics(self) -> list[str]:
        return [each.json["topic"] for each in self.deliveries]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            me = state[0]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(me.delay)
            with me.arrived:
                me.deliveries.append(Delivery(body, dict(self.headers)))
                status = me.statuses.pop(0) if me.statuses else 200
                me.arrived.notify_all()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state[0]
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sandbox(receiver: Receiver) -> Iterator[SandboxServer]:
    workspace = Workspace(clock=FakeClock(SANDBOX_START))
    sender = WebhookSender(receiver.url, SECRET, retry_delays=FAST)
    with SandboxServer(workspace, webhooks=sender) as server:
        yield server


def call(server: SandboxServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method, server.base_url + path, json=body, headers=SANDBOX_AUTH, timeout=10
    )


def admin_reply(message_type: str = "comment") -> dict[str, Any]:
    return {"type": "admin", "admin_id": INES, "message_type": message_type, "body": "Hi"}


USER_REPLY = {
    "type": "user",
    "intercom_user_id": FIRST_CONTACT,
    "message_type": "comment",
    "body": "Thanks",
}
MESSAGE = {
    "message_type": "inapp",
    "body": "Hello",
    "from": {"type": "admin", "id": INES},
    "to": {"type": "user", "id": FIRST_CONTACT},
}
# topic -> the requests that fire it, and the type of the item it carries
TRIGGERS: dict[str, tuple[list[tuple[str, str, Any]], str]] = {
    "contact.user.created": ([("POST", "/contacts", {"email": "new@e.example"})], "contact"),
    "contact.lead.created": ([("POST", "/contacts", {"role": "lead"})], "contact"),
    "conversation.user.created": (
        [("POST", "/conversations", {"from": {"type": "user", "id": FIRST_CONTACT}, "body": "Hi"})],
        "conversation",
    ),
    "conversation.admin.single.created": ([("POST", "/messages", MESSAGE)], "conversation"),
    "conversation.user.replied": (
        [("POST", "/conversations/100/reply", USER_REPLY)],
        "conversation",
    ),
    "conversation.admin.replied": (
        [("POST", "/conversations/100/reply", admin_reply())],
        "conversation",
    ),
    "conversation.admin.noted": (
        [("POST", "/conversations/100/reply", admin_reply("note"))],
        "conversation",
    ),
    "conversation.admin.closed": (
        [
            (
                "POST",
                "/conversations/100/parts",
                {"message_type": "close", "type": "admin", "admin_id": INES},
            )
        ],
        "conversation",
    ),
    "conversation.admin.opened": (
        [("POST", "/conversations/103/parts", {"message_type": "open", "admin_id": INES})],
        "conversation",
    ),
    "conversation.admin.snoozed": (
        [
            (
                "POST",
                "/conversations/100/parts",
                {"message_type": "snoozed", "admin_id": INES, "snoozed_until": SANDBOX_START + 9},
            )
        ],
        "conversation",
    ),
    "conversation.admin.assigned": (
        [
            (
                "POST",
                "/conversations/100/parts",
                {
                    "message_type": "assignment",
                    "type": "admin",
                    "admin_id": INES,
                    "assignee_id": INES,
                },
            )
        ],
        "conversation",
    ),
}


@pytest.mark.parametrize("topic", TRIGGERS)
def test_each_topic_arrives_signed_in_intercoms_shape(
    topic: str, sandbox: SandboxServer, receiver: Receiver
) -> None:
    requests_, item_type = TRIGGERS[topic]
    for method, path, body in requests_:
        assert call(sandbox, method, path, body).status_code == 200
    (delivery,) = receiver.wait_for(1)
    assert delivery.signed
    assert delivery.headers["Content-Type"] == "application/json"
    notification = delivery.json
    assert notification["topic"] == topic
    assert notification["type"] == "notification_event"
    assert notification["id"].startswith("notif_")
    assert notification["data"]["type"] == "notification_event_data"
    assert notification["data"]["item"]["type"] == item_type
    assert notification["delivery_attempts"] == 1
    assert notification["created_at"] == notification["first_sent_at"] == SANDBOX_START
    assert set(notification) >= {"app_id", "links", "delivery_status", "self"}


def test_the_item_is_the_resource_as_the_api_renders_it(
    sandbox: SandboxServer, receiver: Receiver
) -> None:
    answered = call(sandbox, "POST", "/conversations/100/reply", USER_REPLY).json()
    (delivery,) = receiver.wait_for(1)
    assert delivery.json["data"]["item"] == answered


def test_a_snoozed_conversation_waking_fires_unsnoozed(receiver: Receiver) -> None:
    clock = FakeClock(SANDBOX_START)
    sender = WebhookSender(receiver.url, SECRET, topics={"conversation.admin.unsnoozed"})
    with SandboxServer(Workspace(clock=clock), webhooks=sender) as server:
        snooze = {"message_type": "snoozed", "admin_id": INES, "snoozed_until": SANDBOX_START + 60}
        call(server, "POST", "/conversations/100/parts", snooze)
        clock.advance(60)
        call(server, "GET", "/conversations/100")
        (delivery,) = receiver.wait_for(1)
    assert delivery.json["topic"] == "conversation.admin.unsnoozed"
    assert delivery.json["data"]["item"]["state"] == "open"


def test_topics_limit_what_is_sent(receiver: Receiver) -> None:
    sender = WebhookSender(receiver.url, SECRET, topics={"contact.lead.created"})
    with SandboxServer(Workspace(), webhooks=sender) as server:
        call(server, "POST", "/contacts", {"email": "user@e.example"})
        call(server, "POST", "/contacts", {"role": "lead"})
        receiver.wait_for(1)
        assert sender.wait_idle(5)
    assert receiver.topics() == ["contact.lead.created"]


def test_a_failed_delivery_is_redelivered_with_the_same_id(
    sandbox: SandboxServer, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    call(sandbox, "POST", "/contacts", {"role": "lead"})
    deliveries = receiver.wait_for(3)
    assert [each.json["delivery_attempts"] for each in deliveries] == [1, 2, 3]
    assert len({each.json["id"] for each in deliveries}) == 1
    assert all(each.signed for each in deliveries)
    assert sandbox.webhooks is not None and sandbox.webhooks.wait_idle(5)
    assert sandbox.webhooks.delivered == 1


def test_redelivery_stops_after_the_last_retry(receiver: Receiver) -> None:
    receiver.statuses = [500] * 10
    sender = WebhookSender(receiver.url, SECRET, retry_delays=(0.01, 0.01))
    with SandboxServer(Workspace(), webhooks=sender) as server:
        call(server, "POST", "/contacts", {"role": "lead"})
        receiver.wait_for(3)
        assert sender.wait_idle(5)
    assert len(receiver.deliveries) == 3
    assert (sender.delivered, sender.failed) == (0, 1)


def test_an_unreachable_receiver_never_breaks_the_api_call(receiver: Receiver) -> None:
    sender = WebhookSender("http://127.0.0.1:9/hook", SECRET, retry_delays=(0.01,), timeout=1)
    with SandboxServer(Workspace(), webhooks=sender) as server:
        answer = call(server, "POST", "/contacts", {"role": "lead"})
        assert sender.wait_idle(5)
    assert answer.status_code == 200
    assert sender.failed == 1


def test_a_slow_receiver_never_blocks_the_api_call(
    sandbox: SandboxServer, receiver: Receiver
) -> None:
    receiver.delay = 1.0
    started = time.monotonic()
    for number in range(3):
        assert call(sandbox, "POST", "/contacts", {"email": f"s{number}@e.example"}).ok
    assert time.monotonic() - started < 0.9
    assert len(receiver.wait_for(3, timeout=10)) == 3


def test_without_a_webhook_url_nothing_is_sent(receiver: Receiver) -> None:
    with SandboxServer(Workspace()) as server:
        assert server.webhooks is None
        call(server, "POST", "/contacts", {"role": "lead"})
        call(server, "POST", "/conversations/100/reply", USER_REPLY)
    time.sleep(0.2)
    assert receiver.deliveries == []


def test_webhook_url_builds_a_sender(receiver: Receiver) -> None:
    with SandboxServer(Workspace(), webhook_url=receiver.url, webhook_secret=SECRET) as server:
        call(server, "POST", "/contacts", {"role": "lead"})
        (delivery,) = receiver.wait_for(1)
    assert delivery.signed


def test_the_seed_fires_nothing(receiver: Receiver) -> None:
    with SandboxServer(Workspace(contacts=20), webhook_url=receiver.url, webhook_secret=SECRET):
        time.sleep(0.2)
    assert receiver.deliveries == []


def test_the_responses_door_delivers_too(receiver: Receiver) -> None:
    sender = WebhookSender(receiver.url, SECRET)
    with mock_intercom(Workspace(), webhooks=sender):
        requests.post(
            "https://api.intercom.io/contacts", json={"role": "lead"}, headers=SANDBOX_AUTH
        )
        (delivery,) = receiver.wait_for(1)
    assert delivery.json["topic"] == "contact.lead.created"


def test_a_full_queue_drops_new_notifications_without_blocking() -> None:
    sender = WebhookSender("http://127.0.0.1:9/hook", SECRET, max_pending=2)
    results = [sender.send("ping", {"type": "ping"}) for _ in range(3)]  # not started
    assert [result is not None for result in results] == [True, True, False]
    assert sender.dropped == 1


def test_a_ping_is_signed_like_any_notification(receiver: Receiver) -> None:
    with WebhookSender(receiver.url, SECRET) as sender:
        sender.ping()
        (delivery,) = receiver.wait_for(1)
    assert delivery.signed and delivery.json["topic"] == "ping"


def test_the_signature_is_hmac_sha1_of_the_raw_body() -> None:
    expected = hmac.new(b"key", b"{}", hashlib.sha1).hexdigest()
    assert signature(b"{}", "key") == f"sha1={expected}"


def test_the_sender_never_shows_its_secret() -> None:
    assert SECRET not in repr(WebhookSender("http://127.0.0.1:9/hook", SECRET))


def test_stop_returns_promptly_with_deliveries_pending(receiver: Receiver) -> None:
    receiver.statuses = [500] * 10
    sender = WebhookSender(receiver.url, SECRET, retry_delays=(30.0,)).start()
    sender.ping()
    receiver.wait_for(1)
    started = time.monotonic()
    sender.stop()
    assert time.monotonic() - started < 2


# Where webhooks may go


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "https://example.com/hook", "http://10.0.0.5/"],
)
def test_a_webhook_url_off_loopback_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="not on loopback"):
        WebhookSender(url, "secret")


def test_a_webhook_url_off_loopback_is_taken_when_allowed() -> None:
    sender = WebhookSender("https://example.com/hook", "secret", allow_remote=True)
    assert sender.url == "https://example.com/hook"
