from typing import Protocol


class HealthProbe(Protocol):
    """One dependency a service needs to do its work (a database, Redis, ...)."""

    name: str

    async def check(self) -> None:
        """Return when the dependency answers; raise ``Unavailable`` saying why when not."""
        ...
