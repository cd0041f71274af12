"""The hash chain: how records link, and how verification names the first broken link."""

from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from core.domain.audit.chain import (
    GENESIS_HASH,
    ChainHead,
    ChainVerifier,
    canonical_bytes,
    first_broken_link,
    hash_record,
    link,
)
from core.domain.audit.model import Actor, AuditEntry, AuditRecord, FieldChange, changes_between

ADMIN = Actor(id="user-1", kind="user", role="admin")
T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def entry(n: int = 0, **overrides: object) -> AuditEntry:
    fields: dict[str, object] = {
        "action": "update",
        "resource_type": "user",
        "resource_id": f"u-{n}",
        "actor": ADMIN,
        "occurred_at": T0 + timedelta(seconds=n),
        "changes": {"role": FieldChange(before="sales", after="ops")},
        "correlation_id": f"corr-{n}",
        "client_ip": "203.0.113.9",
    }
    return AuditEntry(**{**fields, **overrides})  # type: ignore[arg-type]


def chain_of(count: int, name: str = "gateway") -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for n in range(count):
        records.append(link(records[-1] if records else None, entry(n), chain=name, record_id=f"r-{n + 1}"))
    return records


def test_a_chain_starts_at_seq_1_after_the_genesis_hash() -> None:
    first = link(None, entry(), chain="gateway", record_id="r-1")
    assert (first.seq, first.prev_hash, first.chain) == (1, GENESIS_HASH, "gateway")
    assert first.hash == hash_record(first) != GENESIS_HASH


def test_each_record_carries_the_hash_of_the_one_before() -> None:
    records = chain_of(3)
    assert [r.seq for r in records] == [1, 2, 3]
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]


def test_a_head_links_like_the_record_it_stands_for() -> None:
    first = link(None, entry(), chain="gateway", record_id="r-1")
    from_head = link(ChainHead(seq=first.seq, hash=first.hash), entry(1), chain="gateway", record_id="r-2")
    assert from_head == link(first, entry(1), chain="gateway", record_id="r-2")


def test_linking_to_a_record_of_another_chain_is_refused() -> None:
    first = link(None, entry(), chain="crm", record_id="r-1")
    with pytest.raises(ValueError, match="belongs to chain"):
        link(first, entry(1), chain="gateway", record_id="r-2")


@pytest.mark.parametrize(
    "change",
    [
        {"id": "other"},
        {"chain": "crm"},
        {"seq": 9},
        {"prev_hash": "1" * 64},
        {"entry": entry(action="delete")},
        {"entry": entry(actor=Actor(id="user-2", kind="user", role="admin"))},
        {"entry": entry(changes={"role": FieldChange(before="sales", after="admin")})},
        {"entry": entry(occurred_at=T0 + timedelta(microseconds=1))},
        {"entry": entry(client_ip=None)},
    ],
)
def test_the_hash_covers_every_field_but_itself(change: dict[str, object]) -> None:
    record = link(None, entry(), chain="gateway", record_id="r-1")
    assert hash_record(msgspec.structs.replace(record, **change)) != record.hash  # type: ignore[arg-type]
    assert hash_record(msgspec.structs.replace(record, hash="x")) == record.hash


def test_the_encoding_is_canonical_sorted_json_with_utc_times() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    here = link(None, entry(occurred_at=T0.astimezone(india)), chain="gateway", record_id="r-1")
    there = link(None, entry(occurred_at=T0), chain="gateway", record_id="r-1")
    assert here == there
    encoded = canonical_bytes(here)
    assert b'"occurred_at":"2024-06-01T12:00:00Z"' in encoded
    content = msgspec.json.decode(encoded)
    assert "hash" not in content
    assert list(content) == sorted(content)


def test_changes_are_hashed_as_they_read_back_from_storage() -> None:
    record = link(
        None, entry(changes={"tags": FieldChange(before=("a", "b"), after=None)}), chain="g", record_id="r"
    )
    stored = msgspec.json.decode(msgspec.json.encode(record.entry.changes), type=dict[str, FieldChange])
    assert (
        hash_record(
            msgspec.structs.replace(record, entry=msgspec.structs.replace(record.entry, changes=stored))
        )
        == record.hash
    )


def test_an_intact_chain_and_an_empty_one_have_no_broken_link() -> None:
    assert first_broken_link(chain_of(5), chain="gateway") is None
    assert first_broken_link([], chain="gateway") is None


def test_an_altered_record_is_named_by_seq_and_id() -> None:
    records = chain_of(5)
    records[2] = msgspec.structs.replace(records[2], entry=entry(2, action="delete"))
    broken = first_broken_link(records, chain="gateway")
    assert broken is not None
    assert (broken.seq, broken.record_id) == (3, "r-3")
    assert "altered" in broken.reason


def test_an_altered_record_whose_hash_was_recomputed_breaks_the_next_link() -> None:
    records = chain_of(5)
    altered = msgspec.structs.replace(records[2], entry=entry(2, action="delete"))
    records[2] = msgspec.structs.replace(altered, hash=hash_record(altered))
    broken = first_broken_link(records, chain="gateway")
    assert broken is not None
    assert (broken.seq, broken.record_id) == (4, "r-4")
    assert "prev_hash" in broken.reason


def test_a_missing_record_is_named_by_its_seq() -> None:
    records = chain_of(5)
    del records[1]
    broken = first_broken_link(records, chain="gateway")
    assert broken is not None
    assert (broken.seq, broken.record_id) == (2, None)
    assert "seq 2 is missing" in broken.reason


def test_a_chain_must_start_from_the_genesis_hash() -> None:
    records = chain_of(2)
    records[0] = msgspec.structs.replace(records[0], prev_hash="f" * 64)
    broken = first_broken_link(records, chain="gateway")
    assert broken is not None
    assert broken.seq == 1


def test_records_missing_from_the_end_show_against_the_stored_head() -> None:
    records = chain_of(4)
    verifier = ChainVerifier("gateway")
    for record in records[:3]:
        assert verifier.check(record) is None
    broken = verifier.finish(ChainHead(seq=4, hash=records[3].hash))
    assert broken is not None
    assert (broken.seq, broken.record_id) == (4, None)
    result = verifier.result(broken)
    assert (result.ok, result.records, result.head_hash) == (False, 3, records[2].hash)


def test_a_verified_chain_reports_its_length_and_head_hash() -> None:
    records = chain_of(3)
    verifier = ChainVerifier("gateway")
    assert all(verifier.check(record) is None for record in records)
    result = verifier.result(verifier.finish(ChainHead(seq=3, hash=records[-1].hash)))
    assert (result.ok, result.records, result.head_hash, result.broken) == (True, 3, records[-1].hash, None)


def test_secret_fields_change_without_their_values() -> None:
    changes = changes_between(
        {"email": "a@x.io", "password_hash": "$argon2id$old", "role": "sales"},
        {"email": "a@x.io", "password_hash": "$argon2id$new", "role": "ops"},
        secret_fields=frozenset({"password_hash"}),
    )
    assert changes == {
        "password_hash": FieldChange(redacted=True),
        "role": FieldChange(before="sales", after="ops"),
    }
    record = link(None, entry(changes=changes), chain="gateway", record_id="r-1")
    assert b"argon2id" not in canonical_bytes(record)


def test_created_and_deleted_resources_record_every_field_once() -> None:
    assert changes_between(None, {"name": "Acme"}) == {"name": FieldChange(before=None, after="Acme")}
    assert changes_between({"name": "Acme"}, None) == {"name": FieldChange(before="Acme", after=None)}
