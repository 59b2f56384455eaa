"""The workspace's records, kept compact, each rendered by `to_dict()` in Intercom 2.14's shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NESTED_LIMIT = 10
_DEVICE_FIELDS = [
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
]
_UTM_FIELDS = ["utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term", "referrer"]


def nested_list(kind: str, ids: list[str] | None, url: str, path: str) -> dict[str, Any]:
    """A contact's nested list (tags, notes, companies): up to 10 references and a url."""
    ids = ids or []
    data = [{"type": kind, "id": each, "url": f"/{path}/{each}"} for each in ids[:NESTED_LIMIT]]
    return {
        "type": "list",
        "data": data,
        "url": url,
        "total_count": len(ids),
        "has_more": len(ids) > NESTED_LIMIT,
    }


@dataclass(slots=True)
class Admin:
    """A teammate; `bot` marks the Fin-like operator that authors automated parts."""

    id: str
    name: str
    email: str
    job_title: str = ""
    has_inbox_seat: bool = True
    bot: bool = False
    team_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "admin",
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "job_title": self.job_title,
            "away_mode_enabled": False,
            "away_mode_reassign": False,
            "away_status_reason_id": None,
            "has_inbox_seat": self.has_inbox_seat,
            "team_ids": list(self.team_ids),
            "avatar": None,
            "team_priority_level": {},
        }

    def author(self) -> dict[str, Any]:
        """This admin as the author of a conversation or ticket part."""
        return {
            "type": "bot" if self.bot else "admin",
            "id": self.id,
            "name": self.name,
            "email": self.email,
        }


@dataclass(slots=True)
class Contact:
    """A user or lead; optional fields stay None so 100,000 of them fit in modest memory."""

    id: str
    role: str
    created_at: int
    updated_at: int
    email: str | None = None
    external_id: str | None = None
    phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    owner_id: int | None = None
    unsubscribed_from_emails: bool = False
    signed_up_at: int | None = None
    last_seen_at: int | None = None
    last_replied_at: int | None = None
    last_contacted_at: int | None = None
    location: tuple[str | None, ...] | None = None
    custom_attributes: dict[str, Any] | None = None
    tag_ids: list[str] | None = None
    note_ids: list[str] | None = None
    company_ids: list[str] | None = None

    def reference(self) -> dict[str, Any]:
        return {"type": "contact", "id": self.id, "external_id": self.external_id}

    def to_dict(self, workspace_id: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "type": "contact",
            "id": self.id,
            "workspace_id": workspace_id,
            "external_id": self.external_id,
            "role": self.role,
        }
        if self.email is not None:
            record["email"] = self.email
            record["email_domain"] = self.email.rpartition("@")[2]
        record.update(self._profile())
        record.update(dict.fromkeys(_DEVICE_FIELDS))
        record["location"] = self._location()
        record["custom_attributes"] = dict(self.custom_attributes or {})
        record.update(self._lists())
        record.update(dict.fromkeys(_UTM_FIELDS))
        record["enabled_push_messaging"] = None
        return record

    def _profile(self) -> dict[str, Any]:
        avatar = {"type": "avatar", "image_url": self.avatar} if self.avatar else None
        return {
            "phone": self.phone,
            "name": self.name,
            "avatar": avatar,
            "owner_id": self.owner_id,
            "social_profiles": {"type": "list", "data": []},
            "has_hard_bounced": False,
            "marked_email_as_spam": False,
            "unsubscribed_from_emails": self.unsubscribed_from_emails,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "signed_up_at": self.signed_up_at,
            "last_seen_at": self.last_seen_at,
            "last_replied_at": self.last_replied_at,
            "last_contacted_at": self.last_contacted_at,
            "last_email_opened_at": None,
            "last_email_clicked_at": None,
        }

    def _location(self) -> dict[str, Any]:
        country, region, city, country_code, continent_code = self.location or (None,) * 5
        return {
            "type": "location",
            "country": country,
            "region": region,
            "city": city,
            "country_code": country_code,
            "continent_code": continent_code,
        }

    def _lists(self) -> dict[str, Any]:
        base = f"/contacts/{self.id}"
        subscriptions = nested_list("subscription", None, f"{base}/subscriptions", "subscriptions")
        return {
            "tags": nested_list("tag", self.tag_ids, f"{base}/tags", "tags"),
            "notes": nested_list("note", self.note_ids, f"{base}/notes", "notes"),
            "companies": nested_list("company", self.company_ids, f"{base}/companies", "companies"),
            "opted_out_subscription_types": subscriptions,
            "opted_in_subscription_types": dict(subscriptions),
        }


@dataclass(slots=True)
class Company:
    """A company, upserted on its own `company_id`; `contact_ids` make its user_count."""

    id: str
    company_id: str
    created_at: int
    updated_at: int
    name: str | None = None
    plan: tuple[str, str] | None = None
    remote_created_at: int | None = None
    size: int | None = None
    website: str | None = None
    industry: str | None = None
    monthly_spend: int = 0
    session_count: int = 0
    last_request_at: int | None = None
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    contact_ids: set[str] = field(default_factory=set)
    tags: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, app_id: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "type": "company",
            "company_id": self.company_id,
            "id": self.id,
            "app_id": app_id,
            "name": self.name if self.name is not None else "",
            "remote_created_at": self.remote_created_at or self.created_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        optional = {
            "last_request_at": self.last_request_at,
            "size": self.size,
            "website": self.website,
            "industry": self.industry,
        }
        record.update({key: value for key, value in optional.items() if value is not None})
        record.update(
            {
                "monthly_spend": self.monthly_spend,
                "session_count": self.session_count,
                "user_count": len(self.contact_ids),
                "tags": {"type": "tag.list", "tags": [dict(tag) for tag in self.tags]},
                "segments": {"type": "segment.list", "segments": []},
                "plan": self._plan(),
                "custom_attributes": dict(self.custom_attributes),
            }
        )
        return record

    def _plan(self) -> dict[str, Any]:
        if self.plan is None:
            return {}
        plan_id, name = self.plan
        return {"type": "plan", "id": plan_id, "name": name}
