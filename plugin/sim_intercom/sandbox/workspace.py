"""The sandbox workspace: one state, the resource backends over it, and how it is seeded."""

from __future__ import annotations

from .people import Companies, Contacts
from .seed import generate_contacts, seed_customers, seed_settings
from .state import Clock, State
from .support import Conversations, Messages, Settings, Tickets

SANDBOX_TOKEN = "sandbox-token"
SEEDS = ("default", "empty")


class Workspace:
    """An in-memory Intercom workspace that knows nothing of HTTP.

    `seed="default"` holds a small team with customers, conversations and a ticket; `"empty"` only
    the admins, a ticket type and data attributes. `contacts=N` adds N generated contacts.
    Hold `lock` around each call when several threads share the workspace.
    """

    def __init__(
        self,
        seed: str = "default",
        *,
        contacts: int = 0,
        token: str = SANDBOX_TOKEN,
        clock: Clock | None = None,
        random_seed: int = 7,
    ) -> None:
        if seed not in SEEDS:
            raise ValueError(f"seed must be one of {SEEDS}, got {seed!r}")
        if contacts < 0:
            raise ValueError(f"contacts must be zero or more, got {contacts}")
        self.token = token
        self.state = State(clock)
        self.lock = self.state.lock
        self.contacts = Contacts(self.state)
        self.companies = Companies(self.state)
        self.conversations = Conversations(self.state)
        self.tickets = Tickets(self.state)
        self.messages = Messages(self.state)
        self.settings = Settings(self.state)
        seed_settings(self.state)
        if seed == "default":
            seed_customers(self.state)
        if contacts:
            generate_contacts(self.state, contacts, random_seed)
