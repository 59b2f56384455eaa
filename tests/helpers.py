"""Helpers shared by the tests: constants, Intercom's error bodies, a clock that never waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim_intercom.client import IntercomClient
from sim_intercom.settings import ClientConfig
from sim_intercom.transport import Transport

TOKEN = "tok_live_secret_123"
US = "https://api.intercom.io"


def error_list(code: str, message: str, request_id: str = "req-1") -> dict[str, Any]:
    """Intercom's error body."""
    return {
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": message}],
    }


@dataclass
class FakeClock:
    """Wall and monotonic time that move only when a caller sleeps; records every sleep."""

    now: float = 1_700_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fake_transport(clock: FakeClock | None = None, **kwargs: Any) -> Transport:
    """A transport whose waits are recorded, not slept, with a jitter fraction of 1."""
    clock = clock or FakeClock()
    return Transport(
        clock=clock.time,
        sleep=clock.sleep,
        random_fraction=lambda: 1.0,
        **kwargs,
    )


def make_client(
    transport: Transport | None = None, *, safe: bool = True, **credentials: Any
) -> IntercomClient:
    """A client for one call, with credentials as a host would pass them."""
    config = ClientConfig.from_credentials(credentials)
    return IntercomClient(TOKEN, config, transport or fake_transport(), safe=safe)
