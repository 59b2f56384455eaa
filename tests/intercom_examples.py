"""Response bodies shaped like Intercom's: the OpenAPI description's own examples (the copy
in `tests/data/intercom-openapi/`), a small stand-in of the same shape where it has none."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from helpers import COMPANY_ID, CONTACT_ID
from openapi import load_openapi

CONTACT = {"type": "contact", "id": CONTACT_ID, "role": "user", "email": "a@b.c"}
COMPANY = {
    "type": "company",
    "id": COMPANY_ID,
    "company_id": "acme",
    "name": "Acme",
}
CONVERSATION = {"type": "conversation", "id": "123", "created_at": 1734537460, "state": "open"}
TICKET = {"type": "ticket", "id": "489", "ticket_id": "48", "ticket_attributes": {}}
MESSAGE = {
    "type": "user_message",
    "id": "403918330",
    "created_at": 1734537501,
    "body": "heyy",
    "message_type": "inapp",
    "conversation_id": "64619700005570",
}
PAGES = {"type": "pages", "page": 1, "per_page": 10, "total_pages": 1}

FALLBACKS: dict[str, Any] = {
    "CreateContact": CONTACT,
    "ShowContact": CONTACT,
    "UpdateContact": CONTACT,
    "ListContacts": {"type": "list", "data": [CONTACT], "total_count": 1, "pages": PAGES},
    "SearchContacts": {"type": "list", "data": [CONTACT], "total_count": 1, "pages": PAGES},
    "DeleteContact": {"id": CONTACT["id"], "external_id": None, "type": "contact", "deleted": True},
    "createOrUpdateCompany": COMPANY,
    "RetrieveACompanyById": COMPANY,
    "retrieveCompany": {"type": "list", "data": [COMPANY], "total_count": 1, "pages": PAGES},
    "attachContactToACompany": COMPANY,
    "listAllCompanies": {"type": "list", "data": [COMPANY], "total_count": 1, "pages": PAGES},
    "retrieveConversation": CONVERSATION,
    "listConversations": {
        "type": "conversation.list",
        "conversations": [CONVERSATION],
        "total_count": 1,
        "pages": PAGES,
    },
    "replyConversation": CONVERSATION,
    "searchConversations": {
        "type": "conversation.list",
        "conversations": [CONVERSATION],
        "total_count": 1,
        "pages": PAGES,
    },
    "createTicket": TICKET,
    "getTicket": TICKET,
    "createMessage": MESSAGE,
    "identifyAdmin": {"type": "admin", "id": "991267459", "name": "Ciaran1 Lee"},
}


@cache
def _operations() -> dict[str, dict[str, Any]]:
    document = load_openapi()
    return {
        operation["operationId"]: operation
        for path in document["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def example(operation_id: str, status: str = "200") -> Any:
    """The first example body Intercom documents for this operation and status."""
    operation = _operations().get(operation_id, {})
    content = operation.get("responses", {}).get(status, {}).get("content", {})
    examples = content.get("application/json", {}).get("examples", {})
    for item in examples.values():
        if "value" in item:
            return copy.deepcopy(item["value"])
    return copy.deepcopy(FALLBACKS[operation_id])
