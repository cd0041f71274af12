"""Writing an audit record: one way for every context. A use case names the change (what was done
to which resource, the state before and after); the record adds who, when and from where.

    record(uow, by, self._clock.now(), USERS.change("disable", user, changed))
    record(uow, by, now, Change(action="unblock", resource=Resource("ip_block", ip), before=..., after=...))
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from core.domain.audit.model import AuditEntry, Invocation, changes_between
from core.ports.uow import UnitOfWork


class Resource(msgspec.Struct, frozen=True):
    kind: str
    id: str


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One audited change. Fields named in ``secret_fields`` are recorded as changed, never with
    their values."""

    action: str
    resource: Resource
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    secret_fields: frozenset[str] = frozenset()

    def entry(self, by: Invocation, at: datetime) -> AuditEntry:
        return AuditEntry(
            action=self.action,
            resource_type=self.resource.kind,
            resource_id=self.resource.id,
            actor=by.actor,
            occurred_at=at,
            changes=changes_between(self.before, self.after, secret_fields=self.secret_fields),
            correlation_id=by.correlation_id,
            client_ip=by.client_ip,
        )


class AuditedEntity:
    """How one kind of entity appears in the audit log, declared once: its resource kind, the
    fields recorded, and which of them are secrets."""

    def __init__(self, kind: str, fields: Iterable[str], *, secrets: Iterable[str] = ()) -> None:
        self.kind = kind
        self.fields = tuple(fields)
        self.secrets = frozenset(secrets)

    def snapshot(self, entity: Any | None) -> dict[str, Any] | None:
        if entity is None:
            return None
        return {name: _plain(getattr(entity, name)) for name in self.fields}

    def change(self, action: str, before: Any | None, after: Any | None) -> Change:
        """``before`` None for a creation, ``after`` None for a deletion; the id is the entity's."""
        subject = after if after is not None else before
        if subject is None:
            raise ValueError("a change needs the entity before or after it")
        return Change(
            action=action,
            resource=Resource(self.kind, str(subject.id)),
            before=self.snapshot(before),
            after=self.snapshot(after),
            secret_fields=self.secrets,
        )


def record(uow: UnitOfWork, by: Invocation, at: datetime, change: Change) -> None:
    """Staged in ``uow``: written with the change it describes, at commit, or not at all."""
    uow.audit.record(change.entry(by, at))


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, frozenset | set) else value
