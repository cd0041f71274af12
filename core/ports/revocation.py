from typing import Protocol


class SubjectRevocations(Protocol):
    async def revoke_all(self, subject: str) -> None:
        """Every token issued to subject until now stops working at once"""
        ...
