"""The loopback server: keep-alive, many clients, and no request that can make it fail.

Malformed requests are written to a socket byte for byte; each must get a 4xx answer with
Intercom's `error.list` body, and the server must answer the next request as usual.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from helpers import FakeClock
from sandbox_helpers import DOORS, SANDBOX_AUTH, SANDBOX_START, door
from sim_intercom.sandbox import SandboxServer, Workspace

pytestmark = pytest.mark.slow

AUTH = f"Authorization: {SANDBOX_AUTH['Authorization']}\r\n"  # the header line, for raw requests


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Workspace()) as running:
        yield running


def raw(
    server: SandboxServer, request: bytes, *, half_close: bool = False, head: bool = False
) -> Answer:
    """Send bytes as they are (then shut the write side, if asked); the answer read back."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        stream = connection.makefile("rb")
        status_line = stream.readline()
        assert status_line, "the server closed the connection without answering"
        headers = {}
        while (line := stream.readline().strip()) != b"":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.lower()] = value.strip()
        body = b"" if head else stream.read(int(headers["content-length"]))
    return Answer(int(status_line.split()[1]), headers, body)


def request(method: str, target: str, extra: bytes = b"") -> bytes:
    """A request head (target sent as UTF-8) with a valid token and `extra` header lines."""
    return f"{method} {target} HTTP/1.1\r\nHost: localhost\r\n{AUTH}".encode() + extra + b"\r\n"


def post(path: str, body: bytes) -> bytes:
    return request("POST", path, b"Content-Length: %d\r\n" % len(body)) + body


def chunked(path: str, chunks: bytes) -> bytes:
    return request("POST", path, b"Transfer-Encoding: chunked\r\n") + chunks


def assert_intercom_error(answer: Answer, expected: int) -> None:
    assert answer.status == expected, answer
    body = answer.json()
    assert body["type"] == "error.list"
    assert body["request_id"] == answer.headers["x-request-id"] != ""
    (error,) = body["errors"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str), error


def assert_still_serving(server: SandboxServer) -> None:
    answer = requests.get(f"{server.base_url}/me", headers=SANDBOX_AUTH, timeout=5)
    assert answer.status_code == 200


@dataclass(frozen=True)
class Malformed:
    request: bytes
    status: int
    half_close: bool = False


def with_length(length: bytes, body: bytes = b"{}") -> bytes:
    """A POST that would succeed with an empty body, so only its framing can fail it."""
    return request("POST", "/companies/list", b"Content-Length: " + length + b"\r\n") + body


MALFORMED = {
    "broken JSON": Malformed(post("/contacts", b'{"email": '), 400),
    "JSON that is not an object": Malformed(post("/contacts", b'["a@b.c"]'), 400),
    "deeply nested JSON": Malformed(post("/contacts", b"[" * 200_000 + b"]" * 200_000), 400),
    "NaN in JSON": Malformed(post("/contacts", b'{"seats": NaN}'), 400),
    "a number too large for a float": Malformed(
        post("/companies", b'{"company_id": "q", "custom_attributes": {"churn_risk": 1e999}}'), 400
    ),
    "a body that is not UTF-8": Malformed(post("/contacts", b'{"name": "\xff\xfe"}'), 400),
    "an unpaired surrogate escape": Malformed(
        post("/contacts", b'{"role": "lead", "name": "\\udc00"}'), 400
    ),
    "a percent-encoded URL that is not UTF-8": Malformed(request("GET", "/contacts/%ff%fe"), 400),
    "raw URL bytes that are not UTF-8": Malformed(
        b"GET /contacts/\xff\xfe HTTP/1.1\r\nHost: localhost\r\n" + AUTH.encode() + b"\r\n", 400
    ),
    "a wrong type": Malformed(post("/contacts", b'{"email": 5}'), 400),
    "broken JSON to /events": Malformed(post("/events", b'{"event_name": '), 400),
    "an event with NaN metadata": Malformed(
        post("/events", b'{"event_name": "x", "created_at": 1, "id": "a", "metadata": {"n": NaN}}'),
        400,
    ),
    "a tag named by a number": Malformed(post("/tags", b'{"name": 5}'), 400),
    "a part of an unknown type": Malformed(
        post("/conversations/100/parts", b'{"message_type": "explode", "admin_id": "1"}'), 400
    ),
    "a snooze time past 2106": Malformed(
        post(
            "/conversations/100/parts",
            b'{"message_type": "snoozed", "admin_id": "1", "snoozed_until": 99999999999}',
        ),
        400,
    ),
    "ticket attributes that are not an object": Malformed(
        request("PUT", "/tickets/501", b"Content-Length: 27\r\n") + b'{"ticket_attributes": "no"}',
        400,
    ),
    "a wrong method on a tag": Malformed(request("PUT", "/tags/7522901"), 405),
    "an unknown field": Malformed(post("/contacts", b'{"email": "a@b.c", "shoe_size": 44}'), 400),
    "an unknown path": Malformed(request("GET", "/no/such/thing"), 404),
    "a wrong method": Malformed(request("PATCH", "/contacts"), 405),
    "a method HTTP does not define": Malformed(request("BREW", "/me"), 405),
    "a Content-Length that is not a number": Malformed(with_length(b"two"), 400),
    "a Content-Length in superscript digits": Malformed(with_length(b"\xb2"), 400),
    "a negative Content-Length": Malformed(with_length(b"-2"), 400),
    "a 25-digit Content-Length": Malformed(with_length(b"9" * 25), 400),
    "two Content-Lengths that differ": Malformed(with_length(b"2\r\nContent-Length: 40"), 400),
    "a body shorter than its Content-Length": Malformed(with_length(b"50"), 400, half_close=True),
    "a body over 1 MB": Malformed(post("/contacts", b'{"name": "' + b"x" * 1_100_000 + b'"}'), 413),
    "a Content-Length over 1 MB, body not sent": Malformed(with_length(b"5000000"), 413),
    "a chunk size that is not hex": Malformed(chunked("/contacts", b"zz\r\n{}\r\n0\r\n\r\n"), 400),
    "a negative chunk size": Malformed(chunked("/contacts", b"-2\r\n{}\r\n0\r\n\r\n"), 400),
    "a chunk without its CRLF": Malformed(chunked("/contacts", b"2\r\n{}XX0\r\n\r\n"), 400),
    "chunks over 1 MB": Malformed(chunked("/contacts", b"ffffff\r\n" + b"x" * 1000), 413),
    "a Transfer-Encoding other than chunked": Malformed(
        request("POST", "/companies/list", b"Transfer-Encoding: gzip\r\n") + b"{}", 400
    ),
    "a request line that is not HTTP": Malformed(b"HELLO THERE\r\n\r\n", 400),
    "binary garbage": Malformed(bytes(range(256)) * 4 + b"\r\n\r\n", 400),
    "NUL bytes, then the end of input": Malformed(b"\x00" * 100, 400, half_close=True),
    "an HTTP/0.9 request": Malformed(b"GET /me\r\n", 400),
    "HTTP/2 in the request line": Malformed(b"GET /me HTTP/2.0\r\n" + AUTH.encode() + b"\r\n", 400),
    "a URL over 64 KiB": Malformed(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
    "a header over 64 KiB": Malformed(
        b"GET /me HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431
    ),
    "over 100 headers": Malformed(b"GET /me HTTP/1.1\r\n" + b"X: a\r\n" * 200 + b"\r\n", 431),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_request_gets_intercoms_4xx_body_and_the_server_keeps_serving(
    server: SandboxServer, name: str
) -> None:
    case = MALFORMED[name]
    assert_intercom_error(raw(server, case.request, half_close=case.half_close), case.status)
    assert_still_serving(server)


def test_a_chunked_body_with_extensions_and_trailers_is_read_like_any_other(
    server: SandboxServer,
) -> None:
    payload = b'{"email": "chunked@example.com"}'
    chunks = b"".join(
        f"{len(piece):x};note=1\r\n".encode() + piece + b"\r\n"
        for piece in (payload[:10], payload[10:])
    )
    answer = raw(server, chunked("/contacts", chunks + b"0\r\nX-Trailer: 1\r\n\r\n"))
    assert answer.status == 200
    assert answer.json()["email"] == "chunked@example.com"


@pytest.mark.parametrize("kind", DOORS)
def test_a_streamed_request_body_is_read_by_both_doors(kind: str) -> None:
    pieces = (piece for piece in [b'{"email": ', b'"streamed@example.com"}'])
    with door(kind) as base_url:
        answer = requests.post(f"{base_url}/contacts", data=pieces, headers=SANDBOX_AUTH, timeout=5)
    assert answer.status_code == 200, answer.text
    assert answer.json()["email"] == "streamed@example.com"


def test_raw_utf8_in_the_url_is_read_as_utf8(server: SandboxServer) -> None:
    assert raw(server, post("/companies", '{"company_id": "café-ü"}'.encode())).status == 200
    answer = raw(server, request("GET", "/companies?company_id=café-ü"))
    assert answer.status == 200
    assert answer.json()["data"][0]["company_id"] == "café-ü"


def test_empty_lines_before_a_request_are_ignored(server: SandboxServer) -> None:
    assert raw(server, b"\r\n\r\n" + request("GET", "/me")).status == 200


def test_head_answers_like_get_without_a_body(server: SandboxServer) -> None:
    answer = raw(server, request("HEAD", "/me"), head=True)
    assert answer.status == 200
    assert int(answer.headers["content-length"]) > 0


def test_a_wrong_method_names_the_allowed_ones(server: SandboxServer) -> None:
    answer = raw(server, request("PATCH", "/contacts"))
    assert_intercom_error(answer, 405)
    assert set(answer.headers["allow"].split(", ")) == {"GET", "POST"}


def test_one_session_keeps_one_connection_alive(
    server: SandboxServer, connections_opened: list[int]
) -> None:
    with requests.Session() as session:
        session.headers.update(SANDBOX_AUTH)
        paths = ["/contacts", "/contacts/nope", "/me", "/no/such/thing", "/admins"]
        statuses = [
            session.get(f"{server.base_url}{path}", timeout=5).status_code for path in paths
        ]
    assert statuses == [200, 404, 200, 404, 200]
    assert len(connections_opened) == 1


def test_a_refused_body_closes_the_connection(server: SandboxServer) -> None:
    with requests.Session() as session:
        session.headers.update(SANDBOX_AUTH)
        refused = session.post(f"{server.base_url}/contacts", data=b"x" * 1_100_000, timeout=5)
        after = session.get(f"{server.base_url}/me", timeout=5)
    assert (refused.status_code, refused.headers["Connection"]) == (413, "close")
    assert after.status_code == 200


def test_many_clients_at_once_are_all_answered(server: SandboxServer) -> None:
    statuses: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        with requests.Session() as session:
            session.headers.update(SANDBOX_AUTH)
            for step in range(25):
                if step % 5 == 4:
                    answer = session.get(f"{server.base_url}/contacts?per_page=5", timeout=10)
                else:
                    email = f"c{number}-{step}@e.example"
                    answer = session.post(
                        f"{server.base_url}/contacts", json={"email": email}, timeout=10
                    )
                with lock:
                    statuses.append(answer.status_code)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200
    emails = {contact.email for contact in server.workspace.state.contacts.values()}
    expected = {f"c{n}-{s}@e.example" for n in range(8) for s in range(25) if s % 5 != 4}
    assert expected <= emails


def test_every_authenticated_answer_carries_the_rate_limit_headers(
    sandbox_clock: FakeClock,
) -> None:
    with SandboxServer(Workspace(clock=sandbox_clock), rate_limit=4, window=60) as limited:
        answers = [
            raw(limited, request("GET", "/contacts?per_page=1")),
            raw(limited, request("GET", "/contacts/nope")),
            raw(limited, request("PATCH", "/contacts")),
            raw(limited, post("/contacts", b"x" * 1_100_000)),
            raw(limited, request("GET", "/me")),
        ]
    assert [answer.status for answer in answers] == [200, 404, 405, 413, 429]
    remaining = [answer.headers["x-ratelimit-remaining"] for answer in answers]
    assert remaining == ["3", "2", "1", "0", "0"]
    assert all(answer.headers["x-ratelimit-limit"] == "4" for answer in answers)
    assert answers[-1].json()["errors"][0]["code"] == "rate_limit_exceeded"


def test_the_rate_limit_resets_at_the_end_of_the_window_in_unix_seconds(
    sandbox_clock: FakeClock,
) -> None:
    sandbox_clock.now = SANDBOX_START + 0.5
    with SandboxServer(Workspace(clock=sandbox_clock), rate_limit=5, window=60) as limited:
        answer = raw(limited, request("GET", "/me"))
    assert answer.headers["x-ratelimit-reset"] == "1750000020"


def test_an_unauthenticated_answer_does_not_count_against_the_limit(
    sandbox_clock: FakeClock,
) -> None:
    with SandboxServer(Workspace(clock=sandbox_clock), rate_limit=1, window=60) as limited:
        anonymous = raw(limited, b"GET /me HTTP/1.1\r\nHost: localhost\r\n\r\n")
        first = raw(limited, request("GET", "/me"))
    assert anonymous.status == 401 and "x-ratelimit-limit" not in anonymous.headers
    assert first.status == 200


# DNS rebinding: a page's request reaches loopback under a name of its own


def test_a_host_header_naming_another_machine_is_refused_with_421(server: SandboxServer) -> None:
    head = f"GET /me HTTP/1.1\r\nHost: evil.example\r\n{AUTH}\r\n".encode()
    answer = raw(server, head)
    assert answer.status == 421 and b"Invalid Host header" in answer.body


def test_a_host_header_naming_loopback_with_its_port_is_served(server: SandboxServer) -> None:
    port = server.base_url.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        answer = raw(server, f"GET /me HTTP/1.1\r\nHost: {host}\r\n{AUTH}\r\n".encode())
        assert answer.status == 200, host


def test_allow_remote_serves_any_host_header() -> None:
    with SandboxServer(Workspace(), allow_remote=True) as open_to_all:
        head = f"GET /me HTTP/1.1\r\nHost: sandbox.example\r\n{AUTH}\r\n".encode()
        assert raw(open_to_all, head).status == 200
