"""Companies: upserted on your own `company_id`, fetched, found by name, listed by page number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import CompanyNotFound
from .records import Company
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

    def find(self, company_id: str | None, name: str | None) -> list[Company]:
        """`GET /companies`: by `company_id` or `name` (404 when none), else every company."""
        companies = list(self.state.companies.values())
        if company_id is not None:
            companies = [c for c in companies if c.company_id == company_id]
        if name is not None:
            companies = [c for c in companies if (c.name or "").casefold() == name.casefold()]
        if not companies and (company_id is not None or name is not None):
            raise CompanyNotFound()
        return companies

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
