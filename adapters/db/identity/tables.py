"""Users and service clients, on the shared metadata (migration 0003)."""

from sqlalchemy import Column, Index, String, Table, Text, func

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
