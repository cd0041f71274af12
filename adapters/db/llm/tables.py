"""The LLM service's own table (migration 0014); no other service reads it."""

from sqlalchemy import Boolean, Column, Index, Integer, String, Table

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

usage_records = Table(
    "llm_usage",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column(
        "subject", String(64), nullable=False, comment="who is charged: the end user, key owner or client"
    ),
    Column("api_key_id", String(36), nullable=True, comment="the LLM API key used, if any"),
    Column("client_id", String(64), nullable=True, comment="the service client acting for the subject"),
    Column("model", String(100), nullable=False, comment="as asked: an alias or a model name"),
    Column("provider", String(64), nullable=True, comment="the provider that answered; none on failure"),
    Column("provider_model", String(200), nullable=True),
    Column("tried", String(400), nullable=False, comment="providers that failed before, comma-separated"),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("estimated", Boolean, nullable=False, comment="token counts are the documented estimate"),
    Column("latency_ms", Integer, nullable=False),
    Column("cache_hit", Boolean, nullable=False),
    Column("streamed", Boolean, nullable=False),
    Column("outcome", String(40), nullable=False, comment="ok, or the error code the caller got"),
)
Index("ix_llm_usage_subject", usage_records.c.subject, usage_records.c.occurred_at)
Index("ix_llm_usage_occurred_at", usage_records.c.occurred_at)
