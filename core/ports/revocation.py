from typing import Protocol


class SubjectRevocations(Protocol):
    async def revoke_all(self, subject: str) -> None:
        """Every access token issued to subject until now stops working at once."""
        ...

    async def revoked_before(self, subject: str) -> float | None:
        """Epoch seconds of the subject's latest ``revoke_all`` while tokens issued before it
        could still be alive; None when none is in force."""
        ...
