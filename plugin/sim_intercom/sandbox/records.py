"""The workspace's records: plain, compact dataclasses; `render` turns them into Intercom's JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONTACT_AUTHORS = frozenset({"user", "lead", "contact"})
ADMIN_AUTHORS = frozenset({"admin", "bot"})


@dataclass(slots=True)
class Admin:
    """A teammate; `bot` marks the Fin-like operator that authors automated parts."""

    id: str
    name: str
    email: str
    job_title: str = ""
    has_inbox_seat: bool = True
    bot: bool = False
    team_ids: list[int] = field(default_factory=list)
    away_mode_enabled: bool = False
    away_mode_reassign: bool = False
    away_status_reason_id: int | None = None


@dataclass(slots=True)
class Team:
    """A team of admins; conversations and tickets can be assigned to it."""

    id: str
    name: str
    admin_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Tag:
    """A workspace tag; renaming one renames it wherever it is applied."""

    id: str
    name: str
    created_at: int


@dataclass(frozen=True, slots=True)
class AppliedTag:
    """A tag as applied to a contact or conversation: when, and by which admin."""

    tag: Tag
    applied_at: int
    applied_by: str


@dataclass(frozen=True, slots=True)
class Note:
    """A note an admin wrote about a contact."""

    id: str
    contact_id: str
    author: Admin
    body: str
    created_at: int


@dataclass(frozen=True, slots=True)
class DataEvent:
    """A data event submitted for a contact (`POST /events`)."""

    event_name: str
    created_at: int
    contact_id: str
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventSummary:
    """How often a contact did something, and when first and last (Unix seconds)."""

    name: str
    count: int
    first: int
    last: int


@dataclass(slots=True)
class DataAttribute:
    """A contact, company or conversation attribute; `custom` ones hold `custom_attributes`.
    Defining one (`POST /data_attributes`) makes its name writable; archiving it, not."""

    id: int
    model: str
    name: str
    data_type: str
    label: str
    custom: bool
    admin_id: str
    archived: bool = False
    created_at: int = 1_700_000_000
    updated_at: int | None = None
    description: str | None = None
    options: list[str] | None = None
    messenger_writable: bool = False


@dataclass(slots=True)
class Contact:
    """A user or lead; optional fields stay None so 100,000 of them fit in modest memory."""

    id: str
    role: str
    created_at: int
    updated_at: int
    email: str | None = None
    external_id: str | None = None
    phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    owner_id: int | None = None
    unsubscribed_from_emails: bool = False
    signed_up_at: int | None = None
    last_seen_at: int | None = None
    last_replied_at: int | None = None
    last_contacted_at: int | None = None
    location: tuple[str | None, str | None, str | None, str | None, str | None] | None = None
    custom_attributes: dict[str, Any] | None = None
    tag_ids: list[str] | None = None
    note_ids: list[str] | None = None
    company_ids: list[str] | None = None
    archived: bool = False
    blocked: bool = False
    # Subscription type id -> the contact's consent to it ("opt_in" or "opt_out").
    subscriptions: dict[str, str] | None = None


@dataclass(slots=True)
class Company:
    """A company, upserted on its own `company_id`; `contact_ids` make its user_count."""

    id: str
    company_id: str
    created_at: int
    updated_at: int
    name: str | None = None
    plan: str | None = None
    remote_created_at: int | None = None
    size: int | None = None
    website: str | None = None
    industry: str | None = None
    monthly_spend: int = 0
    session_count: int = 0
    last_request_at: int | None = None
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    contact_ids: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a message or part, as they were then: an admin, a bot, a user or a lead."""

    type: str
    id: str
    name: str | None
    email: str | None


def admin_author(admin: Admin) -> Author:
    return Author("bot" if admin.bot else "admin", admin.id, admin.name, admin.email)


def contact_author(contact: Contact) -> Author:
    return Author(contact.role, contact.id, contact.name, contact.email)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a reply by its URL."""

    name: str
    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Source:
    """The message that opened a conversation."""

    type: str
    id: str
    delivered_as: str
    subject: str
    body: str
    author: Author
    redacted: bool = False


@dataclass(slots=True)
class Part:
    """One conversation part: a reply, a note, or an event such as close or assignment."""

    id: str
    part_type: str
    body: str | None
    created_at: int
    author: Author
    state: str
    attachments: tuple[Attachment, ...] = ()
    assigned_to: tuple[str, str] | None = None  # (admin or team, its id) for assignments
    redacted: bool = False


@dataclass(slots=True)
class Conversation:
    """A conversation: its source message, its parts, its state and participants."""

    id: str
    created_at: int
    updated_at: int
    source: Source
    contact_ids: list[str]
    parts: list[Part] = field(default_factory=list)
    state: str = "open"
    read: bool = False
    priority: str = "not_priority"
    admin_assignee_id: int | None = None
    team_assignee_id: int | None = None
    waiting_since: int | None = None
    snoozed_until: int | None = None
    title: str | None = None
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    tags: list[AppliedTag] = field(default_factory=list)

    def contact_reply_times(self) -> list[int]:
        """When contacts wrote: the opening message if a contact sent it, then their parts."""
        opened = [self.created_at] if self.source.author.type in CONTACT_AUTHORS else []
        return opened + [p.created_at for p in self.parts if p.author.type in CONTACT_AUTHORS]


@dataclass(frozen=True, slots=True)
class TicketTypeAttribute:
    """An attribute of a ticket type; Intercom's own start and end with `_`."""

    id: str
    name: str
    data_type: str
    order: int
    required: bool
    description: str | None = None
    required_for_contacts: bool | None = None
    visible_on_create: bool = True
    visible_to_contacts: bool = True
    multiline: bool = False
    list_items: tuple[str, ...] = ()
    allow_multiple_values: bool = False
    archived: bool = False
    created_at: int = 1_700_000_000
    updated_at: int = 1_700_000_000


@dataclass(frozen=True, slots=True)
class TicketState:
    """A state a ticket of a type can be in; `category` is submitted, in_progress or resolved."""

    id: str
    category: str
    label: str


@dataclass(frozen=True, slots=True)
class TicketType:
    """A ticket type: its attributes (`_default_title_`, `_default_description_`...), states."""

    id: str
    name: str
    description: str
    icon: str
    category: str
    created_at: int
    attributes: tuple[TicketTypeAttribute, ...]
    states: tuple[TicketState, ...]
    archived: bool = False
    is_internal: bool = False
    updated_at: int | None = None

    def attribute_names(self) -> set[str]:
        return {each.name for each in self.attributes if not each.archived}


@dataclass(slots=True)
class Ticket:
    """A ticket of a ticket type, raised for one or more contacts."""

    id: str
    ticket_id: str
    ticket_type: TicketType
    attributes: dict[str, Any]
    state: TicketState
    contact_ids: list[str]
    created_at: int
    admin_assignee_id: str = "0"
    team_assignee_id: str = "0"
    company_id: str | None = None
    updated_at: int = 0
    snoozed_until: int | None = None
    is_shared: bool = False
    tags: list[AppliedTag] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Message:
    """A message and the conversation it opened: an admin's (`admin_message`) or a
    contact's (`user_message`)."""

    id: str
    message_type: str
    created_at: int
    body: str
    subject: str | None
    owner: Author
    conversation_id: str
    type: str = "admin_message"


# People (issue 18, group A): segments, subscription types, visitors


@dataclass(frozen=True, slots=True)
class Segment:
    """A saved filter of people or companies; membership is worked out when asked, so it
    follows the records. `rule` is a contact search query (model `contact`) or
    `{field: value}` equalities on company fields (model `company`)."""

    id: str
    name: str
    person_type: str
    model: str
    rule: dict[str, Any]
    created_at: int


@dataclass(frozen=True, slots=True)
class SubscriptionType:
    """A kind of message people can opt into or out of (`consent_type`), by channel."""

    id: str
    name: str
    description: str
    consent_type: str
    content_types: tuple[str, ...]
    state: str = "live"


@dataclass(slots=True)
class Visitor:
    """An anonymous website visitor, until converted into a user or lead."""

    id: str
    user_id: str
    created_at: int
    updated_at: int
    name: str | None = None
    email: str | None = None
    pseudonym: str | None = None
    custom_attributes: dict[str, Any] = field(default_factory=dict)


# --- B: support (ticket type changes, jobs, away status, activity logs, calls, Fin) ---


@dataclass(frozen=True, slots=True)
class AwayStatusReason:
    """Why an admin is away (`🌴 On holiday`); an admin's away status may name one."""

    id: str
    label: str
    emoji: str
    order: int
    created_at: int = 1_700_000_000


@dataclass(frozen=True, slots=True)
class ActivityLog:
    """Something an admin did to the workspace (signed in, went away), as the audit log keeps it."""

    id: str
    admin_id: str
    activity_type: str
    description: str
    created_at: int
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Job:
    """An asynchronous job (`POST /tickets/enqueue`): pending until the workspace's clock
    reaches `ready_at`, then done with the resource it made."""

    id: str
    resource_type: str
    created_at: int
    ready_at: int
    resource_id: str | None = None
    failed: bool = False


@dataclass(frozen=True, slots=True)
class Call:
    """A phone call of a conversation, with its recording and transcript (lines of text)."""

    id: str
    conversation_id: str | None
    admin_id: str | None
    contact_id: str | None
    phone: str
    direction: str
    call_type: str
    initiated_at: int
    answered_at: int | None
    ended_at: int | None
    ended_reason: str | None
    recording: str | None
    transcript: tuple[tuple[str, str], ...] = ()  # (speaker, words)


@dataclass(slots=True)
class FinConversation:
    """A conversation Fin holds through the Fin Agent API, by your own conversation id."""

    conversation_id: str
    user_id: str
    messages: list[tuple[str, str]] = field(default_factory=list)  # (author, body)
    status: str = "awaiting_user_reply"
    rating: str | None = None
    remark: str | None = None


# Content: the help center, internal articles, news, AI content sources, custom objects


@dataclass(slots=True)
class HelpCenter:
    """A help center site; the seed makes them, the API only reads them."""

    id: str
    identifier: str
    display_name: str
    created_at: int
    updated_at: int
    website_turned_on: bool = True


@dataclass(slots=True)
class Collection:
    """A help center collection; a `parent_id` nests it under another collection."""

    id: str
    name: str
    created_at: int
    updated_at: int
    help_center_id: int
    description: str | None = None
    parent_id: str | None = None
    translated_content: dict[str, Any] | None = None
    order: int = 1


@dataclass(slots=True)
class Article:
    """A help center article; `parent_id` names its collection (or section)."""

    id: str
    title: str
    author_id: int
    created_at: int
    updated_at: int
    description: str | None = None
    body: str | None = None
    state: str = "draft"
    parent_id: str | None = None
    parent_type: str | None = None
    translated_content: dict[str, Any] | None = None
    views: int = 0


@dataclass(slots=True)
class InternalArticle:
    """An article only teammates and Copilot see."""

    id: str
    title: str
    author_id: int
    owner_id: int
    created_at: int
    updated_at: int
    body: str | None = None
    locale: str = "en"
    folder_id: str | None = None


@dataclass(slots=True)
class Newsfeed:
    """Where news items are shown (the Messenger, the web, a mobile app)."""

    id: str
    name: str
    created_at: int
    updated_at: int


@dataclass(slots=True)
class NewsItem:
    """A news item; `live` ones appear in the newsfeeds their assignments name."""

    id: str
    title: str
    sender_id: int
    created_at: int
    updated_at: int
    body: str | None = None
    state: str = "draft"
    deliver_silently: bool = False
    labels: list[str] = field(default_factory=list)
    reactions: list[str | None] = field(default_factory=list)
    newsfeed_assignments: list[dict[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class ContentImportSource:
    """A source of external pages Fin and Copilot learn from."""

    id: str
    url: str
    sync_behavior: str
    created_at: int
    updated_at: int
    status: str = "active"
    last_synced_at: int = 0


@dataclass(slots=True)
class ExternalPage:
    """A page of a content import source, kept by your `external_id`."""

    id: str
    title: str
    html: str
    source_id: int
    external_id: str
    created_at: int
    updated_at: int
    url: str = ""
    locale: str = "en"
    ai_agent_availability: bool = False
    ai_copilot_availability: bool = False
    fin_availability: bool | None = None


@dataclass(slots=True)
class CustomObjectInstance:
    """An instance of a custom object type, kept by your `external_id`."""

    id: str
    type: str
    external_id: str
    created_at: int
    updated_at: int
    external_created_at: int | None = None
    external_updated_at: int | None = None
    custom_attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ExportJob:
    """A data export job: it runs on the workspace clock from `created_at` to `ready_at`."""

    id: str
    kind: str
    created_at: int
    ready_at: int
    since: int
    until: int
    canceled: bool = False
    dataset_id: str | None = None
    attribute_ids: tuple[str, ...] = ()
