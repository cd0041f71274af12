"""How identity's entities appear in the audit log (their secrets recorded as changed, never
their values)."""

from core.domain.audit.changes import AuditedEntity

USERS = AuditedEntity(
    "user",
    ("email", "display_name", "role", "status", "customer_id", "password_hash"),
    secrets=("password_hash",),
)
CLIENTS = AuditedEntity(
    "service_client",
    ("client_id", "name", "role", "scopes", "status", "secret_hash"),
    secrets=("secret_hash",),
)
LLM_KEYS = AuditedEntity(
    "llm_api_key",
    (
        "owner_id",
        "name",
        "prefix",
        "scopes",
        "expires_at",
        "daily_token_limit",
        "rpm_limit",
        "revoked_at",
        "secret_hash",
    ),
    secrets=("secret_hash",),
)
