from typing import Protocol


class TokenRevocations(Protocol):
    """Access tokens ended before their expiry, shared by every service on the same backend.
    What is remembered is kept until every token it could concern has expired, then forgotten."""

    async def revoke_token(self, jti: str, *, expires_at: int) -> None:
        """The token ``jti`` (expiring at ``expires_at``, epoch seconds) stops working at once."""
        ...

    async def revoke_subject(self, subject: str) -> float:
        """Every access token issued to ``subject`` until now stops working at once; returns that
        instant (epoch seconds)."""
        ...

    async def revoked_before(self, subject: str) -> float | None:
        """The instant of the subject's latest ``revoke_subject`` while tokens issued before it
        could still be alive; None when none is in force."""
        ...

    async def is_revoked(self, jti: str, subject: str, issued_at: float) -> bool:
        """Whether a token is revoked, by its own ``jti`` or by a ``revoke_subject`` after its
        ``issued_at``: one read for both."""
        ...
