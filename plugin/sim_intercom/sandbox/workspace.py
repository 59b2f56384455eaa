"""The sandbox workspace: one state, a backend per resource over it, and how it is seeded."""

from __future__ import annotations

from .admins import Admins
from .ai_content import ContentImportSources, ExternalPages
from .companies import Companies
from .contacts import Contacts
from .conversations import Conversations
from .custom_objects import CustomObjects
from .exports import Exports
from .help_center import Articles, Collections, HelpCenterNotFound
from .internal_articles import InternalArticles
from .ip_allowlist import IpAllowlist
from .messages import Messages
from .news import NewsfeedNotFound, NewsItems
from .notes import Events, Notes
from .records import HelpCenter, Newsfeed
from .rooms import Room
from .seed import generate_contacts, seed_content, seed_customers, seed_settings
from .state import Clock, Listener, State
from .tags import Tags
from .tickets import Tickets

SANDBOX_TOKEN = "sandbox-token"
SEEDS = ("default", "empty")


class Workspace:
    """An in-memory Intercom workspace that knows nothing of HTTP.

    `seed="default"` holds a small team with tags, customers, conversations and a ticket;
    `"empty"` only the admins and their team, a ticket type and data attributes. `contacts=N`
    adds N generated contacts.
    `clock` (Unix seconds, `time.time` by default) is the workspace's time: every timestamp it
    writes and its rate limit windows follow it, so a test can pass a clock it moves.
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
        self.admins = Admins(self.state)
        self.contacts = Contacts(self.state)
        self.companies = Companies(self.state)
        self.conversations = Conversations(self.state, self.contacts)
        self.tickets = Tickets(self.state, self.contacts)
        self.messages = Messages(self.state, self.conversations)
        self.tags = Tags(self.state)
        self.notes = Notes(self.state)
        self.events = Events(self.state, self.contacts)
        self.help_centers = Room(self.state, HelpCenter, HelpCenterNotFound, first=11)
        self.collections = Collections(self.state, self.help_centers)
        self.articles = Articles(self.state, self.collections)
        self.internal_articles = InternalArticles(self.state)
        self.newsfeeds = Room(self.state, Newsfeed, NewsfeedNotFound, first=72)
        self.news_items = NewsItems(self.state, self.newsfeeds)
        self.content_import_sources = ContentImportSources(self.state)
        self.external_pages = ExternalPages(self.state, self.content_import_sources)
        self.custom_objects = CustomObjects(self.state)
        self.exports = Exports(self.state)
        self.ip_allowlist = IpAllowlist()
        seed_settings(self.state)
        self.help_centers.create({"identifier": "sandbox", "display_name": "Sandbox Help"})
        if seed == "default":
            seed_customers(self)
            seed_content(self)
        if contacts:
            generate_contacts(self.contacts, contacts, random_seed)

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(topic, record)` on every change a webhook topic names (a contact
        created, a conversation replied to...), under the workspace's lock, in the thread
        that made the change. The seed's records were made before anyone could listen."""
        with self.lock:
            self.state.listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with self.lock:
            if listener in self.state.listeners:
                self.state.listeners.remove(listener)
