"""What a new sandbox workspace holds: a small believable team and customers, or many contacts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .companies import CompanyFields
from .contacts import ContactFields, ContactRef, Contacts
from .conversations import Conversations
from .records import (
    ActivityLog,
    Admin,
    AwayStatusReason,
    Call,
    Contact,
    DataAttribute,
    FinConversation,
    Part,
    Segment,
    Source,
    SubscriptionType,
    Team,
    TicketState,
    TicketType,
    TicketTypeAttribute,
    admin_author,
    contact_author,
)
from .state import State
from .tickets import NewTicket

if TYPE_CHECKING:
    from .workspace import Workspace

DAY = 86_400
MAX_GENERATED_CONTACTS = 1_000_000
"""The most contacts a workspace generates: a million take 800 MB and 15 to 40 seconds."""
PROGRESS_STEP = 50_000  # generated contacts between two calls of a seeding's progress
ADMINS = (
    Admin("991267801", "Ines Ortega", "ines@sandbox.example", "Support lead", team_ids=[814865]),
    Admin("991267802", "Sam Patel", "sam@sandbox.example", "Support engineer", team_ids=[814865]),
    Admin(
        "991267803", "Operator", "operator@sandbox.example", "Bot", has_inbox_seat=False, bot=True
    ),
)
CUSTOM_ATTRIBUTES = (
    ("contact", "plan_tier", "string", "Plan tier"),
    ("contact", "seats", "integer", "Seats"),
    ("contact", "beta_tester", "boolean", "Beta tester"),
    ("contact", "renewal_date", "date", "Renewal date"),
    ("company", "account_tier", "string", "Account tier"),
    ("company", "churn_risk", "float", "Churn risk"),
)
STANDARD_ATTRIBUTES = (
    ("contact", "name", "string", "Name"),
    ("contact", "email", "string", "Email"),
    ("contact", "phone", "string", "Phone"),
    ("contact", "signed_up_at", "date", "Signed up"),
    ("company", "name", "string", "Company name"),
    ("company", "monthly_spend", "float", "Monthly spend"),
)
FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia")
LAST_NAMES = ("Hopper", "Turing", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Ritchie")
PLAN_TIERS = ("free", "pro", "enterprise")
TEAMS = (Team("814865", "Support", [int(ADMINS[0].id), int(ADMINS[1].id)]),)
TAGS = ("VIP", "Churn risk")
NOTE = "<p>Key account: renews in March.</p>"


BUG_REPORT = TicketType(
    id="1",
    name="Bug report",
    description="Something in the product does not work as it should",
    icon="🐞",
    category="Customer",
    created_at=1_700_000_000,
    attributes=(
        TicketTypeAttribute("1", "_default_title_", "string", 1, required=True),
        TicketTypeAttribute("2", "_default_description_", "string", 2, required=False),
        TicketTypeAttribute("3", "severity", "string", 3, required=False),
    ),
    states=(
        TicketState("1", "submitted", "Submitted"),
        TicketState("2", "in_progress", "In progress"),
        TicketState("3", "resolved", "Resolved"),
    ),
)


def seed_settings(state: State) -> None:
    """Admins (the first owns the token) and their team, a ticket type, the data attributes."""
    state.admins = {admin.id: replace(admin, team_ids=list(admin.team_ids)) for admin in ADMINS}
    state.me_id = ADMINS[0].id
    state.teams = {team.id: Team(team.id, team.name, list(team.admin_ids)) for team in TEAMS}
    state.ticket_types = {BUG_REPORT.id: BUG_REPORT}
    specs = [(spec, False) for spec in STANDARD_ATTRIBUTES]
    specs += [(spec, True) for spec in CUSTOM_ATTRIBUTES]
    state.data_attributes = [
        DataAttribute(number, *spec, custom=custom, admin_id=ADMINS[0].id)
        for number, (spec, custom) in enumerate(specs, 1)
    ]


Member = tuple[str, str, str]  # name, email, role
CUSTOMERS: tuple[tuple[str, str, str, list[Member]], ...] = (
    ("globex", "Globex", "enterprise", [("Hank Scorpio", "hank@globex.example", "user")]),
    (
        "initech",
        "Initech",
        "pro",
        [
            ("Peter Gibbons", "peter@initech.example", "user"),
            ("Milton Waddams", "milton@initech.example", "user"),
        ],
    ),
    ("umbrella", "Umbrella Corp", "free", [("Alice Abernathy", "alice@umbrella.example", "user")]),
    ("hooli", "Hooli", "pro", []),
)
LEADS = (("Dana Visitor", "dana@visitor.example"), (None, None))
THREADS = (
    ("My export to CSV times out", ["It fails after a minute.", "Which browser do you use?"]),
    ("How do I add a teammate?", ["Looking for the invite button."]),
    ("Invoice shows the wrong VAT number", ["Our VAT id changed in March."]),
    ("Feature request: dark mode", ["Please add dark mode!", "Noted, thank you!"]),
)


def seed_customers(workspace: Workspace) -> None:
    """Tags, companies with their contacts (a note on the first), a couple of leads,
    conversations with parts, a ticket."""
    contacts, companies = workspace.contacts, workspace.companies
    for name in TAGS:
        workspace.tags.create_or_rename(name)
    people: list[str] = []
    for company_id, name, tier, members in CUSTOMERS:
        company = companies.upsert(
            CompanyFields(company_id, frozenset({"name", "plan"}), name=name, plan=tier.title())
        )
        for member_name, email, role in members:
            contact = contacts.create(_person(role, member_name, email))
            plan = ContactFields(
                frozenset({"custom_attributes"}), custom_attributes={"plan_tier": tier}
            )
            contacts.update(contact, plan)
            contacts.attach_company(contact, company.id)
            people.append(contact.id)
    workspace.notes.create(workspace.state.contacts[people[0]], NOTE, ADMINS[0].id)
    for lead_name, lead_email in LEADS:
        people.append(contacts.create(_person("lead", lead_name, lead_email)).id)
    state = workspace.state
    for number, (subject, lines) in enumerate(THREADS):
        contact = state.contacts[people[number]]
        _seed_conversation(workspace.conversations, contact, subject, lines, number)
    _seed_ticket(workspace, people[0])


def _person(role: str, name: str | None, email: str | None) -> ContactFields:
    return ContactFields(frozenset({"role", "name", "email"}), role=role, name=name, email=email)


def _seed_ticket(workspace: Workspace, contact_id: str) -> None:
    """Ticket 501: a bug report raised by the first customer."""
    workspace.tickets.create(
        NewTicket(
            ticket_type_id=BUG_REPORT.id,
            contact=ContactRef("id", contact_id),
            attributes={
                "_default_title_": "CSV export times out",
                "_default_description_": "Exports of more than 10,000 rows fail after a minute.",
                "severity": "high",
            },
            created_at=workspace.state.now() - DAY,
        )
    )


def _seed_conversation(
    inbox: Conversations, contact: Contact, subject: str, lines: list[str], number: int
) -> None:
    state = inbox.state
    started = state.now() - (len(THREADS) - number) * DAY
    source = Source(
        type="conversation",
        id=str(state.next_number("source", 3000)),
        delivered_as="customer_initiated",
        subject=subject,
        body=f"<p>{lines[0]}</p>",
        author=contact_author(contact),
    )
    conversation = inbox.open(source, contact.id, started, waiting_since=started, title=subject)
    contact.last_replied_at = started
    for offset, line in enumerate(lines[1:], 1):
        when = started + offset * 3600
        part = _part(state, ADMINS[offset % 2], "comment", f"<p>{line}</p>", when)
        inbox.append_part(conversation, part, when)
    if number == len(THREADS) - 1:
        # Closed with a `close` part, so the statistics record who closed it and when.
        when = started + len(lines) * 3600
        inbox.append_part(conversation, _part(state, ADMINS[0], "close", None, when), when)
        conversation.state = "closed"


def _part(state: State, admin: Admin, part_type: str, body: str | None, when: int) -> Part:
    return Part(
        id=str(state.next_number("part", 1000)),
        part_type=part_type,
        body=body,
        created_at=when,
        author=admin_author(admin),
        state="closed" if part_type == "close" else "open",
    )


def check_generated_count(count: int) -> None:
    """ValueError, stating the limit, for a count of generated contacts out of bounds."""
    if not 0 <= count <= MAX_GENERATED_CONTACTS:
        raise ValueError(f"contacts must be 0 to {MAX_GENERATED_CONTACTS:,}, got {count:,}")


def generate_contacts(
    contacts: Contacts,
    count: int,
    random_seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> None:
    """`count` more contacts, through the same factory as any other, so they are indexed and
    checked alike; `progress(done)` after every `PROGRESS_STEP` of them, and at the end."""
    check_generated_count(count)
    chooser = random.Random(random_seed)
    now = contacts.state.now()
    start = len(contacts.state.contacts)
    given = frozenset({"role", "email", "name", "custom_attributes"})
    for number in range(start, start + count):
        first, last = chooser.choice(FIRST_NAMES), chooser.choice(LAST_NAMES)
        fields = ContactFields(
            given,
            role="lead" if number % 5 == 0 else "user",
            email=f"{first.lower()}.{last.lower()}.{number}@generated.example",
            name=f"{first} {last}",
            custom_attributes={"plan_tier": PLAN_TIERS[number % 3]},
        )
        contacts.create(fields, created_at=now - chooser.randrange(365 * DAY))
        done = number - start + 1
        if progress is not None and (done % PROGRESS_STEP == 0 or done == count):
            progress(done)


# People (issue 18, group A): segments, subscription types, visitors, an external id

SEGMENTS = (
    ("Active users", "user", "contact", {"field": "role", "operator": "=", "value": "user"}),
    ("Leads", "contact", "contact", {"field": "role", "operator": "=", "value": "lead"}),
    (
        "Enterprise customers",
        "user",
        "contact",
        {"field": "custom_attributes.plan_tier", "operator": "=", "value": "enterprise"},
    ),
    ("Pro plan companies", "user", "company", {"plan": "Pro"}),
)
SUBSCRIPTION_TYPES = (
    SubscriptionType("101", "Newsletter", "Our monthly newsletter", "opt_out", ("email",)),
    SubscriptionType("102", "Product updates", "What is new in the product", "opt_in", ("email",)),
    SubscriptionType("103", "SMS offers", "Offers by text message", "opt_in", ("sms_message",)),
)
VISITORS = ("Riley Browser", None)
EXTERNAL_IDS = {"peter@initech.example": "initech-peter"}


def seed_people(workspace: Workspace) -> None:
    """Segments over the seeded people, subscription types (the first customer opted into
    product updates), two website visitors, and an external id on a customer."""
    state = workspace.state
    for name, person_type, model, rule in SEGMENTS:
        segment_id = state.object_id("segment", "6762f0f0")
        created = state.now() - 30 * DAY
        state.segments[segment_id] = Segment(segment_id, name, person_type, model, rule, created)
    state.subscription_types = {each.id: each for each in SUBSCRIPTION_TYPES}
    first = next(iter(state.contacts.values()))
    workspace.subscriptions.attach(first, "102", "opt_in")
    for visitor_name in VISITORS:
        workspace.visitors.add(visitor_name, created_at=state.now() - DAY)
    for email, external_id in EXTERNAL_IDS.items():
        contact = workspace.contacts.find(ContactRef("email", email))
        if contact is not None:
            workspace.contacts.update(
                contact, ContactFields(frozenset({"external_id"}), external_id=external_id)
            )


# --- B: support: away status reasons, activity logs, a conversation attribute, calls, a job ---

AWAY_STATUS_REASONS = (
    AwayStatusReason("1", "On a break", "☕", 1),
    AwayStatusReason("2", "In a meeting", "📅", 2),
    AwayStatusReason("3", "On holiday", "🌴", 3),
)
PHONE = "+353871234567"
FIN_CONVERSATION = "fin-7"


def seed_support(workspace: Workspace) -> None:
    """Away status reasons (Sam is away in a meeting), the activity that logged, a second
    participant in conversation 101, two calls (one recorded and transcribed), a finished job
    and a Fin conversation."""
    state = workspace.state
    state.away_status_reasons = {each.id: each for each in AWAY_STATUS_REASONS}
    now = state.now()
    state.activity_logs = [
        ActivityLog("1", ADMINS[0].id, "admin_login_success", "Ines Ortega logged in", now - DAY),
    ]
    state.next_number("activity_log", 2)
    workspace.admins.set_away(state.admins[ADMINS[1].id], True, True, "2")
    _seed_calls(workspace, now)
    # Conversation 101 also has the lead Dana in it, so a participant can leave it.
    lead = next(c for c in state.contacts.values() if c.email == "dana@visitor.example")
    list(state.conversations.values())[1].contact_ids.append(lead.id)
    state.fin_conversations[FIN_CONVERSATION] = _fin_conversation()
    job = workspace.jobs.enqueue_ticket(
        NewTicket(
            ticket_type_id=BUG_REPORT.id,
            contact=ContactRef("email", "milton@initech.example"),
            attributes={"_default_title_": "Stapler missing", "severity": "low"},
        )
    )
    job.ready_at = now
    workspace.jobs.run_due()


def _fin_conversation() -> FinConversation:
    """Fin answered a question about exports, and the user said it helped."""
    return FinConversation(
        FIN_CONVERSATION,
        "user-4711",
        [
            ("user", "Why does my export time out?"),
            ("fin", "<p>Large exports run in the background.</p>"),
            ("user", "Thanks, that helped"),
        ],
        status="resolved",
    )


def _seed_calls(workspace: Workspace, now: int) -> None:
    """Call 1: Hank rang about conversation 100, answered by Ines; call 2: a missed call."""
    state = workspace.state
    first = next(iter(state.conversations.values()))
    contact_id = first.contact_ids[0]
    started = now - 2 * 3600
    calls = (
        Call(
            id="1",
            conversation_id=first.id,
            admin_id=ADMINS[0].id,
            contact_id=contact_id,
            phone=PHONE,
            direction="inbound",
            call_type="phone",
            initiated_at=started,
            answered_at=started + 10,
            ended_at=started + 250,
            ended_reason="customer_hung_up",
            recording="https://recordings.sandbox.example/calls/1.mp3",
            transcript=(
                ("Hank Scorpio", "My CSV export keeps timing out."),
                ("Ines Ortega", "Exports over ten thousand rows now run in the background."),
                ("Hank Scorpio", "Great, thanks!"),
            ),
        ),
        Call(
            id="2",
            conversation_id=first.id,
            admin_id=None,
            contact_id=contact_id,
            phone=PHONE,
            direction="inbound",
            call_type="phone",
            initiated_at=started + 3600,
            answered_at=None,
            ended_at=started + 3630,
            ended_reason="no_answer",
            recording=None,
        ),
    )
    state.calls = {each.id: each for each in calls}


# Content: the help center's collections and articles


COLLECTIONS = (
    ("Getting started", "Set up your workspace and invite your team."),
    ("Billing", "Plans, invoices and VAT."),
)
ARTICLES = (
    (0, "How to invite a teammate", "<p>Open Settings, then Teammates, and click Invite.</p>"),
    (0, "Export your data to CSV", "<p>Open Reports and choose Export to CSV.</p>"),
    (1, "Update your VAT number", "<p>Open Billing and edit the VAT number field.</p>"),
)


def seed_content(workspace: Workspace) -> None:
    """Collections of the help center with published articles, and a draft."""
    author = int(ADMINS[0].id)
    collections = [
        workspace.collections.create({"name": name, "description": description})
        for name, description in COLLECTIONS
    ]
    for index, title, body in ARTICLES:
        fields = {"title": title, "body": body, "author_id": author, "state": "published"}
        workspace.articles.create({**fields, "parent_id": collections[index].id})
    workspace.articles.create({"title": "Dark mode", "author_id": author, "body": "<p>Soon.</p>"})
    _seed_more_content(workspace, author)


NEWSFEEDS = ("Messenger", "Web", "Mobile")
NEWS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("Dark mode is here", "<p>Switch it on in Settings.</p>", "live", ["Feature"]),
    ("New: CSV export", "<p>Export any report to CSV.</p>", "live", ["Feature", "Reports"]),
    ("Scheduled maintenance", "<p>Saturday 02:00 to 03:00 UTC.</p>", "draft", []),
)
INTERNAL_ARTICLES = (
    ("Refund policy", "<p>Refund within 30 days, no questions asked.</p>", "5"),
    ("Escalating a bug", "<p>File a Bug report ticket and tag the engineer on call.</p>", "5"),
    ("VAT questions", "<p>Send VAT questions to finance@sandbox.example.</p>", "6"),
)
PAGES = (
    ("status-1", "Status page", "https://status.sandbox.example/", "<p>All systems go.</p>"),
    ("pricing-1", "Pricing", "https://sandbox.example/pricing", "<p>Free, Pro, Enterprise.</p>"),
)
ORDERS = (("ORDER-1001", "49.00", "shipped"), ("ORDER-1002", "129.50", "pending"))


def _seed_more_content(workspace: Workspace, author: int) -> None:
    """Internal articles in two folders, newsfeeds with live news, a content import source
    with external pages, and `Order` custom objects."""
    for title, body, folder in INTERNAL_ARTICLES:
        article = workspace.internal_articles.create(
            {"title": title, "body": body, "author_id": author, "owner_id": author}
        )
        article.folder_id = folder
    feeds = [workspace.newsfeeds.create({"name": name}) for name in NEWSFEEDS]
    for title, body, state, labels in NEWS:
        assignments = [{"newsfeed_id": int(feeds[0].id)}, {"newsfeed_id": int(feeds[1].id)}]
        fields = {"title": title, "body": body, "sender_id": author, "state": state}
        workspace.news_items.create(
            {**fields, "labels": labels, "newsfeed_assignments": assignments}
        )
    source = workspace.content_import_sources.create(
        {"url": "https://sandbox.example", "sync_behavior": "api"}
    )
    for external_id, title, url, html in PAGES:
        workspace.external_pages.create(
            {
                "title": title,
                "html": html,
                "url": url,
                "locale": "en",
                "source_id": int(source.id),
                "external_id": external_id,
                "ai_agent_availability": True,
                "ai_copilot_availability": True,
            }
        )
    workspace.custom_objects.define("Order")
    for number, total, status in ORDERS:
        attributes = {"order_number": number, "total": total, "status": status}
        workspace.custom_objects.upsert(
            "Order", {"external_id": number, "custom_attributes": attributes}
        )
    _seed_exports(workspace)


def _seed_exports(workspace: Workspace) -> None:
    """A content export and a reporting export that finished a day ago, ready to download."""
    exports = workspace.exports
    finished = [
        exports.start("content", 0, workspace.state.now()),
        exports.start("reporting", 0, workspace.state.now(), "conversation", ["conversation_id"]),
    ]
    for job in finished:
        job.created_at -= DAY
        job.ready_at -= DAY
