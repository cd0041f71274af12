"""LLM API keys (``bhiv_sk_...``): long-lived bearer credentials for the LLM service's
OpenAI-compatible API, owned by a user, scoped, revocable, stored as a hash (decision 0031).

An access token lives 15 minutes; a script or an editor plugin calling ``/api/llm/v1`` needs
something that lasts. The gateway exchanges a key for a short-lived access token of its owner, so
the LLM service never sees the key and checks nothing new."""

import hashlib
import secrets
from datetime import datetime

import msgspec

from core.domain.access import ApiKeyLimits, Permission, Role, permissions_for
from core.domain.identity.model import UserStatus

KEY_PREFIX = "bhiv_sk_"
SHOWN_PREFIX_CHARS = 8
"""How much of the secret after ``bhiv_sk_`` lists show, so that owners can tell keys apart."""
LLM_KEY_PERMISSIONS = frozenset({Permission.LLM_USE, Permission.LLM_ADMIN})
"""What a key may be scoped to: a key is for the LLM API and nothing else."""
DEFAULT_KEY_SCOPES = frozenset({Permission.LLM_USE})
MAX_KEY_LIMIT = 2**31 - 1
"""The largest ``daily_token_limit`` or ``rpm_limit`` a key may have (stored as a 32-bit integer)."""


class LlmApiKey(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    owner_id: str
    name: str
    prefix: str
    """``bhiv_sk_`` and the first characters of the secret: enough to recognise, never to use."""
    secret_hash: str
    """SHA-256 of the whole key, hex."""
    scopes: frozenset[Permission]
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    daily_token_limit: int | None = None
    """Tokens (prompt and completion) per UTC day through this key; None: the owner's quota only.
    Stored here, enforced by the LLM service."""
    rpm_limit: int | None = None
    """Requests per minute through this key; None: no limit of its own. Enforced by the LLM service."""

    @property
    def limits(self) -> ApiKeyLimits | None:
        """What the LLM service enforces for this key on top of its owner's limits."""
        if self.daily_token_limit is None and self.rpm_limit is None:
            return None
        return ApiKeyLimits(tokens_per_day=self.daily_token_limit, requests_per_minute=self.rpm_limit)

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def new_key_secret() -> str:
    """A new key: the prefix and 256 random bits (URL-safe base64)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """SHA-256 suffices: a key is 256 random bits, so there is nothing to brute-force, and a
    lookup by hash never compares a secret byte by byte."""
    return hashlib.sha256(key.encode()).hexdigest()


def shown_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + SHOWN_PREFIX_CHARS]


def looks_like_key(bearer: str) -> bool:
    return bearer.startswith(KEY_PREFIX)


def key_permissions(key: LlmApiKey, role: Role, status: UserStatus) -> frozenset[Permission]:
    """What a key allows now: its scopes within what its owner's current role allows (a user's
    token never holds the client-only permissions); nothing when the owner is disabled."""
    if status is not UserStatus.ACTIVE:
        return frozenset()
    return key.scopes & permissions_for(role)


def allowed_key_scopes(role: Role) -> frozenset[Permission]:
    """What a key of a user with ``role`` may be scoped to."""
    return LLM_KEY_PERMISSIONS & permissions_for(role)
