"""What the audit log records. Hashing and verification of the chain live in chain.py."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import msgspec

ActorKind = Literal["user", "client", "system", "anonymous"]
REDACTED = "***"


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: ActorKind
    role: str | None = None

    @classmethod
    def system(cls, name: str) -> "Actor":
        return cls(id=name, kind="system")


ANONYMOUS = Actor(id="anonymous", kind="anonymous")


class Invocation(msgspec.Struct, frozen=True, kw_only=True):
    """Who asked for a change, and from where: what every audit record needs to say."""

    actor: Actor
    correlation_id: str | None = None
    client_ip: str | None = None


class FieldChange(msgspec.Struct, frozen=True, kw_only=True):
    before: Any = None
    after: Any = None
    redacted: bool = False
    """True for secrets: the record says the field changed, never its values."""


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """What a use case appends; the log adds chain position and hashes."""

    action: str
    """e.g. ``create``, ``update``, ``delete``, ``login_succeeded``, ``token_revoked``."""
    resource_type: str
    resource_id: str
    actor: Actor
    occurred_at: datetime
    changes: dict[str, FieldChange] = msgspec.field(default_factory=dict)
    correlation_id: str | None = None
    client_ip: str | None = None


class AuditRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    chain: str
    """One chain per service, e.g. ``gateway``."""
    seq: int
    """1 for a chain's first record, then consecutive."""
    entry: AuditEntry
    prev_hash: str
    hash: str


def changes_between(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    secret_fields: frozenset[str] = frozenset(),
) -> dict[str, FieldChange]:
    """The fields whose value differs; secrets appear as redacted changes without values."""
    old = dict(before or {})
    new = dict(after or {})
    changes: dict[str, FieldChange] = {}
    for field in sorted(old.keys() | new.keys()):
        if old.get(field) == new.get(field):
            continue
        if field in secret_fields:
            changes[field] = FieldChange(redacted=True)
        else:
            changes[field] = FieldChange(before=old.get(field), after=new.get(field))
    return changes
