"""CRM's own tables (migrations 0009 and 0012); no other service reads them.

Full-text search has one table of documents on both backends. What indexes it differs, and is
made by the migration only, because SQLAlchemy cannot declare it portably: on PostgreSQL an
expression GIN index over ``to_tsvector`` (declared below for PostgreSQL alone), on SQLite an
FTS5 virtual table kept in step by triggers (``SQLITE_FTS_TABLE``; its shadow tables too).
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

customers = Table(
    "crm_customers",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False, unique=True, comment="lower-case"),
    Column("phone", String(40), nullable=True),
    Column("address", Text, nullable=True),
    Column("status", String(20), nullable=False),
    Column("owner", String(64), nullable=True, comment="the sales rep's user id"),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_crm_customers_name", customers.c.name, customers.c.id)
Index("ix_crm_customers_created", customers.c.created_at, customers.c.id)
Index("ix_crm_customers_owner", customers.c.owner)

customer_tags = Table(
    "crm_customer_tags",
    metadata,
    Column("customer_id", String(36), ForeignKey("crm_customers.id"), primary_key=True),
    Column("tag", String(40), primary_key=True),
)
Index("ix_crm_customer_tags_tag", customer_tags.c.tag)

tickets = Table(
    "crm_tickets",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("customer_id", String(36), ForeignKey("crm_customers.id"), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("priority", String(20), nullable=False),
    Column("status", String(30), nullable=False),
    Column("assignee", String(64), nullable=True, comment="a staff user id"),
    Column("sla_due_at", UtcDateTime, nullable=False),
    Column("sla_breached", Boolean, nullable=False, comment="set once by the SLA watch; never cleared"),
    Column("opened_by", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_crm_tickets_customer", tickets.c.customer_id, tickets.c.id)
Index("ix_crm_tickets_sla_watch", tickets.c.sla_breached, tickets.c.sla_due_at)

ticket_comments = Table(
    "crm_ticket_comments",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("ticket_id", String(36), ForeignKey("crm_tickets.id"), nullable=False),
    Column("author_id", String(64), nullable=False),
    Column("author_kind", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
Index("ix_crm_ticket_comments_ticket", ticket_comments.c.ticket_id, ticket_comments.c.id)

leads = Table(
    "crm_leads",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False, comment="lower-case; not unique"),
    Column("company", String(200), nullable=True),
    Column("phone", String(40), nullable=True),
    Column("source", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("score", Integer, nullable=False, comment="0 to 100, recomputed on every change"),
    Column("owner", String(64), nullable=False, comment="the sales rep's user id"),
    Column("customer_id", String(36), ForeignKey("crm_customers.id"), nullable=True),
    Column("opportunity_id", String(36), nullable=True, comment="set once, by the conversion"),
    Column("converted_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_crm_leads_score", leads.c.score, leads.c.id)
Index("ix_crm_leads_created", leads.c.created_at, leads.c.id)
Index("ix_crm_leads_owner", leads.c.owner)
Index("ix_crm_leads_customer", leads.c.customer_id)

opportunities = Table(
    "crm_opportunities",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("customer_id", String(36), ForeignKey("crm_customers.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("amount", Numeric(18, 4), nullable=False),
    Column("currency", String(3), nullable=False, comment="ISO 4217"),
    Column("stage", String(20), nullable=False),
    Column("probability", Integer, nullable=False, comment="percent"),
    Column("expected_close_date", Date, nullable=True),
    Column("owner", String(64), nullable=False, comment="the sales rep's user id"),
    Column("lead_id", String(36), nullable=True, comment="the lead converted into it"),
    Column("lost_reason", Text, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True, comment="set when won or lost"),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_crm_opportunities_customer", opportunities.c.customer_id, opportunities.c.id)
Index("ix_crm_opportunities_stage", opportunities.c.stage, opportunities.c.closed_at)
Index("ix_crm_opportunities_owner", opportunities.c.owner)

interactions = Table(
    "crm_interactions",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("customer_id", String(36), ForeignKey("crm_customers.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("author_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
Index(
    "ix_crm_interactions_customer", interactions.c.customer_id, interactions.c.occurred_at, interactions.c.id
)

search_documents = Table(
    "crm_search_documents",
    metadata,
    # An integer key, because SQLite's FTS5 table refers to its documents by an integer rowid
    # that must not change (a plain rowid may, on VACUUM).
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False, comment="customer, ticket; lead later"),
    Column("entity_id", String(36), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    UniqueConstraint("kind", "entity_id"),
)
SEARCH_CONFIG = "simple"
"""PostgreSQL text search configuration: names, emails and prose in any language, unstemmed."""
SEARCH_VECTOR = func.to_tsvector(
    literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
    search_documents.c.title + literal_column("' '") + search_documents.c.body,
)
# The index's expression as PostgreSQL reflects it (implicit casts spelled out), so that the
# drift test compares like with like; queries use SEARCH_VECTOR, the same expression before
# PostgreSQL adds the implicit casts, which the planner matches to this index. Attached by hand:
# SQLAlchemy finds no table in a textual expression.
SEARCH_INDEX_EXPRESSION = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, (title::text || ' '::text) || body)"
search_documents.append_constraint(
    Index("ix_crm_search_documents_fts", text(SEARCH_INDEX_EXPRESSION), postgresql_using="gin").ddl_if(
        dialect="postgresql"
    )
)

SQLITE_FTS_TABLE = "crm_search_fts"
"""The FTS5 table over ``crm_search_documents`` on SQLite, made by migration 0009."""
SQLITE_FTS_SHADOW_TABLES = tuple(
    f"{SQLITE_FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")
)
