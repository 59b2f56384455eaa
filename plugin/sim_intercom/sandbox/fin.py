"""Fin, the AI agent, as the Fin Agent API drives it: a conversation by your own id, a user's
messages, Fin's answers from a small set of canned articles, and the user's rating."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ParameterInvalid, Unprocessable
from .records import FinConversation

RATINGS = ("terrible", "bad", "ok", "good", "amazing")
ESCALATE = ("human", "agent", "person", "someone")
RESOLVED = ("thanks", "thank you", "solved", "that helped")
ANSWERS = (
    ("export", "<p>Exports of more than 10,000 rows run in the background; we email a link.</p>"),
    ("teammate", "<p>Invite a teammate from Settings &gt; Teammates &gt; Invite.</p>"),
    ("invoice", "<p>Invoices are under Billing; edit your VAT id there before the next one.</p>"),
)
FALLBACK = "<p>Let me look into that. Could you tell me a little more?</p>"


@dataclass(frozen=True)
class FinMessage:
    """A user's message to Fin."""

    conversation_id: str
    user_id: str
    body: str


class FinNotFound(ParameterInvalid):
    """A conversation Fin was never started on (the Fin Agent API answers 400)."""

    code = "conversation_not_found"


class FinAgent:
    """Fin's conversations, by your own conversation id."""

    def __init__(self, conversations: dict[str, FinConversation]) -> None:
        self.conversations = conversations

    def start(self, message: FinMessage) -> FinConversation:
        if message.conversation_id in self.conversations:
            raise ParameterInvalid(
                f"Fin conversation {message.conversation_id!r} was already started; use reply",
                field="conversation_id",
            )
        conversation = FinConversation(message.conversation_id, message.user_id)
        self.conversations[conversation.conversation_id] = conversation
        self._answer(conversation, message.body)
        return conversation

    def reply(self, message: FinMessage) -> FinConversation:
        conversation = self.get(message.conversation_id)
        if conversation.status in ("escalated", "complete"):
            message_text = f"Fin has handed conversation {conversation.conversation_id!r} over"
            raise ParameterInvalid(message_text, field="conversation_id")
        self._answer(conversation, message.body)
        return conversation

    def rate(self, conversation_id: str, rating: str, remark: str | None) -> FinConversation:
        conversation = self.get(conversation_id)
        if conversation.remark is not None:
            raise Unprocessable("The rating is locked: a remark was already recorded")
        conversation.rating = rating
        conversation.remark = remark
        conversation.status = "complete"
        return conversation

    def get(self, conversation_id: str) -> FinConversation:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            raise FinNotFound(f"No Fin conversation {conversation_id!r}", field="conversation_id")
        return conversation

    def _answer(self, conversation: FinConversation, body: str) -> None:
        """Fin reads the message: a wish for a person escalates, thanks resolves, anything
        else gets the best canned answer and waits for the user."""
        conversation.messages.append(("user", body))
        text = body.casefold()
        if any(word in text for word in ESCALATE):
            conversation.status = "escalated"
            return
        if any(word in text for word in RESOLVED):
            conversation.status = "resolved"
            return
        answer = next((reply for key, reply in ANSWERS if key in text), FALLBACK)
        conversation.messages.append(("fin", answer))
        conversation.status = "awaiting_user_reply"
