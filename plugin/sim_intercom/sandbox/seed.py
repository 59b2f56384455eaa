"""What a new sandbox workspace holds: a small believable team and customers, or many contacts."""

from __future__ import annotations

import random
from typing import Any

from .inbox import Conversation, Part, TicketType
from .models import Admin, Contact
from .people import Companies, Contacts
from .state import State
from .support import Conversations, Tickets, contact_author

DAY = 86_400
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


def _attribute(number: int, spec: tuple[str, str, str, str], custom: bool) -> dict[str, Any]:
    model, name, data_type, label = spec
    return {
        "type": "data_attribute",
        "id": number,
        "model": model,
        "name": name,
        "full_name": f"custom_attributes.{name}" if custom else name,
        "label": label,
        "description": f"{label} of the {model}",
        "data_type": data_type,
        "api_writable": True,
        "messenger_writable": False,
        "ui_writable": True,
        "custom": custom,
        "archived": False,
        "created_at": 1_700_000_000,
        "updated_at": 1_700_000_000,
        "admin_id": ADMINS[0].id,
    }


def _state(name: str, category: str, label: str) -> dict[str, Any]:
    return {
        "type": "ticket_state",
        "id": name,
        "category": category,
        "internal_label": label,
        "external_label": label,
    }


def _ticket_attribute(number: int, name: str, data_type: str, required: bool) -> dict[str, Any]:
    return {
        "type": "ticket_type_attribute",
        "id": str(number),
        "name": name,
        "description": name.strip("_").replace("_", " ").capitalize(),
        "data_type": data_type,
        "input_options": {},
        "order": number,
        "required_to_create": required,
        "required_to_create_for_contacts": required,
        "visible_on_create": True,
        "visible_to_contacts": True,
        "default": name.startswith("_default"),
        "ticket_type_id": 1,
        "archived": False,
        "created_at": 1_700_000_000,
        "updated_at": 1_700_000_000,
    }


BUG_REPORT = TicketType(
    id="1",
    name="Bug report",
    description="Something in the product does not work as it should",
    icon="🐞",
    category="Customer",
    created_at=1_700_000_000,
    attributes=[
        _ticket_attribute(1, "_default_title_", "string", True),
        _ticket_attribute(2, "_default_description_", "string", False),
        _ticket_attribute(3, "severity", "string", False),
    ],
    states=[
        _state("1", "submitted", "Submitted"),
        _state("2", "in_progress", "In progress"),
        _state("3", "resolved", "Resolved"),
    ],
)


def seed_settings(state: State) -> None:
    """Admins (the first owns the token), a ticket type and the data attributes."""
    state.admins = {admin.id: admin for admin in ADMINS}
    state.me_id = ADMINS[0].id
    state.ticket_types = {BUG_REPORT.id: BUG_REPORT}
    specs = [(spec, False) for spec in STANDARD_ATTRIBUTES]
    specs += [(spec, True) for spec in CUSTOM_ATTRIBUTES]
    state.data_attributes = [
        _attribute(number, spec, custom) for number, (spec, custom) in enumerate(specs, 1)
    ]


CUSTOMERS = (
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


def seed_customers(state: State) -> None:
    """Companies with their contacts, a couple of leads, conversations with parts, a ticket."""
    contacts, companies = Contacts(state), Companies(state)
    people: list[str] = []
    for company_id, name, tier, members in CUSTOMERS:
        company = companies.upsert({"company_id": company_id, "name": name, "plan": tier.title()})
        for member_name, email, role in members:
            contact = contacts.create({"role": role, "name": member_name, "email": email})
            contacts.update(contact["id"], {"custom_attributes": {"plan_tier": tier}})
            contacts.attach_company(contact["id"], {"id": company["id"]})
            people.append(contact["id"])
    for lead_name, email in LEADS:
        people.append(contacts.create({"role": "lead", "name": lead_name, "email": email})["id"])
    for number, (subject, lines) in enumerate(THREADS):
        _seed_conversation(state, state.contacts[people[number]], subject, lines, number)
    _seed_ticket(state, people[0])


def _seed_ticket(state: State, contact_id: str) -> None:
    """Ticket 501: a bug report raised by the first customer."""
    Tickets(state).create(
        {
            "ticket_type_id": BUG_REPORT.id,
            "contacts": [{"id": contact_id}],
            "ticket_attributes": {
                "_default_title_": "CSV export times out",
                "_default_description_": "Exports of more than 10,000 rows fail after a minute.",
                "severity": "high",
            },
            "created_at": state.now() - DAY,
        }
    )


def _seed_conversation(
    state: State, contact: Contact, subject: str, lines: list[str], number: int
) -> None:
    started = state.now() - (len(THREADS) - number) * DAY
    conversation = Conversation(
        id=str(state.next_number("conversation", 100)),
        created_at=started,
        updated_at=started,
        source={
            "type": "conversation",
            "id": str(state.next_number("source", 3000)),
            "delivered_as": "customer_initiated",
            "subject": subject,
            "body": f"<p>{lines[0]}</p>",
            "author": contact_author(contact),
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        contact_ids=[contact.id],
        waiting_since=started,
        title=subject,
    )
    state.conversations[conversation.id] = conversation
    contact.last_replied_at = started
    inbox = Conversations(state)
    for offset, line in enumerate(lines[1:], 1):
        admin = ADMINS[offset % 2]
        part = Part(
            id=str(state.next_number("part", 1000)),
            part_type="comment",
            body=f"<p>{line}</p>",
            created_at=started + offset * 3600,
            author=admin.author(),
            state="open",
        )
        inbox.append_part(conversation, part, part.created_at)
    if number == len(THREADS) - 1:
        _close(inbox, conversation, started + len(lines) * 3600)


def _close(inbox: Conversations, conversation: Conversation, when: int) -> None:
    """Close with a `close` part, so the statistics record who closed it and when."""
    closer = ADMINS[0]
    part = Part(
        id=str(inbox.state.next_number("part", 1000)),
        part_type="close",
        body=None,
        created_at=when,
        author=closer.author(),
        state="closed",
    )
    inbox.append_part(conversation, part, when)
    conversation.state = "closed"


def generate_contacts(state: State, count: int, random_seed: int = 7) -> None:
    """`count` more contacts, made directly (no per-contact checks) so 100,000 take seconds."""
    chooser = random.Random(random_seed)
    now = state.now()
    start = len(state.contacts)
    for number in range(start, start + count):
        first, last = chooser.choice(FIRST_NAMES), chooser.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}.{number}@generated.example"
        created = now - chooser.randrange(365 * DAY)
        contact = Contact(
            id=state.object_id("contact", "6762f0dd"),
            role="lead" if number % 5 == 0 else "user",
            created_at=created,
            updated_at=created,
            email=email,
            name=f"{first} {last}",
            custom_attributes={"plan_tier": PLAN_TIERS[number % 3]},
        )
        state.contacts[contact.id] = contact
        if contact.role == "user":
            state.contact_by_email[email] = contact.id
