"""The paths the sandbox serves: each reads its typed parameters, calls a backend, renders.

Path parameters are named as in Intercom's API description (`/contacts/{contact_id}`). The
resource a path names is looked up before the body is read (it is the first argument), so
an unknown id is a 404 whatever the body holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import params, params_content, render, render_content, render_support
from .contacts import ContactRef
from .paging import Cursor, cursor_page, numbered_page
from .tickets import NewTicket

if TYPE_CHECKING:
    from .rooms import Room
    from .workspace import Workspace

Json = dict[str, Any]
SCROLL_PAGE = 50  # companies a scroll call returns


@dataclass(frozen=True)
class Call:
    """What a route handler gets: named path parameters, the query and the JSON body."""

    path: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Empty:
    """An answer without a body, such as `POST /events`'s 202."""

    status: int


@dataclass(frozen=True)
class Redirect:
    """A 302 answer sending the client on to `location`."""

    location: str


@dataclass(frozen=True)
class Raw:
    """An answer that is not JSON: text (a call transcript), a file (an export, gzipped), or
    a redirect with `Location`."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[["Workspace", Call], "Json | Empty | Raw"]
PublicHandler = Callable[["Workspace", Call], "Json | Redirect"]
H = TypeVar("H", Handler, PublicHandler)


@dataclass(frozen=True)
class Route(Generic[H]):
    """A method on a path template, and the handler that answers it."""

    method: str
    path: str
    handler: H


ROUTES: list[Route[Handler]] = []
# Paths outside Intercom's REST API that take no access token: its OAuth (`oauth.py`).
# A form body is read as a JSON body would be.
PUBLIC_ROUTES: list[Route[PublicHandler]] = []


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    """Register the decorated handler for `method` on `path`."""

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, path, handler))
        return handler

    return register


def public_route(method: str, path: str) -> Callable[[PublicHandler], PublicHandler]:
    """Register the decorated handler for `method` on `path`, answered without a token."""

    def register(handler: PublicHandler) -> PublicHandler:
        PUBLIC_ROUTES.append(Route(method, path, handler))
        return handler

    return register


# Admins and workspace settings


@route("GET", "/me")
def me(w: Workspace, call: Call) -> Json:
    return render.me(w.admins.me())


@route("GET", "/admins")
def list_admins(w: Workspace, call: Call) -> Json:
    return render.admins(w.admins.team())


@route("GET", "/admins/{admin_id}")
def get_admin(w: Workspace, call: Call) -> Json:
    return render.admin(w.admins.get(call.path["admin_id"]))


@route("GET", "/teams")
def list_teams(w: Workspace, call: Call) -> Json:
    return render.teams(w.state.teams.values())


@route("GET", "/ticket_types")
def list_ticket_types(w: Workspace, call: Call) -> Json:
    return render.ticket_types(w.admins.ticket_types())


@route("GET", "/data_attributes")
def list_data_attributes(w: Workspace, call: Call) -> Json:
    return render.data_attributes(w.data_attributes.list(*params.data_attribute_filter(call.query)))


# Contacts


@route("POST", "/contacts")
def create_contact(w: Workspace, call: Call) -> Json:
    return render.contact(w.contacts.create(params.contact_fields(call.body)))


@route("GET", "/contacts")
def list_contacts(w: Workspace, call: Call) -> Json:
    per_page, cursor = params.per_page(call.query, 50), params.cursor(call.query)
    return render.listing(w.contacts.list(per_page, cursor), render.contact)


@route("POST", "/contacts/search")
def search_contacts(w: Workspace, call: Call) -> Json:
    found = w.contacts.search(params.search_request(call.body, "contact"))
    return render.listing(found, render.contact)


@route("GET", "/contacts/{contact_id}")
def get_contact(w: Workspace, call: Call) -> Json:
    return render.contact(w.contacts.get(call.path["contact_id"]))


@route("PUT", "/contacts/{contact_id}")
def update_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.contact(w.contacts.update(contact, params.contact_fields(call.body)))


@route("DELETE", "/contacts/{contact_id}")
def delete_contact(w: Workspace, call: Call) -> Json:
    return render.deleted_contact(w.contacts.delete(call.path["contact_id"]))


@route("POST", "/contacts/{contact_id}/companies")
def attach_company(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.company(w.contacts.attach_company(contact, params.company_to_attach(call.body)))


@route("DELETE", "/contacts/{contact_id}/companies/{company_id}")
def detach_company(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.company(w.contacts.detach_company(contact, call.path["company_id"]))


@route("GET", "/contacts/{contact_id}/tags")
def list_contact_tags(w: Workspace, call: Call) -> Json:
    return render.tag_list(w.tags.of_contact(w.contacts.get(call.path["contact_id"])))


@route("POST", "/contacts/{contact_id}/tags")
def tag_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.applied_tag(w.tags.tag_contact(contact, params.tag_to_apply(call.body)))


@route("DELETE", "/contacts/{contact_id}/tags/{tag_id}")
def untag_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.tag(w.tags.untag_contact(contact, call.path["tag_id"]))


@route("GET", "/contacts/{contact_id}/notes")
def list_notes(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    per_page, cursor = params.per_page(call.query, 50), params.cursor(call.query)
    return render.listing(w.notes.of_contact(contact, per_page, cursor), render.note)


@route("POST", "/contacts/{contact_id}/notes")
def create_note(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.note(w.notes.create(contact, *params.note(call.body)))


@route("GET", "/notes/{note_id}")
def get_note(w: Workspace, call: Call) -> Json:
    return render.note(w.notes.get(call.path["note_id"]))


# Tags and data events


@route("GET", "/tags")
def list_tags(w: Workspace, call: Call) -> Json:
    return render.tag_list(w.tags.all())


@route("POST", "/tags")
def create_tag(w: Workspace, call: Call) -> Json:
    """Create a tag, or rename the one `id` names."""
    return render.tag(w.tags.create_or_rename(*params.tag_fields(call.body)))


@route("GET", "/tags/{tag_id}")
def get_tag(w: Workspace, call: Call) -> Json:
    return render.tag(w.tags.get(call.path["tag_id"]))


@route("POST", "/events")
def submit_event(w: Workspace, call: Call) -> Empty:
    """Accepted with 202 and no body, as Intercom answers."""
    w.events.submit(params.new_event(call.body))
    return Empty(202)


@route("GET", "/events")
def list_events(w: Workspace, call: Call) -> Json:
    ref, summary = params.event_filter(call.query)
    if summary:
        return render.data_event_summary(*w.events.summaries(ref))
    return render.data_events(*w.events.of_contact(ref))


# Companies


@route("POST", "/companies")
def upsert_company(w: Workspace, call: Call) -> Json:
    return render.company(w.companies.upsert(params.company_fields(call.body)))


@route("GET", "/companies")
def find_companies(w: Workspace, call: Call) -> Json:
    """By `company_id` or `name` (404 when none match), else every company; `tag_id` and
    `segment_id` keep the companies carrying that tag (none, here) or in that segment."""
    company_id, name, tag_id, segment_id = params.company_filter(call.query)
    members: set[str] | None = None
    if segment_id is not None:
        members = {each.id for each in w.segments.companies_in(w.segments.get(segment_id))}
    if tag_id is not None:
        w.tags.get(tag_id)
        members = set()
    found = w.companies.find(company_id, name, members)
    return render.company_list(numbered_page(found, *params.company_page(call.query)))


@route("POST", "/companies/list")
def list_companies(w: Workspace, call: Call) -> Json:
    """Companies with contacts; the options are query parameters, even on this POST."""
    listed = w.companies.list(params.descending(call.query))
    return render.company_list(numbered_page(listed, *params.company_page(call.query)))


@route("GET", "/companies/{company_id}")
def get_company(w: Workspace, call: Call) -> Json:
    return render.company(w.companies.get(call.path["company_id"]))


# Conversations


@route("GET", "/conversations")
def list_conversations(w: Workspace, call: Call) -> Json:
    per_page = params.per_page(call.query, 20)
    sort, descending = params.conversation_order(call.query)
    listed = w.conversations.list(per_page, sort, descending, params.cursor(call.query))
    return render.conversation_list(listed, w.state.contacts)


@route("POST", "/conversations/search")
def search_conversations(w: Workspace, call: Call) -> Json:
    found = w.conversations.search(params.search_request(call.body, "conversation"))
    return render.conversation_list(found, w.state.contacts)


@route("POST", "/conversations")
def create_conversation(w: Workspace, call: Call) -> Json:
    """A contact writes in: a `user_message` and the conversation it opens."""
    return render.message(w.messages.from_contact(params.new_conversation(call.body)))


@route("GET", "/conversations/{conversation_id}")
def get_conversation(w: Workspace, call: Call) -> Json:
    as_text = params.as_text(call.query)
    conversation = w.conversations.get(call.path["conversation_id"])
    return render.conversation(conversation, w.state.contacts, as_text=as_text)


@route("POST", "/conversations/{conversation_id}/reply")
def reply(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    replied = w.conversations.reply(conversation, params.reply(call.body))
    return render.conversation(replied, w.state.contacts)


@route("POST", "/conversations/{conversation_id}/parts")
def manage_conversation(w: Workspace, call: Call) -> Json:
    """Close, open, snooze or assign."""
    conversation = w.conversations.get(call.path["conversation_id"])
    managed = w.conversations.manage(conversation, params.conversation_action(call.body))
    return render.conversation(managed, w.state.contacts)


@route("POST", "/conversations/{conversation_id}/tags")
def tag_conversation(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    tag_id, admin_id = params.conversation_tag(call.body)
    return render.applied_tag(w.tags.tag_conversation(conversation, tag_id, admin_id))


# Tickets and messages


@route("POST", "/tickets")
def create_ticket(w: Workspace, call: Call) -> Json:
    return render.ticket(w.tickets.create(params.new_ticket(call.body)), w.state.contacts)


@route("GET", "/tickets/{ticket_id}")
def get_ticket(w: Workspace, call: Call) -> Json:
    return render.ticket(w.tickets.get(call.path["ticket_id"]), w.state.contacts)


@route("PUT", "/tickets/{ticket_id}")
def update_ticket(w: Workspace, call: Call) -> Json:
    ticket = w.tickets.get(call.path["ticket_id"])
    updated = w.tickets.update(ticket, params.ticket_changes(call.body))
    return render.ticket(updated, w.state.contacts)


@route("POST", "/messages")
def create_message(w: Workspace, call: Call) -> Json:
    return render.message(w.messages.create(params.new_message(call.body)))


# OAuth (app.intercom.com/oauth and api.intercom.io/auth/eagle/token, on one host here)


@public_route("GET", "/oauth")
def authorize(w: Workspace, call: Call) -> Redirect:
    """Approve at once: the sandbox has no person to ask."""
    query = call.query
    location = w.oauth.redirect_for(
        query.get("client_id", ""), query.get("redirect_uri"), query.get("state")
    )
    return Redirect(location)


@public_route("POST", "/auth/eagle/token")
def eagle_token(w: Workspace, call: Call) -> Json:
    """The code, client id and secret, from the body or (as some clients send) the query."""
    given = {**call.query, **call.body}
    fields = [str(given.get(name) or "") for name in ("code", "client_id", "client_secret")]
    token = w.oauth.exchange(*fields)
    return {"token_type": "Bearer", "token": token, "access_token": token}


# People (issue 18, group A): contacts' lifecycle, companies, segments, subscriptions,
# visitors, data attributes, event summaries, and tags on conversations and tickets


@route("POST", "/contacts/merge")
def merge_contacts(w: Workspace, call: Call) -> Json:
    """A lead merged into a user: the user, with what the lead had."""
    return render.contact(w.contacts.merge(*params.merge(call.body)))


@route("GET", "/contacts/find_by_external_id/{external_id}")
def find_contact_by_external_id(w: Workspace, call: Call) -> Json:
    return render.contact(w.contacts.by_external_id(call.path["external_id"]))


@route("POST", "/contacts/{contact_id}/archive")
def archive_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.archive(w.contacts.get(call.path["contact_id"]), True)
    return render.contact_state(contact, "archived")


@route("POST", "/contacts/{contact_id}/unarchive")
def unarchive_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.archive(w.contacts.get(call.path["contact_id"]), False)
    return render.contact_state(contact, "archived")


@route("POST", "/contacts/{contact_id}/block")
def block_contact(w: Workspace, call: Call) -> Json:
    contact = w.contacts.block(w.contacts.get(call.path["contact_id"]))
    return render.contact_state(contact, "blocked")


@route("GET", "/contacts/{contact_id}/companies")
def list_contact_companies(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.contact_companies(w.contacts.companies_of(contact))


@route("GET", "/contacts/{contact_id}/segments")
def list_contact_segments(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.segments_of(w.segments.of_contact(contact))


@route("GET", "/contacts/{contact_id}/subscriptions")
def list_contact_subscriptions(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.subscription_types(w.subscriptions.of_contact(contact))


@route("POST", "/contacts/{contact_id}/subscriptions")
def attach_subscription(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    type_id, consent = params.subscription(call.body)
    return render.subscription_type(w.subscriptions.attach(contact, type_id, consent), consent)


@route("DELETE", "/contacts/{contact_id}/subscriptions/{subscription_id}")
def detach_subscription(w: Workspace, call: Call) -> Json:
    contact = w.contacts.get(call.path["contact_id"])
    return render.subscription_type(w.subscriptions.detach(contact, call.path["subscription_id"]))


@route("GET", "/subscription_types")
def list_subscription_types(w: Workspace, call: Call) -> Json:
    return render.subscription_types((each, None) for each in w.subscriptions.types())


@route("PUT", "/companies/{company_id}")
def update_company(w: Workspace, call: Call) -> Json:
    company = w.companies.get(call.path["company_id"])
    return render.company(w.companies.update(company, params.company_changes(call.body)))


@route("DELETE", "/companies/{company_id}")
def delete_company(w: Workspace, call: Call) -> Json:
    return render.deleted_company(w.companies.delete(call.path["company_id"]))


@route("GET", "/companies/{company_id}/contacts")
def list_company_contacts(w: Workspace, call: Call) -> Json:
    company = w.companies.get(call.path["company_id"])
    per_page, cursor = params.per_page(call.query, 50), params.cursor(call.query)
    page = cursor_page(w.companies.contacts_of(company), per_page, cursor)
    return render.listing(page, render.contact)


@route("GET", "/companies/{company_id}/segments")
def list_company_segments(w: Workspace, call: Call) -> Json:
    company = w.companies.get(call.path["company_id"])
    return render.segments_of(w.segments.of_company(company))


@route("GET", "/companies/scroll")
def scroll_companies(w: Workspace, call: Call) -> Json:
    """Every company, a page a call; the next call passes `scroll_param` back. After the
    last page, the data is empty."""
    companies = w.companies.everything()
    page = cursor_page(companies, SCROLL_PAGE, params.scroll_param(call.query))
    following = page.following or Cursor(len(companies), "", page.page + 1)
    return render.company_scroll(page, following.encode())


@route("GET", "/segments")
def list_segments(w: Workspace, call: Call) -> Json:
    counted = params.include_count(call.query)
    segments = w.segments.all()
    return render.segment_list(
        (each, w.segments.count(each) if counted else None) for each in segments
    )


@route("GET", "/segments/{segment_id}")
def get_segment(w: Workspace, call: Call) -> Json:
    segment = w.segments.get(call.path["segment_id"])
    return render.segment(segment, w.segments.count(segment))


@route("PUT", "/visitors")
def update_visitor(w: Workspace, call: Call) -> Json:
    return render.visitor(w.visitors.update(params.visitor_changes(call.body)))


@route("GET", "/visitors")
def get_visitor(w: Workspace, call: Call) -> Json:
    return render.visitor(w.visitors.find(params.visitor_user_id(call.query)))


@route("POST", "/visitors/convert")
def convert_visitor(w: Workspace, call: Call) -> Json:
    return render.contact(w.visitors.convert(params.visitor_conversion(call.body)))


@route("POST", "/data_attributes")
def create_data_attribute(w: Workspace, call: Call) -> Json:
    return render.data_attribute(w.data_attributes.create(params.new_data_attribute(call.body)))


@route("PUT", "/data_attributes/{data_attribute_id}")
def update_data_attribute(w: Workspace, call: Call) -> Json:
    attribute = w.data_attributes.get(call.path["data_attribute_id"])
    changes = params.data_attribute_changes(call.body)
    return render.data_attribute(w.data_attributes.update(attribute, changes))


@route("POST", "/events/summaries")
def summarise_events(w: Workspace, call: Call) -> Empty:
    """Recorded; answered 200 with no body, as the description has it."""
    w.events.add_summary(*params.event_summaries(call.body))
    return Empty(200)


@route("DELETE", "/tags/{tag_id}")
def delete_tag(w: Workspace, call: Call) -> Empty:
    """Deleted and taken off everything; answered 200 with no body."""
    w.tags.delete(call.path["tag_id"])
    return Empty(200)


@route("DELETE", "/conversations/{conversation_id}/tags/{tag_id}")
def untag_conversation(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    admin_id = params.admin_acting(call.body)
    return render.tag(w.tags.untag_conversation(conversation, call.path["tag_id"], admin_id))


@route("POST", "/tickets/{ticket_id}/tags")
def tag_ticket(w: Workspace, call: Call) -> Json:
    ticket = w.tickets.get(call.path["ticket_id"])
    tag_id, admin_id = params.conversation_tag(call.body)
    return render.applied_tag(w.tags.tag_ticket(ticket, tag_id, admin_id))


@route("DELETE", "/tickets/{ticket_id}/tags/{tag_id}")
def untag_ticket(w: Workspace, call: Call) -> Json:
    ticket = w.tickets.get(call.path["ticket_id"])
    admin_id = params.admin_acting(call.body)
    return render.tag(w.tags.untag_ticket(ticket, call.path["tag_id"], admin_id))


# The sandbox's own: fire a webhook topic on demand (sandbox/webhooks.py)


@route("POST", "/sandbox/webhooks/fire")
def fire_webhook(w: Workspace, call: Call) -> Json:
    from .webhooks import fire

    return fire(w, call.body.get("topic"), call.body.get("item"))


# --- B: support: conversations, tickets, ticket types and states, jobs, admins, teams,
# calls, phone-call redirects and Fin ---


@route("PUT", "/conversations/{conversation_id}")
def update_conversation(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    as_text = params.as_text(call.query)
    updated = w.conversations.update(conversation, params.conversation_changes(call.body))
    return render.conversation(updated, w.state.contacts, as_text=as_text)


@route("DELETE", "/conversations/{conversation_id}")
def delete_conversation(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.delete(call.path["conversation_id"])
    return render_support.deleted("conversation", conversation.id)


@route("POST", "/conversations/{conversation_id}/customers")
def attach_customer(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    w.conversations.add_participant(conversation, *params.participant(call.body))
    return render.conversation(conversation, w.state.contacts)


@route("DELETE", "/conversations/{conversation_id}/customers/{contact_id}")
def detach_customer(w: Workspace, call: Call) -> Json:
    conversation = w.conversations.get(call.path["conversation_id"])
    admin_id = params.admin_only(call.body)
    w.conversations.remove_participant(conversation, admin_id, call.path["contact_id"])
    return render.conversation(conversation, w.state.contacts)


@route("POST", "/conversations/redact")
def redact(w: Workspace, call: Call) -> Json:
    conversation_id, part_id, source_id = params.redaction(call.body)
    conversation = w.conversations.get(conversation_id)
    w.conversations.redact(conversation, part_id, source_id)
    return render.conversation(conversation, w.state.contacts)


@route("POST", "/conversations/{conversation_id}/convert")
def convert_to_ticket(w: Workspace, call: Call) -> Json:
    """The conversation's first contact gets a ticket of the type; the conversation stays."""
    conversation = w.conversations.get(call.path["conversation_id"])
    type_id, attributes = params.ticket_conversion(call.body)
    contact = ContactRef("id", conversation.contact_ids[0])
    ticket = w.tickets.create(NewTicket(type_id, contact, attributes))
    return render.ticket(ticket, w.state.contacts)


@route("POST", "/tickets/{ticket_id}/reply")
def reply_ticket(w: Workspace, call: Call) -> Json:
    ticket = w.tickets.get(call.path["ticket_id"])
    return render.ticket_part(w.ticket_desk.reply(ticket, params.ticket_reply(call.body)))


@route("POST", "/tickets/enqueue")
def enqueue_ticket(w: Workspace, call: Call) -> Json:
    return render_support.job(w.jobs.enqueue_ticket(params.new_ticket(call.body)))


@route("GET", "/jobs/status/{job_id}")
def job_status(w: Workspace, call: Call) -> Json:
    return render_support.job(w.jobs.get(call.path["job_id"]))


@route("DELETE", "/tickets/{ticket_id}")
def delete_ticket(w: Workspace, call: Call) -> Json:
    w.jobs.run_due()
    return render_support.deleted("ticket", w.ticket_desk.delete(call.path["ticket_id"]).id)


@route("POST", "/tickets/search")
def search_tickets(w: Workspace, call: Call) -> Json:
    w.jobs.run_due()
    found = w.ticket_desk.search(params.search_request(call.body, "ticket"))
    return render.listing(
        found, lambda t: render.ticket(t, w.state.contacts), "ticket.list", "tickets"
    )


@route("POST", "/ticket_types")
def create_ticket_type(w: Workspace, call: Call) -> Json:
    fields = params.ticket_type_fields(call.body, creating=True)
    return render.ticket_type(w.ticket_types.create(fields))


@route("GET", "/ticket_types/{ticket_type_id}")
def get_ticket_type(w: Workspace, call: Call) -> Json:
    return render.ticket_type(w.ticket_types.get(call.path["ticket_type_id"]))


@route("PUT", "/ticket_types/{ticket_type_id}")
def update_ticket_type(w: Workspace, call: Call) -> Json:
    ticket_type = w.ticket_types.get(call.path["ticket_type_id"])
    fields = params.ticket_type_fields(call.body, creating=False)
    return render.ticket_type(w.ticket_types.update(ticket_type, fields))


@route("POST", "/ticket_types/{ticket_type_id}/attributes")
def create_ticket_type_attribute(w: Workspace, call: Call) -> Json:
    ticket_type = w.ticket_types.get(call.path["ticket_type_id"])
    fields = params.attribute_fields(call.body, creating=True)
    attribute = w.ticket_types.add_attribute(ticket_type, fields)
    return render.ticket_type_attribute(attribute, ticket_type.id)


@route("PUT", "/ticket_types/{ticket_type_id}/attributes/{attribute_id}")
def update_ticket_type_attribute(w: Workspace, call: Call) -> Json:
    ticket_type = w.ticket_types.get(call.path["ticket_type_id"])
    fields = params.attribute_fields(call.body, creating=False)
    attribute = w.ticket_types.update_attribute(ticket_type, call.path["attribute_id"], fields)
    return render.ticket_type_attribute(attribute, ticket_type.id)


@route("GET", "/ticket_states")
def list_ticket_states(w: Workspace, call: Call) -> Json:
    states = [
        render_support.ticket_state_detailed(each, w.ticket_types.types_in(each))
        for each in w.ticket_types.states()
    ]
    return {"type": "list", "data": states}


@route("PUT", "/admins/{admin_id}/away")
def set_away(w: Workspace, call: Call) -> Json:
    admin = w.admins.get(call.path["admin_id"])
    return render.admin(w.admins.set_away(admin, *params.away(call.body)))


@route("GET", "/admins/activity_logs")
def list_activity_logs(w: Workspace, call: Call) -> Json:
    logs = w.admins.activity_logs(*params.activity_period(call.query))
    return render_support.activity_logs(logs, w.state.admins)


@route("GET", "/away_status_reasons")
def list_away_status_reasons(w: Workspace, call: Call) -> Json:
    return render_support.away_status_reasons(w.admins.away_status_reasons())


@route("GET", "/teams/{team_id}")
def get_team(w: Workspace, call: Call) -> Json:
    return render.team(w.admins.get_team(call.path["team_id"]))


@route("GET", "/calls")
def list_calls(w: Workspace, call: Call) -> Json:
    return render_support.call_list(w.calls.list(*params.call_page(call.query)))


@route("GET", "/calls/{call_id}")
def get_call(w: Workspace, call: Call) -> Json:
    return render_support.call(w.calls.get(call.path["call_id"]))


@route("GET", "/calls/{call_id}/recording")
def call_recording(w: Workspace, call: Call) -> Raw:
    """A 302 to the recording, as Intercom answers, with no body."""
    location = w.calls.recording(w.calls.get(call.path["call_id"]))
    return Raw(302, b"", {"Location": location})


@route("GET", "/calls/{call_id}/transcript")
def call_transcript(w: Workspace, call: Call) -> Raw:
    text = render_support.transcript_text(w.calls.get(call.path["call_id"]))
    return Raw(200, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


@route("POST", "/calls/search")
def search_calls(w: Workspace, call: Call) -> Json:
    found = w.calls.of_conversations(params.call_search(call.body))
    return render_support.calls_with_transcripts(found)


@route("POST", "/phone_call_redirects")
def redirect_phone_call(w: Workspace, call: Call) -> Json:
    return render_support.phone_switch(w.calls.redirect(params.phone(call.body)))


@route("POST", "/fin/start")
def start_fin(w: Workspace, call: Call) -> Json:
    conversation = w.fin.start(params.fin_message(call.body))
    return render_support.fin_answer(conversation, w.clock())


@route("POST", "/fin/reply")
def reply_to_fin(w: Workspace, call: Call) -> Json:
    conversation = w.fin.reply(params.fin_message(call.body))
    return render_support.fin_answer(conversation, w.clock())


@route("POST", "/fin/csat")
def rate_fin(w: Workspace, call: Call) -> Json:
    return render_support.fin_rating(w.fin.rate(*params.fin_rating(call.body)))


# Content: simple resources are declared once and served by the same five handlers


@dataclass(frozen=True)
class Resource:
    """A resource served as Intercom serves simple ones: `GET` and `POST` on `path`, `GET`,
    `PUT` and `DELETE` on `path/{id_name}`, each verb only when its part is declared.
    `room` finds the resource's room in the workspace; `render` renders one record;
    `create` reads a new record's body (`update` takes the same fields, none required);
    `deleted` is the `object` a delete names (no delete when None)."""

    path: str
    id_name: str
    room: Callable[[Workspace], Room[Any]]
    render: Callable[[Any], Json]
    create: params_content.Body | None = None
    deleted: str | None = None
    listed: bool = True


def serve(resource: Resource) -> None:
    """Register the routes `resource` declares."""
    room, render_one, one = (
        resource.room,
        resource.render,
        f"{resource.path}/{{{resource.id_name}}}",
    )

    def listing(w: Workspace, call: Call) -> Json:
        page = room(w).page(*params_content.page_of(call.query))
        return render.listing(page, render_one)

    def get(w: Workspace, call: Call) -> Json:
        return render_one(room(w).get(call.path[resource.id_name]))

    if resource.listed:
        ROUTES.append(Route("GET", resource.path, listing))
    if resource.create is not None:
        body = resource.create

        def create(w: Workspace, call: Call) -> Json:
            return render_one(room(w).create(body.read(call.body)))

        def update(w: Workspace, call: Call) -> Json:
            record = room(w).get(call.path[resource.id_name])
            return render_one(room(w).update(record, body.optional().read(call.body)))

        ROUTES.append(Route("POST", resource.path, create))
        ROUTES.append(Route("PUT", one, update))
    ROUTES.append(Route("GET", one, get))
    if resource.deleted is not None:
        kind = resource.deleted

        def delete(w: Workspace, call: Call) -> Json:
            return render_content.deleted(room(w).delete(call.path[resource.id_name]).id, kind)

        ROUTES.append(Route("DELETE", one, delete))


# The help center and its articles


@route("GET", "/articles/search")
def search_articles(w: Workspace, call: Call) -> Json:
    """Matching articles under `data.articles`, with their highlights when asked."""
    wanted = params_content.article_search(call.query)
    page = cursor_page(w.articles.search(wanted), *params_content.page_of(call.query))
    data: Json = {"articles": [render_content.article(each) for each in page.items]}
    if wanted.highlight:
        data["highlights"] = [
            render_content.article_highlights(each, wanted.phrase) for each in page.items
        ]
    return {"type": "list", "total_count": page.total, "data": data, "pages": render.pages(page)}


serve(
    Resource(
        "/articles",
        "article_id",
        lambda w: w.articles,
        render_content.article,
        params_content.ARTICLE,
        deleted="article",
    )
)
serve(
    Resource(
        "/help_center/collections",
        "collection_id",
        lambda w: w.collections,
        render_content.collection,
        params_content.COLLECTION,
        deleted="collection",
    )
)
serve(
    Resource(
        "/help_center/help_centers",
        "help_center_id",
        lambda w: w.help_centers,
        render_content.help_center,
    )
)


# Internal articles


@route("GET", "/internal_articles/search")
def search_internal_articles(w: Workspace, call: Call) -> Json:
    """The internal articles of a folder, under `data.internal_articles`."""
    found = w.internal_articles.search(params_content.internal_article_folder(call.query))
    page = cursor_page(found, *params_content.page_of(call.query))
    data = {"internal_articles": [render_content.internal_article(each) for each in page.items]}
    return {"type": "list", "total_count": page.total, "data": data, "pages": render.pages(page)}


serve(
    Resource(
        "/internal_articles",
        "internal_article_id",
        lambda w: w.internal_articles,
        render_content.internal_article,
        params_content.INTERNAL_ARTICLE,
        deleted="internal_article",
    )
)


# News


@route("GET", "/news/newsfeeds/{newsfeed_id}/items")
def list_newsfeed_items(w: Workspace, call: Call) -> Json:
    """The live news items of one newsfeed."""
    live = w.news_items.live_in(w.newsfeeds.get(call.path["newsfeed_id"]))
    page = cursor_page(live, *params_content.page_of(call.query))
    return render.listing(page, render_content.news_item)


serve(
    Resource(
        "/news/news_items",
        "news_item_id",
        lambda w: w.news_items,
        render_content.news_item,
        params_content.NEWS_ITEM,
        deleted="news-item",
    )
)
serve(Resource("/news/newsfeeds", "newsfeed_id", lambda w: w.newsfeeds, render_content.newsfeed))


# AI content

serve(
    Resource(
        "/ai/content_import_sources",
        "source_id",
        lambda w: w.content_import_sources,
        render_content.content_import_source,
        params_content.CONTENT_IMPORT_SOURCE,
    )
)
serve(
    Resource(
        "/ai/external_pages",
        "page_id",
        lambda w: w.external_pages,
        render_content.external_page,
        params_content.EXTERNAL_PAGE,
    )
)


@route("DELETE", "/ai/content_import_sources/{source_id}")
def delete_content_import_source(w: Workspace, call: Call) -> Empty:
    """Deleted with its pages; Intercom's description gives the answer no body."""
    w.content_import_sources.delete(call.path["source_id"])
    return Empty(204)


@route("DELETE", "/ai/external_pages/{page_id}")
def delete_external_page(w: Workspace, call: Call) -> Json:
    """Intercom answers with the page as it was."""
    return render_content.external_page(w.external_pages.delete(call.path["page_id"]))


# Custom object instances

CUSTOM_OBJECTS = "/custom_object_instances/{custom_object_type_identifier}"
CUSTOM_OBJECT = CUSTOM_OBJECTS + "/{custom_object_instance_id}"


@route("POST", CUSTOM_OBJECTS)
def upsert_custom_object_instance(w: Workspace, call: Call) -> Json:
    type_name = call.path["custom_object_type_identifier"]
    w.custom_objects.room(type_name)
    fields = params_content.CUSTOM_OBJECT_INSTANCE.read(call.body)
    return render_content.custom_object_instance(w.custom_objects.upsert(type_name, fields))


@route("GET", CUSTOM_OBJECTS)
def find_custom_object_instance(w: Workspace, call: Call) -> Json:
    type_name = call.path["custom_object_type_identifier"]
    w.custom_objects.room(type_name)
    found = w.custom_objects.find(type_name, params_content.external_id(call.query))
    return render_content.custom_object_instance(found)


@route("DELETE", CUSTOM_OBJECTS)
def delete_custom_object_instance_by_external_id(w: Workspace, call: Call) -> Json:
    type_name = call.path["custom_object_type_identifier"]
    w.custom_objects.room(type_name)
    found = w.custom_objects.find(type_name, params_content.external_id(call.query))
    deleted = w.custom_objects.room(type_name).delete(found.id)
    return render_content.custom_object_deleted(deleted)


@route("GET", CUSTOM_OBJECT)
def get_custom_object_instance(w: Workspace, call: Call) -> Json:
    room = w.custom_objects.room(call.path["custom_object_type_identifier"])
    return render_content.custom_object_instance(room.get(call.path["custom_object_instance_id"]))


@route("DELETE", CUSTOM_OBJECT)
def delete_custom_object_instance(w: Workspace, call: Call) -> Json:
    room = w.custom_objects.room(call.path["custom_object_type_identifier"])
    deleted = room.delete(call.path["custom_object_instance_id"])
    return render_content.custom_object_deleted(deleted)


# Data exports: content and reporting

GZIP = "application/octet-stream"


@route("POST", "/export/content/data")
def start_content_export(w: Workspace, call: Call) -> Json:
    fields = params_content.CONTENT_EXPORT.read(call.body)
    job = w.exports.start("content", fields["created_at_after"], fields["created_at_before"])
    return render_content.export_job(job, w.exports)


@route("GET", "/export/content/data/{job_identifier}")
def get_content_export(w: Workspace, call: Call) -> Json:
    return render_content.export_job(
        w.exports.get(call.path["job_identifier"], "content"), w.exports
    )


@route("POST", "/export/cancel/{job_identifier}")
def cancel_content_export(w: Workspace, call: Call) -> Json:
    job = w.exports.cancel(w.exports.get(call.path["job_identifier"], "content"))
    return render_content.export_job(job, w.exports)


@route("GET", "/download/content/data/{job_identifier}")
def download_content_export(w: Workspace, call: Call) -> Raw:
    job = w.exports.get(call.path["job_identifier"], "content")
    return Raw(200, w.exports.download(job), {"Content-Type": GZIP})


@route("POST", "/export/reporting_data/enqueue")
def start_reporting_export(w: Workspace, call: Call) -> Json:
    fields = params_content.REPORTING_EXPORT.read(call.body)
    job = w.exports.start(
        "reporting",
        fields["start_time"],
        fields["end_time"],
        fields["dataset_id"],
        fields["attribute_ids"],
    )
    return render_content.export_job(job, w.exports)


@route("GET", "/export/reporting_data/get_datasets")
def list_reporting_datasets(w: Workspace, call: Call) -> Json:
    return render_content.datasets()


# `{job_identifier}` is a path parameter, though the description declares it in the query.
@route("GET", "/export/reporting_data/{job_identifier}")
def get_reporting_export(w: Workspace, call: Call) -> Json:
    job = w.exports.get(call.path["job_identifier"], "reporting")
    return render_content.export_job(job, w.exports)


@route("GET", "/download/reporting_data/{job_identifier}")
def download_reporting_export(w: Workspace, call: Call) -> Raw:
    params_content.octet_stream(call.headers)
    job = w.exports.get(call.path["job_identifier"], "reporting")
    return Raw(200, w.exports.download(job), {"Content-Type": GZIP})


# The IP allowlist


@route("GET", "/ip_allowlist")
def get_ip_allowlist(w: Workspace, call: Call) -> Json:
    return render_content.ip_allowlist(w.ip_allowlist)


@route("PUT", "/ip_allowlist")
def update_ip_allowlist(w: Workspace, call: Call) -> Json:
    """Refused with 422 when the new list would lock the caller out."""
    fields = params_content.IP_ALLOWLIST.read(call.body)
    updated = w.ip_allowlist.update(fields.get("enabled"), fields.get("ip_allowlist"))
    return render_content.ip_allowlist(updated)
