from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import msgspec

from core.domain.identity.tokens import AccessTokenClaims, RefreshToken


class AccessTokenSigner(Protocol):
    async def sign(self, claims: AccessTokenClaims) -> str:
        """A compact JWS signed with the current signing key, its ``kid`` in the header."""
        ...


class AccessTokenVerifier(Protocol):
    async def verify(self, token: str) -> AccessTokenClaims:
        """Signature, algorithm, ``kid``, ``iss``, ``aud``, ``exp``/``nbf`` (with leeway) and
        revocation are all checked; raises ``InvalidToken`` saying which check failed."""
        ...


class SigningKeys(Protocol):
    async def rotate(self) -> str:
        """Add a new signing key and make it current; returns its ``kid``. Older public keys
        keep verifying until every token they signed has expired."""
        ...

    async def ensure_current(self) -> str:
        """The current signing key's ``kid``, creating the first key when there is none."""
        ...

    async def public_jwks(self) -> dict[str, Any]:
        """The JWK Set (RFC 7517) of every key whose tokens may still be valid."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get_by_hash(self, token_hash: str, *, lock: bool = True) -> RefreshToken | None:
        """``lock``: the row stays locked until the unit of work ends (concurrent rotations
        serialise)."""
        ...

    async def mark_used(self, token_id: str) -> None: ...

    async def revoke_family(self, family_id: str) -> int:
        """Revokes every token of the family not yet revoked; returns how many."""
        ...

    async def revoke_subject(self, subject: str) -> int:
        """Revokes every refresh token of the subject not yet revoked; returns how many."""
        ...


class SigningKeyRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A signing key at rest: its public JWK, and its private key sealed under the master key."""

    kid: str
    algorithm: str
    public_jwk: str
    sealed_private_key: bytes
    created_at: datetime
    retire_after: datetime | None = None


class SigningKeyRecords(Protocol):
    """Signing keys at rest. Each method is its own short transaction."""

    async def live(self, now: datetime) -> Sequence[SigningKeyRecord]:
        """Keys whose tokens may still be valid, newest first; the first unretired one signs."""
        ...

    async def add_current(self, record: SigningKeyRecord, *, retire_others_after: datetime) -> None:
        """Insert ``record`` and schedule every other unretired key's retirement, atomically."""
        ...
