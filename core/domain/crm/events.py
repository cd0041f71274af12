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


class CrmLeadCreated(DomainEvent, frozen=True, kw_only=True, tag="crm.lead_created"):
    lead_id: str
    source: str
    score: int
    owner: str


class CrmLeadConverted(DomainEvent, frozen=True, kw_only=True, tag="crm.lead_converted"):
    """Published once per lead: a second conversion is refused."""

    lead_id: str
    customer_id: str
    opportunity_id: str
    customer_created: bool
    """False when the lead's email already belonged to a customer, who was linked instead."""


class CrmOpportunityStageChanged(DomainEvent, frozen=True, kw_only=True, tag="crm.opportunity_stage_changed"):
    """A move between open stages; closing is ``crm.opportunity_won`` or ``_lost``."""

    opportunity_id: str
    customer_id: str
    before: str
    after: str
    probability: int


class CrmOpportunityWon(DomainEvent, frozen=True, kw_only=True, tag="crm.opportunity_won"):
    opportunity_id: str
    customer_id: str
    amount: str
    """Decimal, as a string."""
    currency: str
    owner: str


class CrmOpportunityLost(DomainEvent, frozen=True, kw_only=True, tag="crm.opportunity_lost"):
    opportunity_id: str
    customer_id: str
    stage: str
    """The open stage it was lost from."""
    reason: str | None = None


class CrmCustomerErased(DomainEvent, frozen=True, kw_only=True, tag="crm.customer_erased"):
    """The customer's personal data is gone from CRM; consumers holding copies erase theirs."""

    customer_id: str


CrmEvent = (
    CrmCustomerCreated
    | CrmCustomerUpdated
    | CrmTicketCreated
    | CrmTicketReplied
    | CrmTicketStatusChanged
    | CrmTicketSlaBreached
    | CrmLeadCreated
    | CrmLeadConverted
    | CrmOpportunityStageChanged
    | CrmOpportunityWon
    | CrmOpportunityLost
    | CrmCustomerErased
)
