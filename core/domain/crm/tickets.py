"""Support tickets: a customer's question, its status workflow, its comments and its SLA."""

from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from core.domain.errors import Conflict, InvalidTransition, RuleViolated

MAX_SUBJECT = 200
MAX_TEXT = 20_000


class TicketPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


SLA_HOURS: dict[TicketPriority, int] = {
    TicketPriority.URGENT: 4,
    TicketPriority.HIGH: 8,
    TicketPriority.NORMAL: 24,
    TicketPriority.LOW: 72,
}
"""Hours from opening by which a ticket should be resolved (decision 0026)."""


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


NEXT: dict[TicketStatus, tuple[TicketStatus, ...]] = {
    TicketStatus.OPEN: (TicketStatus.IN_PROGRESS,),
    TicketStatus.IN_PROGRESS: (TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED),
    TicketStatus.WAITING_ON_CUSTOMER: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
    # Reopening is the one way back: the customer says the answer did not help.
    TicketStatus.RESOLVED: (TicketStatus.CLOSED, TicketStatus.OPEN),
    TicketStatus.CLOSED: (),
}
SETTLED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
"""Statuses the SLA no longer runs in."""


class TicketClosed(Conflict):
    code = "ticket_closed"


class AuthorKind(StrEnum):
    STAFF = "staff"
    CUSTOMER = "customer"


def sla_due(priority: TicketPriority, opened_at: datetime) -> datetime:
    return opened_at + timedelta(hours=SLA_HOURS[priority])


class Ticket(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    subject: str
    description: str = ""
    """Prose, stored and returned exactly as written."""
    priority: TicketPriority = TicketPriority.NORMAL
    status: TicketStatus = TicketStatus.OPEN
    assignee: str | None = None
    """A staff user id."""
    sla_due_at: datetime
    sla_breached: bool = False
    """Set once, when the SLA passed before the ticket was resolved; never cleared."""
    opened_by: str
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not self.subject.strip() or len(self.subject) > MAX_SUBJECT:
            raise RuleViolated(f"subject: 1 to {MAX_SUBJECT} characters")
        if len(self.description) > MAX_TEXT:
            raise RuleViolated(f"description: at most {MAX_TEXT} characters")

    def allowed_statuses(self) -> list[str]:
        return [str(status) for status in NEXT[self.status]]

    def moved_to(self, status: TicketStatus) -> "Ticket":
        """This ticket in ``status``; a move the workflow does not allow is refused, naming the
        ones it does. Staying where it is is not a move (a patch may repeat the status)."""
        if status is self.status:
            return self
        if status not in NEXT[self.status]:
            raise InvalidTransition("ticket", self.status, f"moved to {status}", self.allowed_statuses())
        return msgspec.structs.replace(self, status=status)

    def overdue(self, now: datetime) -> bool:
        return not self.sla_breached and self.status not in SETTLED and self.sla_due_at <= now


class Comment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    ticket_id: str
    author_id: str
    author_kind: AuthorKind
    body: str
    """Prose, stored and returned exactly as written."""
    created_at: datetime

    def __post_init__(self) -> None:
        if not self.body.strip() or len(self.body) > MAX_TEXT:
            raise RuleViolated(f"body: 1 to {MAX_TEXT} characters")
