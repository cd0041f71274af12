"""What the identity context publishes (stream ``identity``). Never an email or a hash: accounts
are named by id, or by the SHA-256 of the email where no account may exist."""

from core.domain.events import DomainEvent


class IdentityLoginFailed(DomainEvent, frozen=True, kw_only=True, tag="identity.login_failed"):
    email_sha256: str
    ip: str | None = None
    reason: str
    """``unknown_account``, ``bad_password``, ``disabled`` or ``locked``."""


class IdentityClientAuthFailed(DomainEvent, frozen=True, kw_only=True, tag="identity.client_auth_failed"):
    client_sha256: str
    """The SHA-256 of ``client:<client_id>``."""
    ip: str | None = None
    reason: str
    """``unknown_client``, ``bad_secret``, ``disabled`` or ``locked``."""


class IdentityUserCreated(DomainEvent, frozen=True, kw_only=True, tag="identity.user_created"):
    user_id: str
    role: str


class IdentityUserRoleChanged(DomainEvent, frozen=True, kw_only=True, tag="identity.user_role_changed"):
    user_id: str
    role: str
    previous_role: str


class IdentityUserDisabled(DomainEvent, frozen=True, kw_only=True, tag="identity.user_disabled"):
    user_id: str


class IdentityUserPasswordReset(DomainEvent, frozen=True, kw_only=True, tag="identity.user_password_reset"):
    user_id: str
    """By an admin; the user's sessions ended."""


class IdentityUserPasswordChanged(
    DomainEvent, frozen=True, kw_only=True, tag="identity.user_password_changed"
):
    user_id: str
    """By the user; their other sessions ended."""


class IdentityUserUnlocked(DomainEvent, frozen=True, kw_only=True, tag="identity.user_unlocked"):
    user_id: str


class IdentityLlmKeyCreated(DomainEvent, frozen=True, kw_only=True, tag="identity.llm_key_created"):
    key_id: str
    owner_id: str


class IdentityLlmKeyRevoked(DomainEvent, frozen=True, kw_only=True, tag="identity.llm_key_revoked"):
    key_id: str
    owner_id: str
    """The LLM service may drop what it holds for the key (quota counters)."""


IdentityEvent = (
    IdentityLoginFailed
    | IdentityClientAuthFailed
    | IdentityUserCreated
    | IdentityUserRoleChanged
    | IdentityUserDisabled
    | IdentityUserPasswordReset
    | IdentityUserPasswordChanged
    | IdentityUserUnlocked
    | IdentityLlmKeyCreated
    | IdentityLlmKeyRevoked
)
