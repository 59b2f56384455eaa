"""Notes admins write about contacts, and the data events a workspace records for them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from .contacts import ContactRef, Contacts
from .errors import ContactNotFound, NotFound
from .paging import Cursor, Page, cursor_page
from .records import Contact, DataEvent, EventSummary, Note
from .state import State, get_or_404

HTML_TAG = re.compile(r"<[A-Za-z/][^>]*>")


class NoteNotFound(NotFound):
    """An unknown note id, or an unknown admin writing one (Intercom's generic not_found)."""


@dataclass(frozen=True)
class NewEvent:
    """A data event as `POST /events` gave it: its name, time, and the contact it names."""

    event_name: str
    created_at: int
    contact: ContactRef
    metadata: dict[str, Any] = field(default_factory=dict)


class Notes:
    """Notes on contacts, newest first; each shows in its contact's `notes` summary."""

    def __init__(self, state: State) -> None:
        self.state = state

    def create(self, contact: Contact, body: str, admin_id: str | None) -> Note:
        author = get_or_404(self.state.admins, admin_id or self.state.me_id, NoteNotFound)
        note = Note(
            id=str(self.state.next_number("note", 1)),
            contact_id=contact.id,
            author=author,
            body=body if HTML_TAG.search(body) else f"<p>{html.escape(body, quote=False)}</p>",
            created_at=self.state.now(),
        )
        self.state.notes[note.id] = note
        contact.note_ids = [note.id, *(contact.note_ids or ())]
        return note

    def get(self, note_id: str) -> Note:
        return get_or_404(self.state.notes, note_id, NoteNotFound)

    def of_contact(self, contact: Contact, per_page: int, cursor: Cursor) -> Page[Note]:
        notes = [self.state.notes[each] for each in contact.note_ids or ()]
        return cursor_page(notes, per_page, cursor)


class Events:
    """Data events, kept per contact; the same event (name and time) sent twice is kept once."""

    def __init__(self, state: State, contacts: Contacts) -> None:
        self.state = state
        self.contacts = contacts

    def submit(self, new: NewEvent) -> DataEvent:
        contact = self.contacts.find(new.contact)
        if contact is None:
            raise ContactNotFound()
        recorded = self.state.events.setdefault(contact.id, [])
        for event in recorded:
            if (event.event_name, event.created_at) == (new.event_name, new.created_at):
                return event
        event = DataEvent(new.event_name, new.created_at, contact.id, dict(new.metadata))
        recorded.append(event)
        self.state.publish("event.created", event)
        return event

    def add_summary(self, ref: ContactRef, summary: EventSummary) -> None:
        """Record that an event happened `count` times between `first` and `last` (events
        counted elsewhere, as `POST /events/summaries` reports them); sent again, the same
        name's summary is replaced."""
        contact = self.contacts.find(ref)
        if contact is None:
            raise ContactNotFound()
        counted = self.state.event_summaries.setdefault(contact.id, {})
        counted[summary.name] = (summary.count, summary.first, summary.last)

    def summaries(self, ref: ContactRef) -> tuple[Contact, list[EventSummary]]:
        """Per event name: how often, and when first and last, from the events recorded
        and the summaries sent."""
        contact, events = self.of_contact(ref)
        totals = dict(self.state.event_summaries.get(contact.id, {}))
        for each in events:
            count, first, last = totals.get(each.event_name, (0, each.created_at, each.created_at))
            totals[each.event_name] = (
                count + 1,
                min(first, each.created_at),
                max(last, each.created_at),
            )
        return contact, [EventSummary(name, *counted) for name, counted in totals.items()]

    def of_contact(self, ref: ContactRef) -> tuple[Contact, list[DataEvent]]:
        """The contact `ref` names and its events, newest first."""
        contact = self.contacts.find(ref)
        if contact is None:
            raise ContactNotFound()
        events = self.state.events.get(contact.id, [])
        return contact, sorted(events, key=lambda each: each.created_at, reverse=True)
