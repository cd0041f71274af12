"""Interactions: what was said to or heard from a customer (calls, emails, meetings, notes)."""

from datetime import datetime
from enum import StrEnum

import msgspec

from core.domain.crm.tickets import MAX_SUBJECT, MAX_TEXT
from core.domain.errors import RuleViolated


class InteractionKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"


class Interaction(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    kind: InteractionKind
    subject: str
    body: str = ""
    """Prose, stored and returned exactly as written."""
    occurred_at: datetime
    author_id: str
    created_at: datetime

    def __post_init__(self) -> None:
        if not self.subject.strip() or len(self.subject) > MAX_SUBJECT:
            raise RuleViolated(f"subject: 1 to {MAX_SUBJECT} characters")
        if len(self.body) > MAX_TEXT:
            raise RuleViolated(f"body: at most {MAX_TEXT} characters")
        if self.occurred_at.utcoffset() is None:
            raise RuleViolated("occurred_at: a time with its UTC offset")


class TimelineKind(StrEnum):
    INTERACTION = "interaction"
    TICKET = "ticket"
    OPPORTUNITY = "opportunity"


class TimelineEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a customer's history, whatever record it stands for."""

    kind: TimelineKind
    id: str
    at: datetime
    """When it happened: an interaction's ``occurred_at``, a ticket's or opportunity's creation."""
    title: str
    """The interaction's or ticket's subject, the opportunity's name."""
    detail: str
    """The interaction's kind, the ticket's status, the opportunity's stage."""
