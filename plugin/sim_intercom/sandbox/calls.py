"""Phone calls with their recordings and transcripts, and phone-call redirects (Switch)."""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable

from .errors import NotFound, Unprocessable
from .paging import Page, numbered_page
from .records import Call
from .state import State, get_or_404

MAX_SEARCH_CONVERSATIONS = 20
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class CallNotFound(NotFound):
    """An unknown call id, or a call without the recording asked for."""

    message = "Call not found"


class RecordingNotFound(NotFound):
    """A call that has no recording."""

    message = "Recording not found"


class Calls:
    """The workspace's calls, newest first."""

    def __init__(self, state: State) -> None:
        self.state = state

    def list(self, per_page: int, page: int) -> Page[Call]:
        return numbered_page(self._newest_first(self.state.calls.values()), per_page, page)

    def get(self, call_id: str) -> Call:
        return get_or_404(self.state.calls, call_id, CallNotFound)

    def recording(self, call: Call) -> str:
        if call.recording is None:
            raise RecordingNotFound()
        return call.recording

    def of_conversations(self, conversation_ids: builtins.list[str]) -> builtins.list[Call]:
        wanted = set(conversation_ids)
        return self._newest_first(
            c for c in self.state.calls.values() if c.conversation_id in wanted
        )

    def redirect(self, phone: str) -> str:
        """Send the caller a link to the Messenger by SMS (recorded, never sent)."""
        if not E164.fullmatch(phone):
            message = f"phone {phone!r} is not a number in E.164 format, such as +353871234567"
            raise Unprocessable(message, code="invalid_phone_number")
        self.state.phone_redirects.append(phone)
        return phone

    @staticmethod
    def _newest_first(calls: Iterable[Call]) -> builtins.list[Call]:
        return sorted(calls, key=lambda c: (-c.initiated_at, c.id))
