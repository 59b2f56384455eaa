"""The fault-injection server does what each step says, with plain `requests` and raw sockets."""

from __future__ import annotations

import json
import socket
import threading
import time
import zlib
from collections.abc import Iterator

import pytest
import requests

from faultserver import (
    FaultServer,
    close_after_request,
    close_before_reading,
    close_mid_body,
    drip,
    gzip_bomb,
    gzip_bomb_bytes,
    http_date,
    huge_body,
    rate_limited,
    raw,
    redirect,
    reply,
    set_cookie,
    stall,
)

GET = b"GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n"


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """A session that ignores proxy settings from the environment."""
    with requests.Session() as s:
        s.trust_env = False
        yield s


def connect(server: FaultServer, data: bytes = GET) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=2)
    sock.sendall(data)
    return sock


def read_to_eof(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a reset counts as a close)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def read_response(sock: socket.socket) -> bytes:
    """One Content-Length framed answer, leaving the connection open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        ).split(b":")[1]
    )
    while len(body) < length:
        body += sock.recv(65536)
    return data


# --- the server itself ----------------------------------------------------------------------


def test_binds_loopback_on_a_free_port(session):
    with FaultServer() as server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert session.get(server.base_url).status_code == 200


def test_an_empty_script_answers_200_with_an_empty_object(session):
    with FaultServer() as server:
        for _ in range(2):
            response = session.get(server.base_url)
            assert (response.status_code, response.json()) == (200, {})


def test_steps_are_served_in_order_and_the_last_one_repeats(session):
    script = [reply(503), reply(503), reply(200, {"type": "contact"})]
    with FaultServer(script) as server:
        statuses = [session.get(server.base_url).status_code for _ in range(4)]
        assert statuses == [503, 503, 200, 200]
        assert server.steps_taken == 4


def test_set_script_starts_the_new_script_from_its_first_step(session):
    with FaultServer([reply(500)]) as server:
        assert session.get(server.base_url).status_code == 500
        server.set_script([reply(201), reply(202)])
        assert [session.get(server.base_url).status_code for _ in range(2)] == [201, 202]


def test_every_request_is_recorded_with_method_path_headers_and_body(session):
    with FaultServer() as server:
        session.post(
            f"{server.base_url}/contacts/search?per_page=5",
            json={"query": {"field": "email"}},
            headers={"X-Test": "one"},
        )
        session.delete(f"{server.base_url}/contacts/7")
        first, second = server.requests
        assert (first.method, first.path, first.version) == (
            "POST",
            "/contacts/search?per_page=5",
            "HTTP/1.1",
        )
        assert first.headers["x-test"] == first.headers["X-TEST"] == "one"
        assert json.loads(first.body) == {"query": {"field": "email"}}
        assert (second.method, second.path, second.body) == ("DELETE", "/contacts/7", b"")


def test_the_request_log_is_complete_under_concurrent_clients():
    with FaultServer() as server:

        def client() -> None:
            with requests.Session() as s:
                s.trust_env = False
                for _ in range(5):
                    s.get(server.base_url)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(server.requests) == 40
        assert server.connections == 8


def test_stopping_closes_the_port_and_joins_every_thread(session):
    with FaultServer() as server:
        session.get(server.base_url)  # leaves a kept-alive connection open
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)
    assert server.open_connections == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("faultserver")]


def test_a_server_never_started_can_still_be_stopped():
    server = FaultServer()
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)


def test_an_oversized_request_head_gets_431_and_is_dropped():
    with FaultServer() as server:
        huge = b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
        sock = connect(server, huge)
        assert read_to_eof(sock).startswith(b"HTTP/1.1 431 ")
        sock.close()


# --- keep-alive -----------------------------------------------------------------------------


def test_keep_alive_serves_a_session_on_one_connection(session):
    with FaultServer() as server:
        session.get(server.base_url)
        session.get(server.base_url)
        assert server.connections == 1
        assert [r.connection for r in server.requests] == [1, 1]


def test_a_reply_without_keep_alive_closes_the_connection(session):
    with FaultServer([reply(200, {}, keep_alive=False)]) as server:
        response = session.get(server.base_url)
        assert response.headers["Connection"] == "close"
        session.get(server.base_url)
        assert server.connections == 2


def test_close_idle_connections_closes_kept_alive_sockets_server_side():
    with FaultServer() as server:
        sock = connect(server)
        assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        assert server.close_idle_connections() == 1
        assert sock.recv(1) == b""  # the client's pooled socket is now closed
        sock.close()


def test_after_close_idle_connections_a_session_needs_a_new_connection(session):
    with FaultServer() as server:
        session.get(server.base_url)
        server.close_idle_connections()
        assert session.get(server.base_url).status_code == 200
        assert server.connections == 2


# --- steps ----------------------------------------------------------------------------------


def test_reply_sends_json_headers_and_request_id(session):
    step = reply(404, {"type": "error.list"}, {"X-Extra": "1"}, request_id="req-9")
    with FaultServer([step]) as server:
        response = session.get(server.base_url)
        assert response.status_code == 404
        assert response.json() == {"type": "error.list"}
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["X-Request-Id"] == "req-9"
        assert response.headers["X-Extra"] == "1"


def test_close_before_reading_resets_the_connection_and_records_nothing(session):
    with FaultServer([close_before_reading(), reply(200)]) as server:
        with pytest.raises(requests.ConnectionError):
            session.get(server.base_url)
        assert server.requests == []
        assert server.steps_taken == 1
        assert session.get(server.base_url).status_code == 200


def test_close_after_request_drops_the_connection_after_recording_the_request(session):
    with FaultServer([close_after_request()]) as server:
        with pytest.raises(requests.ConnectionError):
            session.post(f"{server.base_url}/notes", json={"body": "hi"})
        assert [(r.method, r.path) for r in server.requests] == [("POST", "/notes")]


def test_close_mid_body_sends_part_of_the_declared_body_then_closes():
    with FaultServer([close_mid_body(declared=1000, sent=10)]) as server:
        sock = connect(server)
        head, _, body = read_to_eof(sock).partition(b"\r\n\r\n")
        sock.close()
        assert b"Content-Length: 1000" in head
        assert len(body) == 10


def test_close_mid_body_breaks_a_requests_read(session):
    with FaultServer([close_mid_body()]) as server:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            session.get(server.base_url)
        assert len(server.requests) == 1


def test_stall_times_out_a_client_read(session):
    with FaultServer([stall(5)]) as server:
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(server.base_url, timeout=0.1)
        assert len(server.requests) == 1


def test_stall_closes_the_connection_after_its_time():
    with FaultServer([stall(0.1)]) as server:
        started = time.monotonic()
        sock = connect(server)
        assert read_to_eof(sock) == b""
        sock.close()
        assert time.monotonic() - started >= 0.1


def test_stall_ends_when_the_server_stops():
    server = FaultServer([stall(30)])
    with server:
        sock = connect(server)
        while not server.requests:
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 1
    assert read_to_eof(sock) == b""
    sock.close()


def test_drip_is_slow_overall_although_every_read_is_quick(session):
    body = b'{"a":"bc"}'
    with FaultServer([drip(body, interval=0.03)]) as server:
        started = time.monotonic()
        response = session.get(server.base_url, timeout=0.25)
        assert response.content == body
        assert time.monotonic() - started >= len(body) * 0.03


def test_drip_stops_when_the_server_stops():
    with FaultServer([drip(b"x" * 100, interval=10)]) as server:
        sock = connect(server)
        assert b"Content-Length: 100" in sock.recv(65536)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1
        assert read_to_eof(sock) == b""
        sock.close()


def test_gzip_bomb_is_small_on_the_wire_and_inflates_to_its_size(session):
    size = 8 * 1024 * 1024
    with FaultServer([gzip_bomb(size)]) as server:
        response = session.get(server.base_url, stream=True)
        assert response.headers["Content-Encoding"] == "gzip"
        compressed = response.raw.read(decode_content=False)
    assert len(compressed) < size // 500
    inflated = zlib.decompress(compressed, 16 + zlib.MAX_WBITS)
    assert len(inflated) == size
    assert json.loads(inflated)["type"] == "bomb"


def test_gzip_bomb_bytes_are_built_once_per_size():
    assert gzip_bomb_bytes(1_000_000) is gzip_bomb_bytes(1_000_000)


@pytest.mark.parametrize("chunked", [False, True])
def test_huge_body_streams_a_json_body_of_the_given_size(session, chunked):
    size = 3 * 1024 * 1024 + 7
    with FaultServer([huge_body(size, chunked=chunked)]) as server:
        response = session.get(server.base_url)
        assert ("Content-Length" in response.headers) is not chunked
        assert len(response.content) == size
        assert json.loads(response.content)["type"] == "huge"


def test_huge_body_stops_when_the_client_closes():
    with FaultServer([huge_body(10 * 1024**3)]) as server:
        sock = connect(server)
        sock.recv(65536)
        sock.close()
        deadline = time.monotonic() + 2
        while server.open_connections and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.open_connections == 0


def test_redirect_points_at_another_host(session):
    with FaultServer([redirect()]) as server:
        response = session.get(server.base_url, allow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"] == "http://127.0.0.2:1/elsewhere"


def test_rate_limited_sends_intercoms_error_and_the_given_headers(session):
    step = rate_limited(retry_after=2, reset=1700000000, limit=83, remaining=0)
    with FaultServer([step]) as server:
        response = session.get(server.base_url)
    assert response.status_code == 429
    assert response.json() == {
        "type": "error.list",
        "request_id": "fault-rate-limited",
        "errors": [
            {"code": "rate_limit_exceeded", "message": "Exceeded rate limit of 83 in 10_seconds"}
        ],
    }
    assert response.headers["Retry-After"] == "2"
    assert response.headers["X-RateLimit-Limit"] == "83"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "1700000000"


def test_rate_limited_passes_an_http_date_and_omits_headers_not_given(session):
    date = http_date(5)
    with FaultServer([rate_limited(retry_after=date, remaining=None)]) as server:
        response = session.get(server.base_url)
    assert response.headers["Retry-After"] == date
    assert not [h for h in response.headers if h.lower().startswith("x-ratelimit")]


def test_set_cookie_shows_whether_the_client_sends_the_cookie_back(session):
    with FaultServer([set_cookie("session", "abc"), reply(200, {})]) as server:
        session.get(server.base_url)
        session.get(server.base_url)  # a plain Session does send it back
        first, second = server.requests
    assert "Cookie" not in first.headers
    assert second.headers["Cookie"] == "session=abc"


def test_raw_sends_exactly_its_bytes_then_closes():
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnot json"
    with FaultServer([raw(data)]) as server:
        sock = connect(server)
        assert read_to_eof(sock) == data
        sock.close()


def test_raw_malformed_status_line_fails_a_requests_call(session):
    with FaultServer([raw(b"HTCPCP/9 teapot\r\n\r\n")]) as server:
        with pytest.raises(requests.ConnectionError):
            session.get(server.base_url)
        assert len(server.requests) == 1
