from sqlalchemy import Column, Index, LargeBinary, String, Table, Text

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("sealed_private_key", LargeBinary, nullable=False, comment="AES-GCM under the master key"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retire_after", UtcDateTime, comment="set on rotation: after this no token it signed lives"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("family_id", String(36), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("subject", String(64), nullable=False),
    Column("client_id", String(128)),
    Column("scope", Text, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
)
Index("ix_refresh_tokens_family_id", refresh_tokens.c.family_id)
Index("ix_refresh_tokens_subject", refresh_tokens.c.subject)
