from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.audit.chain import BrokenLink, ChainHead, ChainVerification
from core.domain.audit.model import AuditEntry, AuditRecord
from core.ports.errors import PortError
from core.ports.pagination import Page, PageRequest

__all__ = [
    "AnchorSignatureCheck",
    "AnchorSigner",
    "AppendOnlyViolation",
    "AuditFilter",
    "AuditReader",
    "AuditTrail",
    "BrokenLink",
    "ChainVerification",
]


class AuditTrail(Protocol):
    """The audit log as a unit of work sees it: append only, nothing else."""

    def record(self, entry: AuditEntry) -> None:
        """Stage ``entry``; it is chained and written in the same transaction as the change,
        at ``UnitOfWork.commit()``, or not at all."""
        ...


class AppendOnlyViolation(PortError):
    """The store refused to change or remove an audit record (no code path should ever try)."""


class AuditFilter(msgspec.Struct, frozen=True, kw_only=True):
    chain: str | None = None
    actor_id: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    """Inclusive."""
    until: datetime | None = None
    """Exclusive."""


class AuditReader(Protocol):
    async def search(self, query: AuditFilter, page: PageRequest) -> Page[AuditRecord]:
        """Newest first (time of the change, then id). An ``after`` this reader did not issue
        raises ``RuleViolated``."""
        ...

    async def chains(self) -> list[str]:
        """Every chain that has a head or a record, sorted."""
        ...

    async def verify_chain(self, chain: str, *, anchored: Sequence[ChainHead] = ()) -> ChainVerification:
        """Walks ``chain`` from seq 1 in one consistent snapshot, streaming in batches, and
        compares its end with the stored head; stops at the first broken link. Each of the
        ``anchored`` heads (from signed anchors) must still be in the chain."""
        ...


class AnchorSigner(Protocol):
    """Signs audit anchors with a private key held by the operator, never by a service."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


class AnchorSignatureCheck(Protocol):
    """Checks audit anchors' signatures with the public half of the operator's key."""

    @property
    def key_id(self) -> str: ...

    def is_valid(self, message: bytes, signature: bytes) -> bool: ...
