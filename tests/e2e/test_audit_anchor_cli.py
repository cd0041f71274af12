"""Signed anchors of the audit chains, as an operator uses them: ``bhiv audit anchor-keygen``,
``bhiv audit anchor``, ``bhiv audit verify --anchor``. On SQLite and PostgreSQL.

The attacker here can write the database and run the chain code: the tampering below verifies
as an intact chain without anchors, and is found with them."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.crypto.anchor_keys import write_key_pair
from adapters.db.audit import from_row, to_row
from adapters.db.engine import create_engine, session_factory
from adapters.db.migrate import upgrade
from adapters.db.settings import DatabaseSettings
from adapters.db.tables import audit_chain_heads, audit_log
from adapters.db.uow import SqlUnitOfWork
from core.domain.audit.chain import link
from core.domain.audit.model import Actor, AuditEntry, AuditRecord, FieldChange
from tests.contracts.audit_fixtures import SQLITE_GUARDS
from tests.support.processes import run_bhiv

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Deployment:
    env: dict[str, str]
    """Names the database and the operator's private key."""
    engine: AsyncEngine
    keys: Path
    anchors: Path

    def bhiv(self, *args: str, **env: str) -> tuple[int, list[dict[str, Any]], str]:
        result = run_bhiv(list(args), env={**self.env, **env})
        return result.returncode, [json.loads(line) for line in result.stdout.splitlines()], result.stderr

    def verify(self, **env: str) -> tuple[int, dict[str, dict[str, Any]]]:
        """``bhiv audit verify --anchor`` with the public key only, as an auditor runs it."""
        code, lines, stderr = self.bhiv(
            "audit", "verify", "--anchor", str(self.anchors), **{**self.public_key_only(), **env}
        )
        assert code in (0, 1), stderr
        return code, {line["chain"]: line for line in lines}

    def public_key_only(self) -> dict[str, str]:
        return {
            "BHIV_AUDIT_ANCHOR_KEY_FILE": "",
            "BHIV_AUDIT_ANCHOR_PUBLIC_KEY_FILE": str(self.keys / "audit-anchor.pub"),
        }

    def anchor(self) -> None:
        code, _, stderr = self.bhiv("audit", "anchor", "--out", str(self.anchors))
        assert code == 0, stderr


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("fresh_postgres_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'bhiv.db'}"


@pytest.fixture
async def deployment(database_url: str, tmp_path: Path) -> AsyncIterator[Deployment]:
    """Chain gateway with 6 records, crm with 3, both anchored; the anchors in a file."""
    keys = tmp_path / "operator"
    write_key_pair(keys)  # as `bhiv audit anchor-keygen` does (tested below), without a process
    env = {"BHIV_DATABASE_URL": database_url, "BHIV_AUDIT_ANCHOR_KEY_FILE": str(keys / "audit-anchor.key")}
    settings = DatabaseSettings(url=database_url)
    await upgrade(settings)
    engine = create_engine(settings)
    try:
        await record(engine, "gateway", 6)
        await record(engine, "crm", 3)
        deployment = Deployment(env=env, engine=engine, keys=keys, anchors=tmp_path / "anchors.jsonl")
        deployment.anchor()
        yield deployment
    finally:
        await engine.dispose()


async def record(engine: AsyncEngine, chain: str, count: int) -> None:
    for n in range(count):
        async with SqlUnitOfWork(session_factory(engine), audit_chain=chain) as uow:
            uow.audit.record(
                AuditEntry(
                    action="update",
                    resource_type="account",
                    resource_id=f"a-{n}",
                    actor=Actor(id="ops-1", kind="user", role="ops"),
                    occurred_at=datetime.now(UTC),
                    changes={"limit": FieldChange(before=n, after=n + 1)},
                )
            )
            await uow.commit()


@asynccontextmanager
async def as_database_administrator(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Append-only guards off: what a superuser (or a stolen DBA password) can do."""
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            for trigger in SQLITE_GUARDS:
                await connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        else:
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield connection


async def chain_records(connection: AsyncConnection, chain: str) -> list[AuditRecord]:
    rows = await connection.execute(
        select(audit_log).where(audit_log.c.chain == chain).order_by(audit_log.c.seq)
    )
    return [from_row(row) for row in rows]


async def move_head(connection: AsyncConnection, chain: str, last: AuditRecord) -> None:
    await connection.execute(
        update(audit_chain_heads)
        .where(audit_chain_heads.c.chain == chain)
        .values(seq=last.seq, hash=last.hash)
    )


async def cut_tail(engine: AsyncEngine, chain: str, *, keep: int) -> None:
    """Deletes the records after seq ``keep`` and moves the head back to match."""
    async with as_database_administrator(engine) as connection:
        await connection.execute(delete(audit_log).where(audit_log.c.chain == chain, audit_log.c.seq > keep))
        await move_head(connection, chain, (await chain_records(connection, chain))[-1])


async def rewrite_and_rehash(engine: AsyncEngine, chain: str, *, seq: int, actor: str) -> None:
    """Gives the record at ``seq`` another actor, then recomputes its hash, every hash after it
    and the head, exactly as the application would have written them."""
    async with as_database_administrator(engine) as connection:
        records = await chain_records(connection, chain)
        previous: AuditRecord | None = records[seq - 2] if seq > 1 else None
        for original in records[seq - 1 :]:
            entry = original.entry
            if original.seq == seq:
                entry = msgspec.structs.replace(entry, actor=Actor(id=actor, kind="user", role="admin"))
            previous = link(previous, entry, chain=chain, record_id=original.id)
            await connection.execute(
                update(audit_log).where(audit_log.c.id == original.id).values(to_row(previous))
            )
        assert previous is not None
        await move_head(connection, chain, previous)


def edited_anchor(path: Path, chain: str, **changes: Any) -> None:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    path.write_text(
        "".join(json.dumps({**line, **changes} if line["chain"] == chain else line) + "\n" for line in lines)
    )


def assert_unseen_without_anchors(deployment: Deployment) -> None:
    code, lines, _ = deployment.bhiv("audit", "verify")
    assert code == 0, "without anchors the tampering goes unseen: that is what anchors are for"
    assert all(line["ok"] for line in lines)


async def test_an_intact_chain_matches_its_anchors(deployment: Deployment) -> None:
    anchors = [json.loads(line) for line in deployment.anchors.read_text().splitlines()]
    assert [(a["chain"], a["seq"]) for a in anchors] == [("crm", 3), ("gateway", 6)]
    assert all(a["format"] == "bhiv-audit-anchor/1" and a["key_id"].startswith("ed25519:") for a in anchors)

    code, chains = deployment.verify()

    assert code == 0
    assert {name: (line["ok"], line["records"], line["anchored_seq"]) for name, line in chains.items()} == {
        "crm": (True, 3, 3),
        "gateway": (True, 6, 6),
    }
    assert all("broken" not in line and "anchor_errors" not in line for line in chains.values())


async def test_one_chain_can_be_anchored_and_checked_alone(deployment: Deployment) -> None:
    code, lines, stderr = deployment.bhiv("audit", "anchor", "--chain", "crm")
    assert code == 0, stderr
    assert [(line["chain"], line["seq"]) for line in lines] == [("crm", 3)]

    code, lines, _ = deployment.bhiv(
        "audit",
        "verify",
        "--chain",
        "crm",
        "--anchor",
        str(deployment.anchors),
        **deployment.public_key_only(),
    )
    assert code == 0
    assert [(line["chain"], line["anchored_seq"]) for line in lines] == [("crm", 3)]


async def test_records_after_the_last_anchor_verify_until_the_next_anchor_covers_them(
    deployment: Deployment,
) -> None:
    await record(deployment.engine, "gateway", 2)

    code, chains = deployment.verify()
    assert code == 0
    assert (chains["gateway"]["records"], chains["gateway"]["anchored_seq"]) == (8, 6)

    deployment.anchor()  # appended: the older anchors keep guarding the older records
    code, chains = deployment.verify()
    assert code == 0
    assert chains["gateway"]["anchored_seq"] == 8


async def test_a_cut_tail_with_its_head_moved_back_is_found(deployment: Deployment) -> None:
    await cut_tail(deployment.engine, "gateway", keep=4)
    assert_unseen_without_anchors(deployment)

    code, chains = deployment.verify()

    assert code == 1
    assert chains["crm"]["ok"] is True
    gateway = chains["gateway"]
    assert (gateway["ok"], gateway["records"]) == (False, 4)
    assert gateway["broken"] == {
        "chain": "gateway",
        "seq": 5,
        "record_id": None,
        "reason": "cut tail: the chain ends at seq 4 but was anchored at seq 6",
    }


async def test_a_cut_tail_is_not_anchored_again_over_its_earlier_anchor(deployment: Deployment) -> None:
    """A scheduled ``bhiv audit anchor --out`` must fail loudly, not sign the shorter chain."""
    await cut_tail(deployment.engine, "gateway", keep=4)
    before = deployment.anchors.read_text()

    code, _, stderr = deployment.bhiv("audit", "anchor", "--out", str(deployment.anchors))

    assert code == 1
    assert "gateway" in stderr
    assert deployment.anchors.read_text() == before, "nothing signed"


async def test_a_whole_chain_removed_is_found(deployment: Deployment) -> None:
    async with as_database_administrator(deployment.engine) as connection:
        await connection.execute(delete(audit_log).where(audit_log.c.chain == "crm"))
        await connection.execute(delete(audit_chain_heads).where(audit_chain_heads.c.chain == "crm"))

    code, chains = deployment.verify()

    assert code == 1
    assert chains["crm"]["broken"]["reason"] == "cut tail: the chain ends at seq 0 but was anchored at seq 3"


async def test_a_rewritten_record_with_every_later_hash_recomputed_is_found(deployment: Deployment) -> None:
    await rewrite_and_rehash(deployment.engine, "gateway", seq=2, actor="intruder")
    assert_unseen_without_anchors(deployment)

    code, chains = deployment.verify()

    assert code == 1
    broken = chains["gateway"]["broken"]
    assert broken["seq"] == 6
    assert broken["reason"].startswith("rewritten: seq 6 does not hold the anchored hash")
    assert chains["crm"]["ok"] is True


async def test_a_tampered_anchor_is_refused_for_its_signature(deployment: Deployment) -> None:
    """Moving an anchor to match a rewritten chain needs the private key."""
    await rewrite_and_rehash(deployment.engine, "gateway", seq=2, actor="intruder")
    async with deployment.engine.connect() as connection:
        new_head = (await chain_records(connection, "gateway"))[-1].hash
    edited_anchor(deployment.anchors, "gateway", head_hash=new_head)

    code, chains = deployment.verify()

    assert code == 1
    gateway = chains["gateway"]
    assert gateway["ok"] is False
    assert gateway["anchor_errors"] == [
        "bad signature: the anchor was altered after it was signed, or forged"
    ]
    assert "anchored_seq" not in gateway
    assert chains["crm"]["ok"] is True


async def test_an_anchor_signed_with_another_key_is_refused(deployment: Deployment, tmp_path: Path) -> None:
    other = tmp_path / "someone-else"
    assert run_bhiv(["audit", "anchor-keygen", "--out", str(other)]).returncode == 0
    deployment.anchors.unlink()
    deployment.anchor()

    code, chains = deployment.verify(BHIV_AUDIT_ANCHOR_PUBLIC_KEY_FILE=str(other / "audit-anchor.pub"))

    assert code == 1
    [error] = chains["gateway"]["anchor_errors"]
    assert error.startswith("bad signature: signed with key ed25519:")


async def test_the_public_key_is_derived_from_the_private_key_file_when_only_that_is_given(
    deployment: Deployment,
) -> None:
    code, lines, stderr = deployment.bhiv("audit", "verify", "--anchor", str(deployment.anchors))
    assert code == 0, stderr
    assert [line["anchored_seq"] for line in lines] == [3, 6]


async def test_a_broken_chain_is_not_anchored(deployment: Deployment) -> None:
    async with as_database_administrator(deployment.engine) as connection:
        await connection.execute(
            update(audit_log)
            .where(audit_log.c.chain == "gateway", audit_log.c.seq == 2)
            .values(resource_id="a-99")
        )
    before = deployment.anchors.read_text()

    code, lines, stderr = deployment.bhiv("audit", "anchor", "--out", str(deployment.anchors))

    assert code == 1
    assert lines == []
    assert deployment.anchors.read_text() == before
    [line] = stderr.strip().splitlines()
    assert line.startswith(
        "bhiv: nothing anchored, a chain is broken (chain gateway at seq 2: content does not"
    )


async def test_anchoring_without_the_key_file_stops_with_one_line(deployment: Deployment) -> None:
    code, lines, stderr = deployment.bhiv("audit", "anchor", BHIV_AUDIT_ANCHOR_KEY_FILE="")

    assert (code, lines) == (2, [])
    assert stderr.strip().splitlines() == [
        "bhiv: set BHIV_AUDIT_ANCHOR_KEY_FILE to the anchor key file (made by `bhiv audit anchor-keygen`)"
    ]


async def test_an_anchor_file_that_is_not_anchors_stops_with_one_line(deployment: Deployment) -> None:
    deployment.anchors.write_text('{"chain": "gateway"}\n')

    code, lines, stderr = deployment.bhiv(
        "audit", "verify", "--anchor", str(deployment.anchors), **deployment.public_key_only()
    )

    assert (code, lines) == (2, [])
    [line] = stderr.strip().splitlines()
    assert line.startswith(f"bhiv: {deployment.anchors} line 1 is not an audit anchor")


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_it(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    result = run_bhiv(["audit", "anchor-keygen", "--out", str(keys)])
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    private, public = Path(made["private_key"]), Path(made["public_key"])
    assert private.stat().st_mode & 0o777 == 0o600
    assert keys.stat().st_mode & 0o777 == 0o700
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    before = private.read_bytes()

    again = run_bhiv(["audit", "anchor-keygen", "--out", str(keys)])

    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [f"bhiv: {private} exists; not overwritten"]
    assert private.read_bytes() == before
