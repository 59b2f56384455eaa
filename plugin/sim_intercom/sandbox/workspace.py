"""The sandbox workspace: one state, a backend per resource over it, and how it is seeded."""

from __future__ import annotations

from .admins import Admins
from .ai_content import ContentImportSources, ExternalPages
from .calls import Calls
from .companies import Companies
from .contacts import Contacts
from .conversations import Conversations
from .custom_objects import CustomObjects
from .data_attributes import DataAttributes
from .exports import Exports
from .fin import FinAgent
from .help_center import Articles, Collections, HelpCenterNotFound
from .internal_articles import InternalArticles
from .ip_allowlist import IpAllowlist
from .jobs import Jobs
from .messages import Messages
from .news import NewsfeedNotFound, NewsItems
from .notes import Events, Notes
from .oauth import OAuth, OAuthApp
from .records import HelpCenter, Newsfeed
from .rooms import Room
from .seed import (
    check_generated_count,
    generate_contacts,
    seed_content,
    seed_customers,
    seed_people,
    seed_settings,
    seed_support,
)
from .segments import Segments
from .state import Clock, Listener, State
from .subscriptions import Subscriptions
from .tags import Tags
from .ticket_types import TicketTypes
from .tickets import TicketDesk, Tickets
from .visitors import Visitors

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
    `oauth` is the app its OAuth knows (`oauth.OAuthApp`; made up when not given): tokens
    issued for it work like `token`.
    """

    def __init__(
        self,
        seed: str = "default",
        *,
        contacts: int = 0,
        token: str = SANDBOX_TOKEN,
        clock: Clock | None = None,
        random_seed: int = 7,
        oauth: OAuthApp | None = None,
    ) -> None:
        if seed not in SEEDS:
            raise ValueError(f"seed must be one of {SEEDS}, got {seed!r}")
        check_generated_count(contacts)
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
        self.oauth = OAuth(oauth if oauth is not None else OAuthApp.made_up(), self.state.clock)
        self.segments = Segments(self.state)
        self.subscriptions = Subscriptions(self.state)
        self.visitors = Visitors(self.state, self.contacts)
        self.data_attributes = DataAttributes(self.state)
        self.ticket_types = TicketTypes(self.state)
        self.ticket_desk = TicketDesk(self.state, self.contacts)
        self.jobs = Jobs(self.state, self.tickets)
        self.calls = Calls(self.state)
        self.fin = FinAgent(self.state.fin_conversations)
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
            seed_people(self)
            seed_support(self)
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
