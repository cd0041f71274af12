"""What CRM publishes (stream ``crm``)."""

from core.domain.events import DomainEvent


class CrmCustomerCreated(DomainEvent, frozen=True, kw_only=True, tag="crm.customer_created"):
    customer_id: str
    kind: str
    email: str
    owner: str | None = None


class CrmCustomerUpdated(DomainEvent, frozen=True, kw_only=True, tag="crm.customer_updated"):
    customer_id: str
    changed: list[str]
    """The names of the fields that changed."""


class CrmTicketCreated(DomainEvent, frozen=True, kw_only=True, tag="crm.ticket_created"):
    ticket_id: str
    customer_id: str
    priority: str
    sla_due_at: str
    """ISO 8601, UTC."""


class CrmTicketReplied(DomainEvent, frozen=True, kw_only=True, tag="crm.ticket_replied"):
    """Staff answered on the ticket (the customer may be told)."""

    ticket_id: str
    customer_id: str
    comment_id: str
    author_id: str


class CrmTicketStatusChanged(DomainEvent, frozen=True, kw_only=True, tag="crm.ticket_status_changed"):
    ticket_id: str
    customer_id: str
    before: str
    after: str


class CrmTicketSlaBreached(DomainEvent, frozen=True, kw_only=True, tag="crm.ticket_sla_breached"):
    """Published once per ticket, when its SLA passed before it was resolved."""

    ticket_id: str
    customer_id: str
    priority: str
    sla_due_at: str
    """ISO 8601, UTC."""
    assignee: str | None = None


CrmEvent = (
    CrmCustomerCreated
    | CrmCustomerUpdated
    | CrmTicketCreated
    | CrmTicketReplied
    | CrmTicketStatusChanged
    | CrmTicketSlaBreached
)
