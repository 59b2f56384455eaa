"""The sandbox's typed errors: each knows its HTTP status and builds Intercom's `error.list` body.

SandboxError (400 parameter_invalid)
  +-- BadRequest (400 bad_request)            unknown body field
  +-- ParameterInvalid (400 parameter_invalid)
  |     +-- InvalidQuery (400 query_invalid)  a search query Intercom would refuse
  +-- ParameterNotFound (400 parameter_not_found)
  +-- Unauthorized (401 unauthorized)
  +-- NotFound (404 not_found)
  |     +-- ContactNotFound, ConversationNotFound (404 not_found)
  |     +-- CompanyNotFound, TicketNotFound, AdminNotFound (404 <resource>_not_found)
  |     +-- AssigneeNotFound (404 assignee_not_found)
  +-- MethodNotAllowed (405 method_not_allowed)
  +-- Conflict (409 conflict)
  +-- PayloadTooLarge (413 request_too_large)
  +-- Unprocessable (422)
  +-- RateLimited (429 rate_limit_exceeded)
"""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """An error Intercom would answer with; `status`, `code`, `message` and an optional `field`."""

    status: int = 400
    code: str = "parameter_invalid"
    message: str = "Invalid request"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.field = field
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self, request_id: str) -> dict[str, Any]:
        """Intercom's error list for this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"type": "error.list", "request_id": request_id, "errors": [error]}


class BadRequest(SandboxError):
    """A body field the operation does not take."""

    code = "bad_request"


class ParameterInvalid(SandboxError):
    """A parameter of the wrong type or value."""


class InvalidQuery(ParameterInvalid):
    """A search query Intercom would refuse; `field` is where in the body it failed."""

    code = "query_invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)


class ParameterNotFound(SandboxError):
    """A required parameter is missing."""

    code = "parameter_not_found"


class Unauthorized(SandboxError):
    """A missing or wrong bearer token."""

    status = 401
    code = "unauthorized"
    message = "Access Token Invalid"


class NotFound(SandboxError):
    """An unknown id, or a path the sandbox does not serve."""

    status = 404
    code = "not_found"
    message = "Resource Not Found"


class ContactNotFound(NotFound):
    """An unknown contact id; Intercom says "User" for contacts."""

    message = "User Not Found"


class CompanyNotFound(NotFound):
    """An unknown company, by Intercom id or by your `company_id`."""

    code = "company_not_found"
    message = "Company Not Found"


class ConversationNotFound(NotFound):
    """An unknown conversation id; Intercom answers with the generic not_found."""


class TicketNotFound(NotFound):
    """An unknown ticket id."""

    code = "ticket_not_found"
    message = "Ticket not found"


class AdminNotFound(NotFound):
    """An unknown admin id, in a path or as an author or sender."""

    code = "admin_not_found"
    message = "Admin not found"


class AssigneeNotFound(NotFound):
    """An assignee (or assigning admin) of a ticket that is no admin or team."""

    code = "assignee_not_found"
    message = "Assignee not found"


class MethodNotAllowed(SandboxError):
    """A known path asked with a method it does not take."""

    status = 405
    code = "method_not_allowed"


class Conflict(SandboxError):
    """A write that would duplicate a unique field."""

    status = 409
    code = "conflict"


class PayloadTooLarge(SandboxError):
    """A request body over the sandbox's size cap."""

    status = 413
    code = "request_too_large"


class Unprocessable(SandboxError):
    """A well-formed request Intercom refuses to process."""

    status = 422


class RateLimited(SandboxError):
    """Past the rate limit of the current window."""

    status = 429
    code = "rate_limit_exceeded"
