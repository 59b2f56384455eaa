"""Contacts and companies: create, update, fetch, list, search, delete, attach."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import (
    Conflict,
    ParameterInvalid,
    ParameterNotFound,
    company_not_found,
)
from .fields import check_body, check_value, query_int, require_choice
from .models import Company, Contact
from .paging import cursor_pages, decode_cursor, offset_page, resume_position
from .search import InvalidQuery, compile_query, sort_records
from .state import WORKSPACE_ID, State

CONTACT_BODY = {
    "role": "string",
    "external_id": "string?",
    "email": "string?",
    "phone": "string?",
    "name": "string?",
    "avatar": "string?",
    "signed_up_at": "timestamp?",
    "last_seen_at": "timestamp?",
    "owner_id": "integer?",
    "unsubscribed_from_emails": "boolean?",
    "custom_attributes": "object?",
}
COMPANY_BODY = {
    "company_id": "string",
    "name": "string?",
    "plan": "string?",
    "size": "integer?",
    "website": "string?",
    "industry": "string?",
    "custom_attributes": "object?",
    "remote_created_at": "timestamp?",
    "monthly_spend": "number?",
}
SEARCH_BODY = {"query": "object", "pagination": "object?", "sort": "object?"}
ROLES = ("user", "lead")
MAX_PER_PAGE = 150
MAX_COMPANIES_PER_PAGE = 60
APP_ID = "sandbox-app"


def search_view(contact: Contact) -> dict[str, Any]:
    """The fields contact search reads, without rendering the whole contact."""
    country, region, city, *_ = contact.location or (None, None, None)
    return {
        "type": "contact",
        "id": contact.id,
        "role": contact.role,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "external_id": contact.external_id,
        "owner_id": contact.owner_id,
        "avatar": contact.avatar,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "signed_up_at": contact.signed_up_at,
        "last_seen_at": contact.last_seen_at,
        "last_replied_at": contact.last_replied_at,
        "last_contacted_at": contact.last_contacted_at,
        "unsubscribed_from_emails": contact.unsubscribed_from_emails,
        "marked_email_as_spam": False,
        "has_hard_bounced": False,
        "location": {"country": country, "region": region, "city": city},
        "custom_attributes": contact.custom_attributes or {},
        "tags": {"data": [{"id": each} for each in contact.tag_ids or ()]},
        "companies": {"data": [{"id": each} for each in contact.company_ids or ()]},
    }


def search_page(
    records: list[dict[str, Any]], body: Mapping[str, Any], model: str
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """Filter, sort and page search records: (page, total, pages) as Intercom's search."""
    body = check_body(body, SEARCH_BODY, required=("query",))
    try:
        predicate = compile_query(body["query"], model)
        found = [record for record in records if predicate(record)]
        sort = body.get("sort") or {}
        field = check_value("sort.field", sort.get("field"), "string?")
        found = sort_records(found, field, sort.get("order"))
    except InvalidQuery as invalid:
        raise ParameterInvalid(str(invalid), code="query_invalid", field=invalid.field) from None
    pagination = body.get("pagination") or {}
    per_page = query_int("per_page", pagination.get("per_page"), 50, maximum=MAX_PER_PAGE)
    cursor = decode_cursor(pagination.get("starting_after"), "starting_after")
    chunk, following = offset_page(found, per_page, cursor)
    return list(chunk), len(found), cursor_pages(per_page, cursor.page, len(found), following)


class Contacts:
    """Users and leads, unique on email (among users) and external_id."""

    def __init__(self, state: State) -> None:
        self.state = state

    def render(self, contact: Contact) -> dict[str, Any]:
        return contact.to_dict(WORKSPACE_ID)

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = self._checked(body)
        if not any(fields.get(name) is not None for name in ("email", "external_id", "role")):
            raise ParameterInvalid("Either email, external_id or role is required", field="email")
        now = self.state.now()
        contact = Contact(
            id=self.state.object_id("contact", "6762f0dd"),
            role=fields.pop("role", None) or "user",
            created_at=now,
            updated_at=now,
        )
        self._check_unique(contact, fields)
        self._write(contact, fields)
        self.state.contacts[contact.id] = contact
        return self.render(contact)

    def get(self, contact_id: str) -> dict[str, Any]:
        return self.render(self.state.contact(contact_id))

    def update(self, contact_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        contact = self.state.contact(contact_id)
        fields = self._checked(body)
        self._check_unique(contact, fields)
        self._unindex(contact)
        self._write(contact, fields)
        contact.updated_at = self.state.now()
        return self.render(contact)

    def delete(self, contact_id: str) -> dict[str, Any]:
        contact = self.state.contact(contact_id)
        self._unindex(contact)
        del self.state.contacts[contact_id]
        for company_id in contact.company_ids or ():
            company = self.state.companies.get(company_id)
            if company is not None:
                company.contact_ids.discard(contact_id)
        return {**contact.reference(), "deleted": True}

    def list(self, query: Mapping[str, str]) -> dict[str, Any]:
        per_page = query_int("per_page", query.get("per_page"), 50, maximum=MAX_PER_PAGE)
        cursor = decode_cursor(query.get("starting_after"))
        contacts = list(self.state.contacts.values())
        cursor = resume_position(contacts, cursor, _id_of)
        chunk, following = offset_page(contacts, per_page, cursor, _id_of)
        return {
            "type": "list",
            "data": [self.render(each) for each in chunk],
            "total_count": len(contacts),
            "pages": cursor_pages(per_page, cursor.page, len(contacts), following),
        }

    def search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        views = [search_view(each) for each in self.state.contacts.values()]
        chunk, total, pages = search_page(views, body, "contact")
        contacts = self.state.contacts
        return {
            "type": "list",
            "data": [self.render(contacts[view["id"]]) for view in chunk],
            "total_count": total,
            "pages": pages,
        }

    def attach_company(self, contact_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        contact = self.state.contact(contact_id)
        company_id = body.get("id")
        if company_id is None or company_id == "":
            raise ParameterNotFound("company not specified", field="id")
        company = self.state.companies.get(str(company_id))
        if company is None:
            raise company_not_found()
        if company.id not in (contact.company_ids or ()):
            contact.company_ids = [*(contact.company_ids or ()), company.id]
        company.contact_ids.add(contact.id)
        return company.to_dict(APP_ID)

    def _checked(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = check_body(body, CONTACT_BODY)
        if "role" in fields:
            require_choice("role", fields["role"], ROLES)
        email = fields.get("email")
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            raise ParameterInvalid(f"email {email!r} is not an email address", field="email")
        owner = fields.get("owner_id")
        if owner is not None and str(owner) not in self.state.admins:
            raise ParameterInvalid(f"owner_id {owner} is not an admin", field="owner_id")
        if fields.get("custom_attributes"):
            self.state.check_custom_attributes("contact", fields["custom_attributes"])
        return fields

    def _check_unique(self, contact: Contact, fields: Mapping[str, Any]) -> None:
        role = fields.get("role") or contact.role
        email = fields.get("email", contact.email)
        external_id = fields.get("external_id", contact.external_id)
        others = []
        if email and role == "user":
            others.append(self.state.contact_by_email.get(email.casefold()))
        if external_id:
            others.append(self.state.contact_by_external_id.get(external_id))
        for other in others:
            if other is not None and other != contact.id:
                raise Conflict(f"A contact matching those details already exists with id={other}")

    def _write(self, contact: Contact, fields: Mapping[str, Any]) -> None:
        for name, value in fields.items():
            if name == "custom_attributes":
                merged = {**(contact.custom_attributes or {}), **(value or {})}
                contact.custom_attributes = merged or None
            elif name == "unsubscribed_from_emails" and value is None:
                continue
            else:
                setattr(contact, name, value)
        if contact.email and contact.role == "user":
            self.state.contact_by_email[contact.email.casefold()] = contact.id
        if contact.external_id:
            self.state.contact_by_external_id[contact.external_id] = contact.id

    def _unindex(self, contact: Contact) -> None:
        if (
            contact.email
            and self.state.contact_by_email.get(contact.email.casefold()) == contact.id
        ):
            del self.state.contact_by_email[contact.email.casefold()]
        if contact.external_id:
            self.state.contact_by_external_id.pop(contact.external_id, None)


def _id_of(record: Contact | Company) -> str:
    return record.id


class Companies:
    """Companies, upserted on your own `company_id`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def upsert(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = check_body(body, COMPANY_BODY)
        if not fields.get("company_id"):
            raise ParameterNotFound("company_id not specified", field="company_id")
        if fields.get("custom_attributes"):
            self.state.check_custom_attributes("company", fields["custom_attributes"])
        now = self.state.now()
        existing = self.state.company_by_company_id.get(fields["company_id"])
        if existing is None:
            company = Company(
                id=self.state.object_id("company", "6762f07a"),
                company_id=fields["company_id"],
                created_at=now,
                updated_at=now,
            )
            self.state.companies[company.id] = company
            self.state.company_by_company_id[company.company_id] = company.id
        else:
            company = self.state.companies[existing]
            company.updated_at = now
        self._write(company, fields)
        return company.to_dict(APP_ID)

    def get(self, company_id: str) -> dict[str, Any]:
        company = self.state.companies.get(company_id)
        if company is None:
            raise company_not_found()
        return company.to_dict(APP_ID)

    def find(self, query: Mapping[str, str]) -> dict[str, Any]:
        """`GET /companies`: by `company_id` or `name` (404 when none), else every company."""
        companies = list(self.state.companies.values())
        if query.get("company_id") is not None:
            companies = [c for c in companies if c.company_id == query["company_id"]]
        if query.get("name") is not None:
            name = query["name"].casefold()
            companies = [c for c in companies if (c.name or "").casefold() == name]
        if not companies and ("company_id" in query or "name" in query):
            raise company_not_found()
        return self._page(companies, query, default_per_page=15)

    def list(self, query: Mapping[str, str]) -> dict[str, Any]:
        """`POST /companies/list`: companies with at least one contact, by page number."""
        companies = [c for c in self.state.companies.values() if c.contact_ids]
        require_choice("order", query.get("order", "desc"), ("asc", "desc"))
        if query.get("order", "desc") == "desc":
            companies.reverse()
        return self._page(companies, query, default_per_page=15)

    def _page(
        self, companies: list[Company], query: Mapping[str, str], default_per_page: int
    ) -> dict[str, Any]:
        per_page = query_int(
            "per_page", query.get("per_page"), default_per_page, maximum=MAX_COMPANIES_PER_PAGE
        )
        page = query_int("page", query.get("page"), 1)
        start = (page - 1) * per_page
        total_pages = -(-len(companies) // per_page)
        return {
            "type": "list",
            "data": [each.to_dict(APP_ID) for each in companies[start : start + per_page]],
            "pages": {
                "type": "pages",
                "page": page,
                "per_page": per_page,
                "total_pages": total_pages,
            },
            "total_count": len(companies),
        }

    def _write(self, company: Company, fields: Mapping[str, Any]) -> None:
        for name, value in fields.items():
            if name == "custom_attributes":
                company.custom_attributes.update(value or {})
            elif name == "plan":
                company.plan = (f"plan_{value.casefold()}", value) if value else None
            elif name == "monthly_spend":
                company.monthly_spend = int(value or 0)
            elif name != "company_id":
                setattr(company, name, value)
