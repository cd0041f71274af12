"""What an anchor signs and what it proves about a chain, without a database."""

import json
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.crypto.anchor_keys import Ed25519AnchorSignatureCheck, Ed25519AnchorSigner
from core.domain.audit.anchor import AuditAnchor, sign, signature_problem, signed_bytes
from core.domain.audit.chain import ChainHead, ChainVerifier, link
from core.domain.audit.model import Actor, AuditEntry, AuditRecord

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
OPERATOR = Ed25519PrivateKey.generate()
SIGNER = Ed25519AnchorSigner(OPERATOR)
CHECK = Ed25519AnchorSignatureCheck(OPERATOR.public_key())


def chain_of(count: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for n in range(count):
        entry = AuditEntry(
            action="update",
            resource_type="order",
            resource_id=f"o-{n}",
            actor=Actor(id="ops-1", kind="user"),
            occurred_at=T0 + timedelta(seconds=n),
        )
        records.append(link(records[-1] if records else None, entry, chain="gateway", record_id=f"r-{n + 1}"))
    return records


def walk(records: list[AuditRecord], anchored: list[ChainHead]) -> str | None:
    verifier = ChainVerifier("gateway", anchored)
    for record in records:
        broken = verifier.check(record)
        if broken is not None:
            return broken.reason
    last = records[-1] if records else None
    finished = verifier.finish(ChainHead(seq=last.seq, hash=last.hash) if last else None)
    return finished.reason if finished else None


def head_at(records: list[AuditRecord], seq: int) -> ChainHead:
    return ChainHead(seq=seq, hash=records[seq - 1].hash)


def test_a_chain_holding_every_anchored_head_verifies() -> None:
    records = chain_of(5)
    assert walk(records, [head_at(records, 2), head_at(records, 5)]) is None


def test_a_chain_that_ends_before_an_anchored_seq_lost_its_tail() -> None:
    records = chain_of(5)
    assert (
        walk(records[:3], [head_at(records, 5)])
        == "cut tail: the chain ends at seq 3 but was anchored at seq 5"
    )


def test_another_hash_at_an_anchored_seq_means_a_rewrite() -> None:
    records = chain_of(5)
    rehashed = [records[0]]
    for record in records[1:]:
        entry = record.entry
        if record.seq == 2:
            entry = msgspec.structs.replace(entry, resource_id="o-forged")
        rehashed.append(link(rehashed[-1], entry, chain="gateway", record_id=record.id))
    assert walk(rehashed, []) is None, "a rehashed chain holds together on its own"

    reason = walk(rehashed, [head_at(records, 4)])

    assert reason is not None
    assert reason.startswith("rewritten: seq 4 does not hold the anchored hash")


def test_the_signed_bytes_are_the_same_however_the_anchor_file_was_re_encoded() -> None:
    anchor = sign("gateway", ChainHead(seq=7, hash="ab" * 32), T0, SIGNER)
    reordered = json.dumps(dict(reversed(list(msgspec.to_builtins(anchor).items()))), indent=2)
    elsewhere = msgspec.structs.replace(
        anchor, anchored_at=T0.astimezone(timezone(timedelta(hours=5, minutes=30)))
    )

    assert signed_bytes(msgspec.json.decode(reordered, type=AuditAnchor)) == signed_bytes(anchor)
    assert signed_bytes(elsewhere) == signed_bytes(anchor)
    assert signature_problem(anchor, CHECK) is None


@pytest.mark.parametrize(
    "changes",
    [{"seq": 6}, {"head_hash": "cd" * 32}, {"chain": "crm"}, {"anchored_at": T0 + timedelta(days=1)}],
    ids=["seq", "head_hash", "chain", "anchored_at"],
)
def test_changing_any_signed_field_breaks_the_signature(changes: dict[str, object]) -> None:
    anchor = msgspec.structs.replace(sign("gateway", ChainHead(seq=7, hash="ab" * 32), T0, SIGNER), **changes)

    assert (
        signature_problem(anchor, CHECK)
        == "bad signature: the anchor was altered after it was signed, or forged"
    )


def test_an_anchor_from_another_key_or_format_is_refused() -> None:
    anchor = sign("gateway", ChainHead(seq=7, hash="ab" * 32), T0, SIGNER)
    stranger = Ed25519AnchorSignatureCheck(Ed25519PrivateKey.generate().public_key())

    assert (signature_problem(anchor, stranger) or "").startswith("bad signature: signed with key ed25519:")
    later_format = msgspec.structs.replace(anchor, format="bhiv-audit-anchor/2")
    assert (signature_problem(later_format, CHECK) or "").startswith("bad signature: 'bhiv-audit-anchor/2'")


def test_an_anchor_with_unknown_fields_is_not_an_anchor() -> None:
    anchor = msgspec.to_builtins(sign("gateway", ChainHead(seq=7, hash="ab" * 32), T0, SIGNER))
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(json.dumps({**anchor, "note": "unsigned"}), type=AuditAnchor)
