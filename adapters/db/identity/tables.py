"""Users and service clients (migration 0003), LLM API keys (0015), on the shared metadata."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, func

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("email", String(320), nullable=False, comment="normalised: trimmed, lower-cased"),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("customer_id", String(64), comment="the CRM customer a customer-role user acts for"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
# On lower(email), so that even a row written around the normalising code cannot duplicate one.
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)
Index("ix_users_role_status", users.c.role, users.c.status)

service_clients = Table(
    "service_clients",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", Text, nullable=False, comment="argon2id of the secret; never the secret"),
    Column("role", String(20), nullable=False),
    Column("scopes", Text, nullable=False, comment="space-separated permission names"),
    Column("status", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

llm_api_keys = Table(
    "llm_api_keys",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("owner_id", String(36), ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False, comment="bhiv_sk_ and the first characters, for lists"),
    Column(
        "secret_hash", String(64), nullable=False, unique=True, comment="SHA-256 of the key; never the key"
    ),
    Column("scopes", Text, nullable=False, comment="space-separated permission names"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("last_used_at", UtcDateTime, comment="written at most once a minute"),
    Column("revoked_at", UtcDateTime),
    Column("daily_token_limit", Integer, comment="tokens per UTC day; enforced by the LLM service"),
    Column("rpm_limit", Integer, comment="requests per minute; enforced by the LLM service"),
)
Index("ix_llm_api_keys_owner", llm_api_keys.c.owner_id, llm_api_keys.c.id)
