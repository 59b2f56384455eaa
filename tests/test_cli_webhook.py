"""`sim-intercom webhook serve` and the receiver behind it: signed POSTs over real loopback
HTTP answered as the trigger hook says, each event printed once as a JSON line."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sim_intercom.cli import main
from sim_intercom.triggers import MAX_BODY_BYTES
from sim_intercom.webhook_receiver import WebhookReceiver

SECRET = "whsec-client-secret-77"


def notification(topic: str = "conversation.user.replied", **fields: Any) -> dict[str, Any]:
    item = {"type": "ping"} if topic == "ping" else {"type": "conversation", "id": "215"}
    return {
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": {"type": "notification_event_data", "item": item},
        "id": "notif_1",
        "topic": topic,
        "delivery_attempts": 1,
        "first_sent_at": 1700000000,
        "created_at": 1699999999,
        **fields,
    }


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature": f"sha1={digest}"}


def post(url: str, value: Any, *, secret: str = SECRET, headers: Any = None) -> requests.Response:
    body = value if isinstance(value, bytes) else json.dumps(value).encode()
    return requests.post(url, data=body, headers=headers or signed(body, secret), timeout=10)


@pytest.fixture
def received(plugin_manager) -> Iterator[tuple[WebhookReceiver, list[dict[str, Any]]]]:
    """A receiver for `intercom_conversation_reply` on loopback, and the events it ran."""
    events: list[dict[str, Any]] = []
    receiver = WebhookReceiver(
        plugin_manager, "intercom_conversation_reply", SECRET, on_event=events.append
    )
    with receiver:
        yield receiver, events


# The receiver, in process


def test_a_signed_notification_is_answered_200_and_runs(received):
    receiver, events = received
    answer = post(receiver.url, notification())
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "kind": "event", "message": answer.json()["message"]}
    assert [event["id"] for event in events] == ["notif_1"]
    assert events[0]["data"]["item"]["id"] == "215"


def test_a_wrong_signature_is_answered_401_and_runs_nothing(received):
    receiver, events = received
    answer = post(receiver.url, notification(), secret="not-the-secret")
    assert (answer.status_code, answer.json()["kind"]) == (401, "signature_mismatch")
    assert events == []


def test_a_missing_signature_is_answered_401(received):
    receiver, events = received
    answer = post(receiver.url, notification(), headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["kind"]) == (401, "signature_missing")
    assert events == []


def test_the_raw_bytes_are_verified_as_they_arrive(received):
    receiver, events = received
    body = json.dumps(notification(), indent=4, separators=(" , ", " : ")).encode()
    assert post(receiver.url, body).status_code == 200
    assert len(events) == 1


def test_ping_is_answered_200_and_runs_nothing(received):
    receiver, events = received
    answer = post(receiver.url, notification("ping"))
    assert (answer.status_code, answer.json()["kind"]) == (200, "ping")
    assert events == []


def test_another_topic_is_acknowledged_and_runs_nothing(received):
    receiver, events = received
    answer = post(receiver.url, notification("contact.created"))
    assert (answer.status_code, answer.json()["kind"]) == (200, "ignored")
    assert events == []


def test_a_redelivery_is_answered_200_and_runs_once(received):
    receiver, events = received
    first = post(receiver.url, notification(delivery_attempts=1))
    again = post(receiver.url, notification(delivery_attempts=2))
    other = post(receiver.url, notification(id="notif_2"))
    assert [first.status_code, again.status_code, other.status_code] == [200, 200, 200]
    assert [event["id"] for event in events] == ["notif_1", "notif_2"]


def test_a_body_over_one_mib_is_answered_413(received):
    receiver, events = received
    body = b"x" * (MAX_BODY_BYTES + 10)
    answer = post(receiver.url, body)
    assert (answer.status_code, answer.json()["kind"]) == (413, "too_large")
    assert events == []


def test_a_body_that_is_not_json_is_answered_400(received):
    receiver, _ = received
    answer = post(receiver.url, b"<xml/>")
    assert (answer.status_code, answer.json()["kind"]) == (400, "not_json")


def test_a_get_is_answered_405(received):
    receiver, _ = received
    answer = requests.get(receiver.url, timeout=5)
    assert (answer.status_code, answer.headers["Allow"]) == (405, "POST")


def test_a_failed_workflow_is_a_500_and_its_redelivery_runs_again(plugin_manager):
    runs: list[str] = []

    def flaky(event: dict[str, Any]) -> None:
        runs.append(event["id"])
        if len(runs) == 1:
            raise RuntimeError("the workflow failed")

    with WebhookReceiver(plugin_manager, "intercom_webhook", SECRET, on_event=flaky) as receiver:
        assert post(receiver.url, notification()).status_code == 500
        assert post(receiver.url, notification(delivery_attempts=2)).status_code == 200
    assert runs == ["notif_1", "notif_1"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "intercom.example"])
def test_the_receiver_refuses_an_address_beyond_loopback(plugin_manager, host):
    with pytest.raises(ValueError, match="not a loopback address"):
        WebhookReceiver(plugin_manager, "intercom_webhook", SECRET, host=host)


def test_the_receivers_repr_never_shows_the_secret(plugin_manager):
    assert SECRET not in repr(WebhookReceiver(plugin_manager, "intercom_webhook", SECRET))


# The command


@pytest.fixture
def secret_file(tmp_path) -> str:
    path = tmp_path / "client-secret"
    path.write_text(SECRET + "\n")
    path.chmod(0o600)  # as a secret's file should be: no warning
    return str(path)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield listener.getsockname()[1]


@pytest.mark.slow
def test_webhook_serve_prints_each_verified_event_as_one_json_line(secret_file):
    command = [
        sys.executable, "-m", "sim_intercom", "webhook", "serve",
        "--secret-file", secret_file, "--port", "0", "--trigger", "intercom_conversation_reply",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            banner = [process.stderr.readline() for _ in range(4)]
            url = banner[1].split()[-1]
            assert url.startswith("http://127.0.0.1:")
            answers = [
                post(url, notification("conversation.user.replied", id="notif_a")),
                post(url, notification("conversation.admin.replied", id="notif_b")),
                post(url, notification("conversation.user.replied", id="notif_a")),  # again
                post(url, notification("ping")),
                post(url, notification("contact.created", id="notif_c")),
                post(url, notification(id="notif_d"), secret="wrong"),
            ]
            process.send_signal(signal.SIGTERM)
            output, errors = process.communicate(timeout=10)
        finally:
            process.kill()
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 401]
    assert process.returncode == 0
    events = [json.loads(line) for line in output.splitlines()]
    assert [(event["id"], event["topic"]) for event in events] == [
        ("notif_a", "conversation.user.replied"),
        ("notif_b", "conversation.admin.replied"),
    ]
    log = errors.splitlines()
    assert "Stopping." in log
    assert any("401 signature_mismatch" in line for line in log)
    assert any("redelivery of notif_a" in line for line in log)
    assert SECRET not in output + errors + "".join(banner)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "intercom.example"])
def test_webhook_serve_refuses_a_host_beyond_loopback(secret_file, host, capsys):
    assert main(["webhook", "serve", "--secret-file", secret_file, "--host", host]) == 2
    printed = capsys.readouterr()
    assert "not a loopback address" in printed.err and printed.out == ""


def test_webhook_serve_refuses_an_unknown_trigger(secret_file, capsys):
    assert main(["webhook", "serve", "--secret-file", secret_file, "--trigger", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown trigger 'nope'" in err and "intercom_conversation_reply" in err


def test_webhook_serve_needs_a_secret_file(capsys):
    assert main(["webhook", "serve"]) == 2
    assert "--secret-file" in capsys.readouterr().err


@pytest.mark.parametrize("content", [None, "", "  \n"], ids=["missing", "empty", "blank"])
def test_webhook_serve_refuses_a_missing_or_empty_secret_file(tmp_path, capsys, content):
    path = tmp_path / "secret"
    if content is not None:
        path.write_text(content)
    assert main(["webhook", "serve", "--secret-file", str(path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sim-intercom: ") and "--secret-file" in err
    assert len(err.splitlines()) == 1


def test_webhook_serve_on_a_busy_port_is_one_line_and_exits_one(secret_file, busy_port, capsys):
    args = ["webhook", "serve", "--secret-file", secret_file, "--port", str(busy_port)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == f"sim-intercom: cannot listen on 127.0.0.1:{busy_port}: Address already in use\n"


def test_webhook_without_an_action_is_a_usage_error(capsys):
    assert main(["webhook"]) == 2
    assert "ACTION" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["webhook", "--help"], ["webhook", "serve", "--help"]])
def test_webhook_help_shows_an_example(args, capsys):
    assert main(args) == 0
    examples = capsys.readouterr().out.split("Examples:\n", 1)[1]
    assert "sim-intercom webhook serve --secret-file" in examples
