"""Webhook notifications: what changed in the workspace, POSTed as Intercom delivers them.

A `WebhookSender` listens to a workspace (`attach`), renders each change as a
`notification_event` while the request that made it still holds the lock, and delivers it
from one background thread, so no request ever waits on a receiver. The body is JSON,
signed in `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body, keyed with the secret>`. A
receiver that fails (no 2xx, or no connection) gets the same notification again after each
of `retry_delays`, with the same `id` and `delivery_attempts` one higher. At most
`max_pending` notifications wait; past that, new ones are dropped and counted.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..settings import is_loopback
from . import render

if TYPE_CHECKING:
    from .workspace import Workspace

log = logging.getLogger(__name__)

Json = dict[str, Any]
# The topics the sandbox fires, and when.
TOPICS = {
    "contact.created": "a lead is created",
    "user.created": "a user is created",
    "conversation.user.created": "a contact starts a conversation (POST /conversations)",
    "conversation.admin.single.created": "an admin's message opens one (POST /messages)",
    "conversation.user.replied": "a contact replies",
    "conversation.admin.replied": "an admin replies (comment or quick reply)",
    "conversation.admin.noted": "an admin adds a note",
    "conversation.admin.closed": "an admin closes a conversation",
    "conversation.admin.opened": "an admin opens a closed or snoozed conversation",
    "conversation.admin.snoozed": "an admin snoozes a conversation",
    "conversation.admin.unsnoozed": "a snoozed conversation's time comes",
    "conversation.admin.assigned": "an admin assigns a conversation",
    "ping": "`WebhookSender.ping()`",
}
DEFAULT_RETRY_DELAYS = (1.0, 5.0, 25.0)
DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_PENDING = 1000


def signature(body: bytes, secret: str) -> str:
    """The `X-Hub-Signature` value of `body`: `sha1=` and the hex HMAC-SHA1 keyed by `secret`."""
    return "sha1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


@dataclass
class Notification:
    """One notification, as often as it is (re)delivered: same id, attempts counted."""

    topic: str
    item: Json
    created_at: int
    app_id: str = render.WORKSPACE_ID
    id: str = field(default_factory=lambda: f"notif_{uuid.uuid4()}")
    delivery_attempts: int = 0
    first_sent_at: int | None = None

    def payload(self) -> Json:
        return {
            "type": "notification_event",
            "app_id": self.app_id,
            "data": {"type": "notification_event_data", "item": self.item},
            "links": {},
            "id": self.id,
            "topic": self.topic,
            "delivery_status": "pending",
            "delivery_attempts": self.delivery_attempts,
            "delivered_at": 0,
            "first_sent_at": self.first_sent_at,
            "created_at": self.created_at,
            "self": None,
        }

    def body(self) -> bytes:
        return json.dumps(self.payload(), separators=(",", ":"), ensure_ascii=False).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is a failed delivery, never followed


class WebhookSender:
    """Delivers a workspace's notifications to `url`, signed with `secret` (unsigned when
    None), from a background thread; `topics` limits what is sent (every topic when None).
    `url` must name a loopback host unless `allow_remote`: a sandbox must not be made to
    post to another machine (a cloud metadata address, say) by whoever starts it.

    `clock` dates notifications (`created_at`, `first_sent_at`): the workspace's clock when
    attached. Start and stop it, or use it as a context manager; `SandboxServer` does both.
    """

    def __init__(
        self,
        url: str,
        secret: str | None = None,
        *,
        topics: Iterable[str] | None = None,
        retry_delays: Iterable[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = DEFAULT_TIMEOUT,
        max_pending: int = DEFAULT_MAX_PENDING,
        clock: Callable[[], float] = time.time,
        allow_remote: bool = False,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook url must be http(s), got {url!r}")
        if not allow_remote and not is_loopback(urlsplit(url).hostname or ""):
            raise ValueError(
                f"webhook url {url[:80]!r} is not on loopback; the sandbox sends webhooks "
                "to loopback only unless remote webhooks are allowed (--allow-remote-webhooks)"
            )
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        self.url = url
        self._secret = secret
        self.topics = None if topics is None else frozenset(topics)
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.max_pending = max_pending
        self.clock = clock
        self.delivered = 0
        self.failed = 0
        self.dropped = 0
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
        self._queue: list[tuple[float, int, Notification]] = []
        self._order = itertools.count()
        self._in_flight = 0
        self._condition = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._workspace: Workspace | None = None

    def __repr__(self) -> str:
        return f"WebhookSender(url={self.url!r}, pending={self.pending})"  # never the secret

    # Feeding it

    def attach(self, workspace: Workspace) -> WebhookSender:
        """Send a notification for each change of `workspace`, dated by its clock."""
        self.clock = workspace.clock
        self._workspace = workspace
        workspace.subscribe(self._on_change)
        return self

    def detach(self) -> None:
        if self._workspace is not None:
            self._workspace.unsubscribe(self._on_change)
            self._workspace = None

    def _on_change(self, topic: str, record: object) -> None:
        if self._workspace is not None and self._wanted(topic):
            self.send(topic, render.webhook_item(record, self._workspace.state.contacts))

    def _wanted(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics

    def send(self, topic: str, item: Json) -> Notification | None:
        """Queue a notification of `topic` carrying `item`; None when it is not wanted or the
        queue is full (then it is dropped and counted). Never blocks."""
        if not self._wanted(topic):
            return None
        notification = Notification(topic, item, int(self.clock()))
        with self._condition:
            if self.pending >= self.max_pending:
                self.dropped += 1
                log.warning("webhook queue full; dropped a %s notification", topic)
                return None
            self._push(0.0, notification)
        return notification

    def ping(self) -> Notification | None:
        """Queue a `ping`, as the Developer Hub's test button sends."""
        return self.send("ping", {"type": "ping", "message": "This is a ping from the sandbox."})

    @property
    def pending(self) -> int:
        """Notifications waiting to be (re)delivered or being delivered."""
        return len(self._queue) + self._in_flight

    def _push(self, delay: float, notification: Notification) -> None:
        due = time.monotonic() + delay
        heapq.heappush(self._queue, (due, next(self._order), notification))
        self._condition.notify_all()

    # Running it

    def start(self) -> WebhookSender:
        with self._condition:
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(
                    target=self._run, name="intercom-sandbox-webhooks", daemon=True
                )
                self._thread.start()
        return self

    def stop(self, drain: float = 0.0) -> None:
        """Stop delivering, after waiting up to `drain` seconds for the queue to empty; what
        is still queued is dropped. An attempt under way ends within `timeout`."""
        if drain > 0:
            self.wait_idle(drain)
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.timeout + 1)
        self.detach()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is pending (True), or `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
        return True

    def __enter__(self) -> WebhookSender:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while True:
            with self._condition:
                notification = self._next()
                if notification is None:
                    return
                self._in_flight += 1
            delivered = False
            try:
                delivered = self._attempt(notification)
            except Exception:  # a sender bug must not stop later deliveries
                log.exception("webhook %s failed", notification.id)
            finally:
                with self._condition:
                    self._in_flight -= 1
                    self._settle(notification, delivered)

    def _next(self) -> Notification | None:
        """The next notification due, waiting for it; None once stopping."""
        while not self._stopping:
            if self._queue:
                wait = self._queue[0][0] - time.monotonic()
                if wait <= 0:
                    return heapq.heappop(self._queue)[2]
                self._condition.wait(wait)
            else:
                self._condition.wait()
        return None

    def _settle(self, notification: Notification, delivered: bool) -> None:
        retries = notification.delivery_attempts - 1
        if delivered:
            self.delivered += 1
        elif retries < len(self.retry_delays) and not self._stopping:
            self._push(self.retry_delays[retries], notification)
        else:
            self.failed += 1
            log.warning(
                "webhook %s (%s) not delivered after %d attempts",
                notification.id,
                notification.topic,
                notification.delivery_attempts,
            )
        self._condition.notify_all()

    def _attempt(self, notification: Notification) -> bool:
        notification.delivery_attempts += 1
        if notification.first_sent_at is None:
            notification.first_sent_at = int(self.clock())
        body = notification.body()
        headers = {"Content-Type": "application/json", "User-Agent": "intercom-sandbox-webhooks"}
        if self._secret is not None:
            headers["X-Hub-Signature"] = signature(body, self._secret)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                answer.read()
                status: int = answer.status
                return 200 <= status < 300
        except urllib.error.HTTPError as error:
            error.close()
            log.info("webhook %s answered %s", notification.id, error.code)
        except (OSError, ValueError) as error:
            log.info("webhook %s not delivered: %s", notification.id, error)
        return False
