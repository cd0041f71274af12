"""Threat response on real stores: escalating IP blocks, throttled alerts, behaviour limits,
admin blocks; on SQLite and PostgreSQL (events and alerts) with the in-process blocklist."""

import asyncio
import random
from dataclasses import dataclass

import msgspec
import pytest
from sqlalchemy import select

from adapters.alerts.logged import LoggedAlertNotifier
from adapters.db.tables import audit_log, outbox
from adapters.db.threat.stores import SqlAlertStore, SqlThreatEventStore
from adapters.db.threat.uow import SqlThreatUnitOfWork
from adapters.inspection.detectors.inspector import Inspector
from adapters.memory.state import MemoryState
from adapters.system.clock import AsyncioScheduler, Uuid7IdGenerator
from core.domain.audit.model import Actor, Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.threat.admin import BlockIp, UnblockIp
from core.domain.threat.baseline import RateBaseline, RateBaselineSettings
from core.domain.threat.model import AttackKind, Finding, Location, RequestSample, Verdict
from core.domain.threat.policy import ThreatPolicy
from core.domain.threat.response import ThreatResponder
from core.domain.threat.use_cases import ObserveBehaviour, ScreenRequest
from core.ports.pagination import PageRequest
from core.ports.threat import ThreatEventFilter
from tests.contracts.db_fixtures import Database
from tests.support.fake_clock import FakeClock

ADMIN = Invocation(actor=Actor(id="admin-1", kind="user", role="admin"), client_ip="127.0.0.1")
POLICY = ThreatPolicy(allowlist=["192.0.2.0/24"], error_responses_per_minute=5, invalid_tokens_per_minute=3)


def an_ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@dataclass
class Defence:
    clock: FakeClock
    state: MemoryState
    events: SqlThreatEventStore
    alerts: SqlAlertStore
    responder: ThreatResponder
    observe: ObserveBehaviour
    screen: ScreenRequest
    database: Database

    async def blocked_for(self, ip: str) -> float | None:
        block = await self.state.blocklist.get(ip)
        return None if block is None else (block.expires_at - self.clock.now()).total_seconds()

    async def alerts_for(self, ip: str) -> int:
        return len(
            [alert for alert in (await self.alerts.recent(PageRequest(limit=200))).items if alert.ip == ip]
        )


@pytest.fixture
def defence(database: Database) -> Defence:
    clock = FakeClock()
    state = MemoryState.with_clock(clock)
    events, alerts = SqlThreatEventStore(database.engine), SqlAlertStore(database.engine)
    responder = ThreatResponder(
        POLICY,
        state.blocklist,
        state.key_value,
        lambda: SqlThreatUnitOfWork(database.sessions, clock, audit_chain="tests"),
        LoggedAlertNotifier(),
        clock,
        Uuid7IdGenerator(),
    )
    observe = ObserveBehaviour(POLICY, state.rate_limiter, responder)
    baseline = RateBaseline(RateBaselineSettings())
    limiter = state.rate_limiter
    screen = ScreenRequest(
        Inspector(), POLICY, state.blocklist, limiter, baseline, responder, clock, AsyncioScheduler()
    )
    return Defence(clock, state, events, alerts, responder, observe, screen, database)


def sqli(score: float = 0.95) -> Finding:
    return Finding(
        kind=AttackKind.SQLI, score=score, location=Location.QUERY, field="q", evidence="' or 1=1--"
    )


async def test_each_block_of_the_same_ip_lasts_longer(defence: Defence) -> None:
    ip = an_ip()
    durations = []
    for _ in range(4):
        durations.append(await defence.responder.respond(Verdict.BLOCK_IP, [sqli()], ip=ip))
        defence.clock.advance(100_000)  # the block has long expired
    assert durations == [300.0, 1800.0, 86_400.0, 86_400.0]


async def test_alerts_are_throttled_to_one_per_ip_per_window(defence: Defence) -> None:
    ip = an_ip()
    for _ in range(3):
        await defence.responder.respond(Verdict.BLOCK_IP, [sqli()], ip=ip)
    assert await defence.alerts_for(ip) == 1

    defence.clock.advance(POLICY.alert_window_seconds + 1)
    await defence.responder.respond(Verdict.BLOCK_IP, [sqli()], ip=ip)
    assert await defence.alerts_for(ip) == 2


async def test_a_refused_request_is_recorded_and_searchable(defence: Defence) -> None:
    ip = an_ip()
    await defence.responder.respond(Verdict.BLOCK_REQUEST, [sqli(0.7)], ip=ip)

    page = await defence.events.search(ThreatEventFilter(ip=ip, kind=AttackKind.SQLI), PageRequest(limit=10))

    assert [(event.verdict, event.severity) for event in page.items] == [(Verdict.BLOCK_REQUEST, "medium")]
    assert await defence.blocked_for(ip) is None


async def test_a_burst_of_error_answers_blocks_the_ip_as_scanning(defence: Defence) -> None:
    ip = an_ip()
    for _ in range(POLICY.error_responses_per_minute):
        await defence.observe.response(ip, 404, invalid_token=False)
    assert await defence.blocked_for(ip) is None

    await defence.observe.response(ip, 404, invalid_token=False)

    assert await defence.blocked_for(ip) == 300.0
    page = await defence.events.search(ThreatEventFilter(ip=ip), PageRequest(limit=10))
    assert page.items[0].kind is AttackKind.SCANNING


async def test_a_flood_of_invalid_tokens_blocks_the_ip(defence: Defence) -> None:
    ip = an_ip()
    for _ in range(POLICY.invalid_tokens_per_minute + 1):
        await defence.observe.response(ip, 401, invalid_token=True)
    page = await defence.events.search(
        ThreatEventFilter(ip=ip, kind=AttackKind.TOKEN_FLOOD), PageRequest(limit=5)
    )
    assert page.items
    assert await defence.blocked_for(ip) is not None


async def test_many_failed_logins_for_one_account_block_the_ip_as_brute_force(defence: Defence) -> None:
    ip = an_ip()
    for _ in range(POLICY.failed_logins_per_account + 1):
        await defence.observe.failed_login(ip, "sha256-of-victim@example.com")
    page = await defence.events.search(ThreatEventFilter(ip=ip), PageRequest(limit=5))
    assert page.items[0].kind is AttackKind.BRUTE_FORCE


async def test_failed_logins_across_many_accounts_block_the_ip_as_credential_stuffing(
    defence: Defence,
) -> None:
    ip = an_ip()
    for account in range(POLICY.failed_logins_per_ip + 1):
        await defence.observe.failed_login(ip, f"account-{account}")
    page = await defence.events.search(ThreatEventFilter(ip=ip), PageRequest(limit=5))
    assert page.items[0].kind is AttackKind.CREDENTIAL_STUFFING


async def test_an_allowlisted_ip_is_never_blocked(defence: Defence) -> None:
    for _ in range(50):
        await defence.observe.response("192.0.2.7", 404, invalid_token=True)
    assert await defence.blocked_for("192.0.2.7") is None


async def test_an_admin_blocks_and_unblocks_an_ip_and_both_are_audited(defence: Defence) -> None:
    ip = an_ip()
    block_ip = BlockIp(
        defence.state.blocklist, defence.database.unit_of_work("gateway"), defence.clock, POLICY
    )
    unblock_ip = UnblockIp(defence.state.blocklist, defence.database.unit_of_work("gateway"), defence.clock)

    block = await block_ip.execute(
        f" {ip} ", seconds=3600, reason="credential stuffing from this range", by=ADMIN
    )
    assert block.subject == ip
    assert await defence.blocked_for(ip) == 3600
    await unblock_ip.execute(ip, by=ADMIN)
    assert await defence.blocked_for(ip) is None
    with pytest.raises(NotFound):
        await unblock_ip.execute(ip, by=ADMIN)

    async with defence.database.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(audit_log.c.action, audit_log.c.actor_id).where(audit_log.c.resource_id == ip)
            )
        ).all()
    assert sorted(rows) == [("block", "admin-1"), ("unblock", "admin-1")]


@pytest.mark.parametrize(
    ("ip", "seconds", "reason"),
    [("not-an-ip", 60, "x"), ("10.0.0.1", 0, "x"), ("10.0.0.1", 60, "  "), ("192.0.2.9", 60, "allowlisted")],
)
async def test_bad_manual_blocks_are_refused(defence: Defence, ip: str, seconds: float, reason: str) -> None:
    block_ip = BlockIp(
        defence.state.blocklist, defence.database.unit_of_work("gateway"), defence.clock, POLICY
    )
    with pytest.raises(RuleViolated):
        await block_ip.execute(ip, seconds=seconds, reason=reason, by=ADMIN)


async def test_other_requests_are_served_while_a_large_body_is_inspected(defence: Defence) -> None:
    """Inspection is CPU work on the event loop; a 1 MiB body pauses between steps."""
    prose = "Please find the quarterly figures (see the attached sheet) below. " * 120
    body = [(f"$.notes[{n}]", f"{n}: {prose}") for n in range(128)]
    large = RequestSample(method="POST", path="/api/crm/notes", body=body, client_ip=an_ip())
    turns = 0

    async def another_request() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(another_request())
    await asyncio.sleep(0)
    before = turns
    screening = await defence.screen.execute(large)
    other.cancel()

    assert screening.verdict is Verdict.ALLOW
    assert turns - before >= 10, "the other request ran between the steps (without them: not once)"


async def test_a_block_and_its_alert_are_published_with_the_record_that_stores_them(defence: Defence) -> None:
    ip = an_ip()

    await defence.responder.respond(Verdict.BLOCK_IP, [sqli()], ip=ip)

    [stored] = (await defence.events.search(ThreatEventFilter(ip=ip), PageRequest(limit=10))).items
    async with defence.database.engine.connect() as connection:
        rows = (await connection.execute(select(outbox).where(outbox.c.stream == "threat"))).all()
    published = [msgspec.json.decode(row.payload) for row in rows]
    [blocked] = [event for event in published if event["type"] == "threat.ip_blocked" and event["ip"] == ip]
    [raised] = [event for event in published if event["type"] == "threat.alert_raised" and event["ip"] == ip]
    assert blocked["threat_event_id"] == stored.id
    assert blocked["block_seconds"] == 300.0
    assert raised["severity"] == "high"
