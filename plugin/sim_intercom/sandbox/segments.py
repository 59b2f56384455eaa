"""Segments: saved filters of contacts or companies, whose members follow the records."""

from __future__ import annotations

from . import render, search
from .errors import NotFound
from .records import Company, Contact, Segment
from .state import State, get_or_404


class SegmentNotFound(NotFound):
    """An unknown segment id; Intercom answers with the generic not_found."""


class Segments:
    """The workspace's segments; a contact or company is in one while it matches its rule."""

    def __init__(self, state: State) -> None:
        self.state = state

    def all(self) -> list[Segment]:
        return list(self.state.segments.values())

    def get(self, segment_id: str) -> Segment:
        return get_or_404(self.state.segments, segment_id, SegmentNotFound)

    def count(self, segment: Segment) -> int:
        """How many active contacts (or companies) the segment holds now."""
        if segment.model == "company":
            return len(self.companies_in(segment))
        matches = search.compile_query(segment.rule, "contact")
        contacts = self.state.contacts.values()
        return sum(not c.archived and matches(render.contact_for_search(c)) for c in contacts)

    def companies_in(self, segment: Segment) -> list[Company]:
        return [c for c in self.state.companies.values() if self.holds_company(segment, c)]

    def of_contact(self, contact: Contact) -> list[Segment]:
        return [each for each in self.all() if self.holds_contact(each, contact)]

    def of_company(self, company: Company) -> list[Segment]:
        return [each for each in self.all() if self.holds_company(each, company)]

    def holds_contact(self, segment: Segment, contact: Contact) -> bool:
        if segment.model != "contact":
            return False
        matches = search.compile_query(segment.rule, "contact")
        return matches(render.contact_for_search(contact))

    @staticmethod
    def holds_company(segment: Segment, company: Company) -> bool:
        if segment.model != "company":
            return False
        return all(getattr(company, name) == value for name, value in segment.rule.items())
