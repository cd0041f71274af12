from types import TracebackType
from typing import Protocol, Self

from core.ports.audit import AuditTrail
from core.ports.events import Event


class Outbox(Protocol):
    def add(self, stream: str, event: Event) -> None:
        """Queue ``event`` for ``stream``; it is written with the unit of work's other changes
        and reaches the bus only after ``UnitOfWork.commit()``."""
        ...


class UnitOfWork(Protocol):
    """One transaction: changes, their audit records and outbox events commit together.

    Leaving the ``async with`` block without ``commit()`` rolls everything back. Each bounded
    context extends this protocol with its repositories (``uow.products``, ...).
    """

    outbox: Outbox
    audit: AuditTrail

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
