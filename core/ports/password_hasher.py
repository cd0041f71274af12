from typing import Protocol


class PasswordHasher(Protocol):
    """Hashing runs off the event loop: a login must not stall other requests."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """False on a mismatch or a malformed hash; never raises for either."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        ...
