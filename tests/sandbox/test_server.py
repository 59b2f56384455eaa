"""The loopback server: keep-alive, many clients, and no request that can make it fail."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sim_intercom.sandbox import SANDBOX_TOKEN, SandboxServer, Workspace

pytestmark = pytest.mark.slow

AUTH = f"Authorization: Bearer {SANDBOX_TOKEN}\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Workspace()) as running:
        yield running


def raw(server: SandboxServer, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send bytes as they are; the status, headers and JSON body of the answer."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        stream = connection.makefile("rb")
        status = int(stream.readline().split()[1])
        headers = {}
        while (line := stream.readline().strip()) != b"":
            name, _, value = line.decode().partition(":")
            headers[name.lower()] = value.strip()
        body = stream.read(int(headers["content-length"]))
    return status, headers, json.loads(body)


def post(path: str, body: bytes, extra: str = "") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\n{AUTH}Content-Length: {len(body)}\r\n{extra}\r\n"
    return head.encode() + body


def assert_intercom_error(status: int, body: Any, expected: int) -> None:
    assert status == expected
    assert body["type"] == "error.list"
    assert body["errors"][0]["code"] and body["errors"][0]["message"]


def assert_still_serving(server: SandboxServer) -> None:
    answer = requests.get(f"{server.base_url}/me", headers={"Authorization": AUTH[15:-2]})
    assert answer.status_code == 200


MALFORMED = {
    "broken JSON": (post("/contacts", b'{"email": '), 400),
    "JSON that is not an object": (post("/contacts", b'["a@b.c"]'), 400),
    "deeply nested JSON": (post("/contacts", b"[" * 200_000 + b"]" * 200_000), 400),
    "NaN in JSON": (post("/contacts", b'{"seats": NaN}'), 400),
    "a body that is not UTF-8": (post("/contacts", b'{"name": "\xff\xfe"}'), 400),
    "a URL that is not UTF-8": (
        b"GET /contacts/%ff%fe HTTP/1.1\r\nHost: x\r\n" + AUTH.encode() + b"\r\n",
        400,
    ),
    "a wrong type": (post("/contacts", b'{"email": 5}'), 400),
    "an unknown field": (post("/contacts", b'{"email": "a@b.c", "shoe_size": 44}'), 400),
    "an unknown path": (
        b"GET /no/such/thing HTTP/1.1\r\nHost: x\r\n" + AUTH.encode() + b"\r\n",
        404,
    ),
    "a wrong method": (b"PATCH /contacts HTTP/1.1\r\nHost: x\r\n" + AUTH.encode() + b"\r\n", 405),
    "a Content-Length that is not a number": (
        post("/contacts", b"{}", "").replace(b"Content-Length: 2", b"Content-Length: two"),
        400,
    ),
    "a body over 1 MB": (post("/contacts", b'{"name": "' + b"x" * 1_100_000 + b'"}'), 413),
    "a request line that is not HTTP": (b"HELLO THERE\r\n\r\n", 400),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_request_gets_intercoms_4xx_body_and_the_server_keeps_serving(server, name):
    request, expected = MALFORMED[name]
    status, _, body = raw(server, request)
    assert_intercom_error(status, body, expected)
    assert_still_serving(server)


def test_a_chunked_body_is_read_like_any_other(server):
    payload = b'{"email": "chunked@example.com"}'
    chunked = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n\r\n"
    head = f"POST /contacts HTTP/1.1\r\nHost: x\r\n{AUTH}Transfer-Encoding: chunked\r\n\r\n"
    status, _, body = raw(server, head.encode() + chunked)
    assert status == 200
    assert body["email"] == "chunked@example.com"


def test_one_session_keeps_one_connection_alive(server, connections_opened):
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"
        statuses = [session.get(f"{server.base_url}/contacts").status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert len(connections_opened) == 1


def test_many_clients_at_once_are_all_answered(server):
    statuses: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"
            for step in range(25):
                answer = session.post(
                    f"{server.base_url}/contacts", json={"email": f"c{number}-{step}@e.example"}
                )
                with lock:
                    statuses.append(answer.status_code)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200
    emails = {c.email for c in server.workspace.state.contacts.values()}
    assert {f"c{n}-{s}@e.example" for n in range(8) for s in range(25)} <= emails


def test_every_authenticated_answer_carries_the_rate_limit_headers():
    with SandboxServer(Workspace(), rate_limit=3, window=60) as limited:
        head = f"GET /contacts/nope HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n".encode()
        answers = [raw(limited, head) for _ in range(4)]
    assert [status for status, _, _ in answers] == [404, 404, 404, 429]
    remaining = [headers["x-ratelimit-remaining"] for _, headers, _ in answers]
    assert remaining == ["2", "1", "0", "0"]
    assert all(headers["x-ratelimit-limit"] == "3" for _, headers, _ in answers)
    assert answers[-1][2]["errors"][0]["code"] == "rate_limit_exceeded"


def test_an_unauthenticated_answer_does_not_count_against_the_limit():
    with SandboxServer(Workspace(), rate_limit=1, window=60) as limited:
        anonymous = raw(limited, b"GET /me HTTP/1.1\r\nHost: x\r\n\r\n")
        first = raw(limited, f"GET /me HTTP/1.1\r\nHost: x\r\n{AUTH}\r\n".encode())
    assert anonymous[0] == 401 and "x-ratelimit-limit" not in anonymous[1]
    assert first[0] == 200
