"""Access tokens (signed JWTs) and refresh tokens (opaque, rotated, stored hashed)."""

import hashlib
from datetime import datetime, timedelta
from functools import lru_cache

import msgspec

from core.domain.access import ApiKeyLimits, Permission, Principal, PrincipalKind, Role, permissions_for
from core.domain.errors import Unauthenticated


class InvalidToken(Unauthenticated):
    """A bearer token that is missing, malformed, expired, revoked or not ours."""

    code = "invalid_token"

    def __init__(self, detail: str, *, stale: bool = False) -> None:
        super().__init__(detail)
        self.stale = stale
        """A token of ours that is no longer (or not yet) good: expired, revoked, its clock ahead.
        Honest clients send these after a revocation; only the others count as forgery attempts."""


class TokenPolicy(msgspec.Struct, frozen=True, kw_only=True):
    issuer: str
    audience: str
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=30)
    leeway: timedelta = timedelta(seconds=30)


class AccessTokenClaims(msgspec.Struct, frozen=True, kw_only=True):
    iss: str
    aud: str
    sub: str
    exp: int
    iat: float
    """When the grant was decided, to the microsecond (RFC 7519 allows a fractional NumericDate):
    revocations are compared with it exactly."""
    nbf: int
    jti: str
    role: Role
    scope: str
    """Space-separated permission names (RFC 6749 scope syntax)."""
    kind: PrincipalKind
    customer_id: str | None = None
    akid: str | None = None
    """The LLM API key the gateway exchanged for this token, when it came from one (decision 0031)."""
    akl: ApiKeyLimits | None = None
    """That key's own quota, when it has one: the LLM service applies it."""

    def principal(self) -> Principal:
        return Principal(
            subject=self.sub,
            kind=self.kind,
            role=self.role,
            permissions=permissions_for(self.role, token_scope(self.scope), self.kind),
            customer_id=self.customer_id,
            token_id=self.jti,
            api_key_id=self.akid,
            api_key_limits=self.akl,
        )


def parse_scope(scope: str | None) -> frozenset[Permission] | None:
    """A *requested* scope: None when the request names none (the grant then decides);
    raises ValueError naming an unknown permission."""
    if not scope or not scope.strip():
        return None
    unknown = unknown_scope_names(scope)
    if unknown:
        raise ValueError(f"unknown scope: {' '.join(unknown)}")
    return token_scope(scope)


@lru_cache(maxsize=1024)  # tokens carry a handful of distinct scopes; this runs per request
def token_scope(scope: str) -> frozenset[Permission]:
    """What a token's (or a stored grant's) ``scope`` allows. An empty scope allows nothing:
    it never means "the whole role". Names this version does not know are ignored, so a
    token minted by a newer gateway during a rolling deploy still works for what it knows."""
    known = Permission._value2member_map_
    return frozenset(Permission(name) for name in scope.split() if name in known)


def unknown_scope_names(scope: str) -> list[str]:
    return [name for name in scope.split() if name not in Permission._value2member_map_]


def format_scope(permissions: frozenset[Permission]) -> str:
    return " ".join(sorted(permissions))


class RefreshToken(msgspec.Struct, frozen=True, kw_only=True):
    """One link of a rotation family; the presented secret is never stored, only its hash."""

    id: str
    family_id: str
    token_hash: str
    subject: str
    client_id: str | None
    """None for first-party logins (password grant without a client)."""
    scope: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable_at(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


def hash_refresh_token(secret: str) -> str:
    """SHA-256 suffices: the secret is 256 random bits, so there is nothing to brute-force."""
    return hashlib.sha256(secret.encode()).hexdigest()
