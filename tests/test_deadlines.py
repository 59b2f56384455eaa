"""The total deadline is total: `readTimeout` bounds the whole answer, status line and
headers included, and one call's time stays within the bound the guarantees state.

Waits the server asks for go to an injected clock (never slept); deadlines run on the real
clock, so these tests measure elapsed time against generous bounds.
"""

from __future__ import annotations

import time
from typing import Any

from faultserver import FaultServer, drip_head, reply
from helpers import TOKEN, fake_transport
from sim_intercom.executor import Executor

GET_CONTACT = ("intercom_get_contact", {"contactId": "c1"})


def timed_call(server: FaultServer, **settings: Any) -> tuple[dict[str, Any], float]:
    credentials = {"accessToken": TOKEN, "baseUrl": server.base_url, **settings}
    started = time.monotonic()
    result = Executor(transport=fake_transport()).execute(*GET_CONTACT, credentials)
    assert result is not None
    return result, time.monotonic() - started


def test_headers_that_drip_in_are_cut_off_at_read_timeout():
    # About 100 bytes of head, one every 0.05 s: 5 s in all, each read quick.
    with FaultServer([drip_head(interval=0.05)]) as server:
        result, elapsed = timed_call(server, readTimeout=0.4, maxRetries=0)
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "network"
    assert "readTimeout" in result["error"]
    assert elapsed < 1.5


def test_a_retried_read_against_dripping_headers_stays_within_the_stated_total():
    read_timeout, retries, connect_timeout = 0.3, 2, 10.0
    with FaultServer([drip_head(interval=0.05)]) as server:
        result, elapsed = timed_call(
            server, readTimeout=read_timeout, maxRetries=retries, connectTimeout=connect_timeout
        )
    # Each try's answer within readTimeout; a loopback connect takes no time.
    assert result["error_detail"]["attempts"] == retries + 1
    assert elapsed < (retries + 1) * read_timeout + 1.0


def test_an_answer_whose_headers_arrive_in_time_is_read_as_usual():
    with FaultServer([reply(200, {"type": "contact", "id": "c1"})]) as server:
        result, _ = timed_call(server, readTimeout=0.5, maxRetries=0)
    assert result["success"] is True
