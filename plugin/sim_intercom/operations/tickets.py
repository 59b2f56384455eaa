"""Tickets: create, get and update; reply, delete, search, and create in the background (a
job, whose status a tool reads)."""

from __future__ import annotations

from typing import Any

from ..paging import Pager
from .base import Operation, Output, Params, as_record, cursor_list, deleted, single
from .conversations import reply_body, split_attachment_urls, token_admin
from .search import search_body


def _updated(body: Any, params: Params) -> Output:
    ticket = as_record(body, "the ticket")
    return {
        "ticket": ticket,
        "ticketId": str(ticket["id"]),
        "ticket_state": ticket.get("ticket_state"),
    }


def _job(body: Any, params: Params) -> Output:
    """A job, its status (`pending`, `success`, `failed`) and, once done, what it made."""
    job = as_record(body, "the job")
    resource_id = job.get("resource_id")
    return {
        "job": job,
        "jobId": str(job["id"]),
        "status": job.get("status"),
        "resource_id": None if resource_id is None else str(resource_id),
    }


OPERATIONS = (
    Operation(
        "intercom_create_ticket",
        "POST",
        "/tickets",
        single("ticket"),
        rename={"disable_notifications": "skip_notifications"},
    ),
    Operation("intercom_get_ticket", "GET", "/tickets/{ticketId}", single("ticket")),
    # Intercom's description types `admin_id` as an integer and `assignee_id` as a string.
    Operation(
        "intercom_update_ticket",
        "PUT",
        "/tickets/{ticketId}",
        _updated,
        convert={"admin_id": int},
    ),
    # --- B: support ---
    Operation(
        "intercom_reply_ticket",
        "POST",
        "/tickets/{ticketId}/reply",
        single("ticket_part"),
        refine=split_attachment_urls,
        lookups=(token_admin,),
        build_body=reply_body,
    ),
    Operation(
        "intercom_enqueue_ticket",
        "POST",
        "/tickets/enqueue",
        _job,
        rename={"disable_notifications": "skip_notifications"},
    ),
    Operation("intercom_get_job_status", "GET", "/jobs/status/{jobId}", _job),
    Operation("intercom_delete_ticket", "DELETE", "/tickets/{ticketId}", deleted("ticket")),
    # Ticket search takes a query and cursor pages; Intercom's description gives it no sort.
    Operation(
        "intercom_search_tickets",
        "POST",
        "/tickets/search",
        cursor_list("tickets", "tickets"),
        pager=Pager("tickets"),
        build_body=search_body,
    ),
)
