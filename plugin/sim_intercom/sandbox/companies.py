"""Companies: upserted on your own `company_id`, fetched, found by name, listed by page number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import CompanyNotFound
from .records import Company, Contact
from .state import State, get_or_404

ID_PREFIX = "6762f07a"


@dataclass(frozen=True)
class CompanyFields:
    """A company's writable fields as a request gave them; `given` names those it sent."""

    company_id: str
    given: frozenset[str] = frozenset()
    name: str | None = None
    plan: str | None = None
    size: int | None = None
    website: str | None = None
    industry: str | None = None
    custom_attributes: dict[str, Any] | None = None
    remote_created_at: int | None = None
    monthly_spend: float | None = None


class Companies:
    """Companies, upserted on your own `company_id`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def upsert(self, fields: CompanyFields) -> Company:
        if fields.custom_attributes:
            self.state.check_custom_attributes("company", fields.custom_attributes)
        now = self.state.now()
        existing = self.state.company_by_company_id.get(fields.company_id)
        if existing is None:
            company = Company(
                id=self.state.object_id("company", ID_PREFIX),
                company_id=fields.company_id,
                created_at=now,
                updated_at=now,
            )
            self.state.companies[company.id] = company
            self.state.company_by_company_id[company.company_id] = company.id
        else:
            company = self.state.companies[existing]
            company.updated_at = now
        self._write(company, fields)
        self.state.publish("company.created" if existing is None else "company.updated", company)
        return company

    def get(self, company_id: str) -> Company:
        return get_or_404(self.state.companies, company_id, CompanyNotFound)

    def find(
        self, company_id: str | None, name: str | None, members: set[str] | None = None
    ) -> list[Company]:
        """`GET /companies`: by `company_id` or `name` (404 when none), else every company,
        or those of `members` (the ids a tag or segment holds)."""
        companies = list(self.state.companies.values())
        if company_id is not None:
            companies = [c for c in companies if c.company_id == company_id]
        if name is not None:
            companies = [c for c in companies if (c.name or "").casefold() == name.casefold()]
        if not companies and (company_id is not None or name is not None):
            raise CompanyNotFound()
        if members is not None:
            companies = [c for c in companies if c.id in members]
        return companies

    def update(self, company: Company, fields: CompanyFields) -> Company:
        """`PUT /companies/{id}`: the given fields; `company_id` cannot change."""
        if fields.custom_attributes:
            self.state.check_custom_attributes("company", fields.custom_attributes)
        self._write(company, fields)
        company.updated_at = self.state.now()
        return company

    def delete(self, company_id: str) -> Company:
        """Delete a company; its contacts stay, detached from it."""
        company = self.get(company_id)
        del self.state.companies[company.id]
        self.state.company_by_company_id.pop(company.company_id, None)
        for contact_id in company.contact_ids:
            contact = self.state.contacts.get(contact_id)
            if contact is not None and contact.company_ids:
                contact.company_ids = [c for c in contact.company_ids if c != company.id] or None
        return company

    def contacts_of(self, company: Company) -> list[Contact]:
        """The company's contacts, in the order they were created."""
        contacts = self.state.contacts
        return [contacts[each] for each in sorted(company.contact_ids) if each in contacts]

    def everything(self) -> list[Company]:
        """Every company, contacts or not, oldest first: what a scroll walks through."""
        return list(self.state.companies.values())

    def list(self, descending: bool) -> list[Company]:
        """`POST /companies/list`: companies with at least one contact, oldest first unless
        `descending`."""
        companies = [c for c in self.state.companies.values() if c.contact_ids]
        return companies[::-1] if descending else companies

    def _write(self, company: Company, fields: CompanyFields) -> None:
        for name in fields.given - {"company_id"}:
            value = getattr(fields, name)
            if name == "custom_attributes":
                company.custom_attributes.update(value or {})
            elif name == "plan":
                company.plan = value or None
            elif name == "monthly_spend":
                company.monthly_spend = int(value or 0)
            else:
                setattr(company, name, value)
