"""Webhook notifications: what changed in the workspace, POSTed as Intercom delivers them.

A `WebhookSender` listens to a workspace (`attach`), renders each change as a
`notification_event` while the request that made it still holds the lock, and delivers it
from one background thread, so no request ever waits on a receiver. The body is JSON,
signed in `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body, keyed with the secret>`. A
receiver that fails (no 2xx, or no connection) gets the same notification again after each
of `retry_delays`, with the same `id` and `delivery_attempts` one higher. At most
`max_pending` notifications wait; past that, new ones are dropped and counted.

A backend announces a change with one call, `state.publish(topic, record)`: the record the
topic is about, a pair of them for a topic that carries two (a contact and its tag, a
company and a contact), or a ready item. `webhook_item` renders it as the item kind the
catalog names for the topic (manifest.yaml's `triggers.families`). `CAUSES` lists what the
sandbox fires on its own; `fire` sends any topic on demand (`POST /sandbox/webhooks/fire`),
with an item of its kind made from the workspace's records when none is given.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..manifest import TOPIC_PATTERN, default_catalog
from ..serving import StartStop
from ..settings import is_loopback
from . import render
from .errors import BadRequest, ParameterInvalid
from .records import AppliedTag, Company, Contact, Conversation, DataEvent, Tag

if TYPE_CHECKING:
    from .workspace import Workspace

log = logging.getLogger(__name__)

Json = dict[str, Any]
# The topics the sandbox fires on its own, and the change that fires each.
CAUSES = {
    "contact.lead.created": "POST /contacts with role lead (or a ticket for a new email)",
    "contact.user.created": "POST /contacts with role user (the default)",
    "contact.lead.updated": "PUT /contacts/{id} of a lead",
    "contact.user.updated": "PUT /contacts/{id} of a user",
    "contact.email.updated": "PUT /contacts/{id} changing the email",
    "contact.lead.added_email": "PUT /contacts/{id} giving a lead its first email",
    "contact.lead.signed_up": "PUT /contacts/{id} turning a lead into a user",
    "contact.deleted": "DELETE /contacts/{id}",
    "contact.lead.tag.created": "POST /contacts/{id}/tags on a lead",
    "contact.user.tag.created": "POST /contacts/{id}/tags on a user",
    "contact.lead.tag.deleted": "DELETE /contacts/{id}/tags/{tag_id} on a lead",
    "contact.user.tag.deleted": "DELETE /contacts/{id}/tags/{tag_id} on a user",
    "company.created": "POST /companies with a new company_id",
    "company.updated": "POST /companies with a known company_id",
    "company.contact.attached": "POST /contacts/{id}/companies",
    "company.contact.detached": "DELETE /contacts/{id}/companies/{company_id}",
    "conversation.user.created": "POST /conversations",
    "conversation.admin.single.created": "POST /messages",
    "conversation.user.replied": "POST /conversations/{id}/reply by a contact",
    "conversation.admin.replied": "POST /conversations/{id}/reply by an admin (comment)",
    "conversation.admin.noted": "POST /conversations/{id}/reply by an admin (note)",
    "conversation.admin.closed": "POST /conversations/{id}/parts: close",
    "conversation.admin.opened": "POST /conversations/{id}/parts: open",
    "conversation.admin.snoozed": "POST /conversations/{id}/parts: snoozed",
    "conversation.admin.unsnoozed": "a snoozed conversation's time comes",
    "conversation.admin.assigned": "POST /conversations/{id}/parts: assignment",
    "ticket.created": "POST /tickets",
    "ticket.state.updated": "PUT /tickets/{id} with ticket_state_id or open",
    "ticket.closed": "PUT /tickets/{id} moving it to a resolved state",
    "ticket.admin.assigned": "PUT /tickets/{id} assigning it to an admin",
    "ticket.team.assigned": "PUT /tickets/{id} assigning it to a team",
    "ticket.attribute.updated": "PUT /tickets/{id} with ticket_attributes",
    "event.created": "POST /events",
    "ping": "`WebhookSender.ping()`",
}
FIRE_PATH = "/sandbox/webhooks/fire"
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


class WebhookSender(StartStop):
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
            self.send(topic, webhook_item(topic, record, self._workspace))

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


# What a notification carries in `data.item`


@cache
def item_kinds() -> dict[str, str]:
    """The kind of item each 2.14 topic carries, by topic (the catalog's topic table)."""
    families = default_catalog().manifest.triggers.families
    return {entry.topic: entry.item for family in families for entry in family.topics}


def webhook_item(topic: str, record: object, workspace: Workspace) -> Json:
    """The item a notification of `topic` carries, rendered from what a backend published:
    a record, a pair of records, or an item ready as it is."""
    if isinstance(record, dict):
        return record
    kind = item_kinds().get(topic)
    if kind is None:
        raise TypeError(f"no webhook item for topic {topic!r}")
    return _RENDER[kind](record, workspace)


def _contact(record: Any, workspace: Workspace) -> Json:
    return render.contact(record)


def _pair(kind: str, *names: str) -> Callable[[Any, Workspace], Json]:
    """An item that holds two records side by side, each rendered under its name."""

    def rendered(records: Any, workspace: Workspace) -> Json:
        parts = {name: _one(record, workspace) for name, record in zip(names, records, strict=True)}
        return {"type": kind, "created_at": workspace.state.now(), **parts}

    return rendered


def _one(record: object, workspace: Workspace) -> Json:
    if isinstance(record, Contact):
        return render.contact(record)
    if isinstance(record, Company):
        return render.company(record)
    if isinstance(record, Conversation):
        return render.conversation(record, workspace.state.contacts)
    if isinstance(record, AppliedTag):
        return render.applied_tag(record)
    if isinstance(record, Tag):
        return render.tag(record)
    contacts: dict[str, Contact] = workspace.state.contacts
    return render.webhook_item(record, contacts)


def _event(record: DataEvent, workspace: Workspace) -> Json:
    contact = workspace.state.contacts.get(record.contact_id)
    known = {
        "user_id": contact.external_id if contact is not None else None,
        "email": contact.email if contact is not None else None,
    }
    return {
        "type": "event",
        "event_name": record.event_name,
        "created_at": record.created_at,
        "intercom_user_id": record.contact_id,
        **{name: value for name, value in known.items() if value is not None},
        "metadata": dict(record.metadata),
    }


_RENDER: dict[str, Callable[[Any, Workspace], Json]] = {
    "admin": lambda record, w: render.admin(record),
    "company": lambda record, w: render.company(record),
    "company_deleted": lambda record, w: {"type": "company", "id": record.id, "deleted": True},
    "company_contact": _pair("company_contact", "company", "contact"),
    "contact": _contact,
    "contact_deleted": lambda record, w: render.deleted_contact(record),
    "contact_tag": _pair("contact_tag", "contact", "tag"),
    "conversation": lambda record, w: _one(record, w),
    "conversation_contact": _pair("conversation_contact", "conversation", "contact"),
    "conversation_deleted": lambda record, w: {"type": "conversation", "id": record.id},
    "event": _event,
    "ticket": lambda record, w: _one(record, w),
}


# Firing a topic on demand


def fire(workspace: Workspace, topic: Any, item: Any = None) -> Json:
    """Publish a notification of `topic` on the workspace, for every sender attached to it:
    with `item` as it is given, or an item of the topic's kind made from the workspace's
    records. For topics the sandbox cannot cause (an admin logging in, content statistics,
    a call...) and for trying a trigger on any topic."""
    if not isinstance(topic, str) or not re.fullmatch(TOPIC_PATTERN, topic):
        raise ParameterInvalid(
            "topic must be a webhook topic such as ticket.created", field="topic"
        )
    if item is not None and not isinstance(item, dict):
        raise ParameterInvalid("item must be a JSON object", field="item")
    if item is None:
        if topic not in item_kinds():
            message = f"{topic} is not a 2.14 topic; give the item to send with it"
            raise ParameterInvalid(message, field="item")
        item = example_item(topic, workspace)
    with workspace.lock:
        listeners = len(workspace.state.listeners)
        if not listeners:
            raise BadRequest("No webhook receiver: start the sandbox with a webhook URL")
        workspace.state.publish(topic, item)
    return {"type": "sandbox.webhook", "topic": topic, "item": item, "listeners": listeners}


def example_item(topic: str, workspace: Workspace) -> Json:
    """An item of the kind `topic` carries: made from the workspace's records where it holds
    one of them, else a small one shaped as Intercom's webhook documentation shows."""
    kind = item_kinds()[topic]
    state = workspace.state
    records: dict[str, object | None] = {
        "admin": state.admins.get(state.me_id),
        "company": next(iter(state.companies.values()), None),
        "contact": _contact_for(topic, workspace),
        "conversation": next(iter(state.conversations.values()), None),
        "ticket": next(iter(state.tickets.values()), None),
        "tag": next(iter(state.tags.values()), None),
    }
    if kind in _RENDER and kind not in _PAIRS and kind != "event":
        record = records.get(kind.removesuffix("_deleted"))
        if record is not None:
            return _RENDER[kind](record, workspace)
    if kind in _PAIRS:
        pair = tuple(records.get(name) for name in _PAIRS[kind])
        if all(each is not None for each in pair):
            return _RENDER[kind](pair, workspace)
    return _made(kind, topic, workspace, records)


_PAIRS = {
    "company_contact": ("company", "contact"),
    "contact_tag": ("contact", "tag"),
    "conversation_contact": ("conversation", "contact"),
}


def _contact_for(topic: str, workspace: Workspace) -> Contact | None:
    """A lead for a lead's topic, a user for a user's, any contact otherwise."""
    role = "lead" if ".lead." in topic else "user" if ".user." in topic else None
    contacts = workspace.state.contacts.values()
    return next((c for c in contacts if role is None or c.role == role), None)


def _made(kind: str, topic: str, workspace: Workspace, records: dict[str, Any]) -> Json:
    now = workspace.state.now()
    contact = records["contact"]
    contact_ref = (
        {"type": "contact", "id": contact.id, "external_id": contact.external_id}
        if contact is not None
        else {"type": "contact", "id": "0"}
    )
    conversation = records["conversation"]
    made: dict[str, Callable[[], Json]] = {
        "article": lambda: {
            "type": "article",
            "id": "39",
            "workspace_id": render.WORKSPACE_ID,
            "title": "Getting started",
            "state": "published",
            "author_id": int(workspace.state.me_id or 0),
            "created_at": now,
            "updated_at": now,
            "url": "https://help.example.com/articles/39",
        },
        "article_deleted": lambda: {"type": "article", "id": "39", "deleted": True},
        "call": lambda: {
            "type": "call",
            "id": "1",
            "conversation_id": conversation.id if conversation is not None else None,
            "admin_id": workspace.state.me_id,
            "contact_id": contact_ref["id"],
            "state": "completed",
            "initiated_at": now,
            "created_at": now,
            "updated_at": now,
        },
        "contact_merged": lambda: {
            **(render.contact(contact) if contact is not None else contact_ref),
            "merged_from": {"type": "contact", "id": "6762f0dd00000000000000ff"},
        },
        "content_stat": lambda: {
            "type": topic,
            "id": f"{topic}-1",
            "created_at": now,
            "content_stat": {
                "type": "content_stat",
                "stat_type": "receipt",
                "content_type": topic.split(".", 1)[1],
                "content_id": "1",
                "ruleset_id": "1",
                "created_at": now,
            },
            "contact": contact_ref,
        },
        "conversation_part": lambda: (
            render.part(conversation.parts[-1])
            if conversation is not None and conversation.parts
            else {"type": "conversation_part", "id": "1", "part_type": "comment"}
        ),
        "event": lambda: {
            "type": "event",
            "event_name": "sandbox-event",
            "created_at": now,
            "intercom_user_id": contact_ref["id"],
            "metadata": {},
        },
        "job": lambda: {"type": "job", "id": "1", "status": "success", "resource_type": "ticket"},
        "ping": lambda: {"type": "ping", "message": "This is a ping from the sandbox."},
        "subscription": lambda: {
            "type": "subscription",
            "id": "1",
            "state": "live",
            "consent_type": "opt_out",
            "content_types": ["email"],
        },
        "visitor": lambda: {
            "type": "visitor",
            "id": "530370b477ad7120001d",
            "user_id": "8a88a590-e1c3-41e2-a502-e0649dbf721c",
            "anonymous": True,
            "created_at": now,
            "updated_at": now,
        },
    }
    return made.get(kind, lambda: {"type": kind.removesuffix("_deleted"), "id": "0"})()
