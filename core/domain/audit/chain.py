"""The hash chain that makes the audit log tamper-evident.

Each record's ``hash`` is SHA-256 over the canonical encoding of everything else in it,
including ``prev_hash``, the hash of the record before it in the same chain. Altering,
removing or reordering a record breaks a link that ``ChainVerifier`` finds.
"""

import hashlib
from collections.abc import Iterable
from datetime import UTC
from typing import Any

import msgspec

from core.domain.audit.model import AuditEntry, AuditRecord, FieldChange

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of a chain's first record."""


class ChainHead(msgspec.Struct, frozen=True, kw_only=True):
    """Where a chain ends: its last record's seq and hash (seq 0 and GENESIS_HASH when empty)."""

    seq: int = 0
    hash: str = GENESIS_HASH


class BrokenLink(msgspec.Struct, frozen=True, kw_only=True):
    chain: str
    seq: int
    """The first position where the chain does not hold."""
    record_id: str | None
    """The record found there; None when the record at ``seq`` is missing."""
    reason: str


class ChainVerification(msgspec.Struct, frozen=True, kw_only=True):
    chain: str
    ok: bool
    records: int
    """Records checked and found intact, from seq 1."""
    head_hash: str
    """Hash of the last intact record: anchor it elsewhere to detect a rewrite of the whole chain."""
    broken: BrokenLink | None = None


def normalised(entry: AuditEntry) -> AuditEntry:
    """``entry`` as it reads back from storage: time in UTC, changes as plain JSON values."""
    changes = msgspec.json.decode(msgspec.json.encode(entry.changes), type=dict[str, FieldChange])
    return msgspec.structs.replace(entry, occurred_at=entry.occurred_at.astimezone(UTC), changes=changes)


def canonical_bytes(record: AuditRecord) -> bytes:
    """Every field but ``hash``, as JSON with sorted keys and UTC times."""
    content: dict[str, Any] = msgspec.to_builtins(
        msgspec.structs.replace(record, entry=normalised(record.entry))
    )
    del content["hash"]
    return msgspec.json.encode(content, order="sorted")


def hash_record(record: AuditRecord) -> str:
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def link(
    prev: AuditRecord | ChainHead | None, entry: AuditEntry, *, chain: str, record_id: str
) -> AuditRecord:
    """The record that follows ``prev`` (None: the chain's first record)."""
    if isinstance(prev, AuditRecord) and prev.chain != chain:
        raise ValueError(f"record {prev.id} belongs to chain {prev.chain!r}, not {chain!r}")
    head = prev or ChainHead()
    unsealed = AuditRecord(
        id=record_id, chain=chain, seq=head.seq + 1, entry=normalised(entry), prev_hash=head.hash, hash=""
    )
    return msgspec.structs.replace(unsealed, hash=hash_record(unsealed))


class ChainVerifier:
    """Checks one chain's records in seq order, one at a time, so a reader can stream them.

    ``anchored`` heads come from signed anchors (anchor.py), kept outside the database: the
    chain must still hold each one's hash at its seq, which a rewrite that recomputed every
    hash after it, or a cut tail with a recomputed head, cannot fake."""

    def __init__(self, chain: str, anchored: Iterable[ChainHead] = ()) -> None:
        self.chain = chain
        self.head = ChainHead()
        self._anchored: dict[int, set[str]] = {}
        for head in anchored:
            self._anchored.setdefault(head.seq, set()).add(head.hash)

    def check(self, record: AuditRecord) -> BrokenLink | None:
        gap = self._gap(record.seq, record.id)
        if gap is not None:
            return gap
        if record.prev_hash != self.head.hash:
            return self._broken(record, f"prev_hash does not match the hash of seq {self.head.seq}")
        if hash_record(record) != record.hash:
            return self._broken(record, "content does not match its hash: the record was altered")
        if self._anchored.get(record.seq, {record.hash}) != {record.hash}:
            reason = (
                f"rewritten: seq {record.seq} does not hold the anchored hash; this record or one"
                " before it was rewritten and the hashes after it recomputed"
            )
            return self._broken(record, reason)
        self.head = ChainHead(seq=record.seq, hash=record.hash)
        return None

    def unreadable(self, seq: int, record_id: str) -> BrokenLink:
        """The stored record at ``seq`` cannot even be decoded."""
        return self._gap(seq, record_id) or BrokenLink(
            chain=self.chain,
            seq=seq,
            record_id=record_id,
            reason="the record cannot be decoded: it was altered",
        )

    def finish(self, stored_head: ChainHead | None) -> BrokenLink | None:
        """Compares the last record with the head the log keeps, and with the newest anchored
        head; None when they agree."""
        head = stored_head or ChainHead()
        if head == self.head:
            return self._cut_before_anchor()
        if head.seq > self.head.seq:
            reason = f"the chain head is at seq {head.seq} but the log ends at seq {self.head.seq}"
            return BrokenLink(chain=self.chain, seq=self.head.seq + 1, record_id=None, reason=reason)
        reason = f"the chain head (seq {head.seq}) does not match the last record (seq {self.head.seq})"
        return BrokenLink(
            chain=self.chain, seq=min(head.seq + 1, self.head.seq), record_id=None, reason=reason
        )

    def _cut_before_anchor(self) -> BrokenLink | None:
        newest = max(self._anchored, default=0)
        if newest <= self.head.seq:
            return None
        reason = f"cut tail: the chain ends at seq {self.head.seq} but was anchored at seq {newest}"
        return BrokenLink(chain=self.chain, seq=self.head.seq + 1, record_id=None, reason=reason)

    def result(self, broken: BrokenLink | None) -> ChainVerification:
        return ChainVerification(
            chain=self.chain,
            ok=broken is None,
            records=self.head.seq,
            head_hash=self.head.hash,
            broken=broken,
        )

    def _gap(self, seq: int, record_id: str) -> BrokenLink | None:
        expected = self.head.seq + 1
        if seq == expected:
            return None
        reason = f"seq {expected} is missing: the next record has seq {seq} (id {record_id})"
        return BrokenLink(chain=self.chain, seq=expected, record_id=None, reason=reason)

    def _broken(self, record: AuditRecord, reason: str) -> BrokenLink:
        return BrokenLink(chain=self.chain, seq=record.seq, record_id=record.id, reason=reason)


def first_broken_link(records: Iterable[AuditRecord], *, chain: str) -> BrokenLink | None:
    """The first link of ``chain`` that does not hold, given its records in seq order."""
    verifier = ChainVerifier(chain)
    for record in records:
        broken = verifier.check(record)
        if broken is not None:
            return broken
    return None
