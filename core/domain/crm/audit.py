"""How CRM's entities appear in the audit log."""

from core.domain.audit.changes import AuditedEntity

CUSTOMERS = AuditedEntity(
    "customer", ("kind", "name", "email", "phone", "address", "status", "tags", "owner")
)
TICKETS = AuditedEntity(
    "ticket",
    ("customer_id", "subject", "priority", "status", "assignee", "sla_due_at", "sla_breached"),
)
"""The description is prose the customer wrote; the ticket keeps it, the audit log need not."""
COMMENTS = AuditedEntity("ticket_comment", ("ticket_id", "author_id", "author_kind"))
LEADS = AuditedEntity(
    "lead",
    (
        "name",
        "email",
        "company",
        "phone",
        "source",
        "status",
        "score",
        "owner",
        "customer_id",
        "opportunity_id",
    ),
)
OPPORTUNITIES = AuditedEntity(
    "opportunity",
    (
        "customer_id",
        "name",
        "amount",
        "currency",
        "stage",
        "probability",
        "expected_close_date",
        "owner",
        "lead_id",
        "lost_reason",
        "closed_at",
    ),
)
INTERACTIONS = AuditedEntity("interaction", ("customer_id", "kind", "subject", "occurred_at", "author_id"))
"""The body is prose about the customer; the interaction keeps it, the audit log need not."""
