"""Outbound webhooks on the real unit of work (SQLite and PostgreSQL) and the real sender, to a
receiver on loopback: one attempt chain per (event, subscription) however many replicas see the
event or race to send it, secret rotation with an overlap, and a seal key that cannot open."""

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from standardwebhooks import Webhook

from adapters.db.webhooks.tables import attempts, messages, subscriptions
from adapters.db.webhooks.uow import SqlWebhooksUnitOfWork
from adapters.system.clock import Uuid7IdGenerator
from adapters.webhooks.guard import EndpointPolicy, ResolvingEndpointGuard
from adapters.webhooks.sealing import AesGcmSecretSealer, new_seal_key, seal_key_of
from adapters.webhooks.sender import HttpxWebhookSender
from adapters.webhooks.settings import IntegrationsSettings
from core.domain.access import Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.webhooks.delivery import AcceptEvent, DeliverDue
from core.domain.webhooks.messages import PurgeFinishedMessages
from core.domain.webhooks.model import FailureOrigin, Message, MessageStatus, RetrySchedule
from core.domain.webhooks.use_cases import CreateSubscription, NewSubscription, RotateSecret
from core.ports.events import Event
from core.ports.pagination import PageRequest
from core.ports.webhooks import SecretSealer
from tests.contracts.db_fixtures import Database
from tests.support.fake_clock import FakeClock
from tests.support.webhook_receiver import Received, WebhookReceiver

OPS = Principal(subject="ops-1", kind="user", role=Role.OPS, permissions=permissions_for(Role.OPS))
BY = Invocation(actor=Actor(id="ops-1", kind="user", role="ops"))
ids = Uuid7IdGenerator()


def a_sealer() -> SecretSealer:
    key = seal_key_of(IntegrationsSettings(seal_key=new_seal_key()))
    assert key is not None
    return AesGcmSecretSealer(key)


class Kit:
    def __init__(self, database: Database, receiver: WebhookReceiver) -> None:
        self.database, self.receiver = database, receiver
        self.clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        self.sealer = a_sealer()
        self.policy = EndpointPolicy(["127.0.0.1/32"])

    def uow(self) -> SqlWebhooksUnitOfWork:
        return SqlWebhooksUnitOfWork(self.database.sessions, self.clock)

    async def subscribe(self, events: list[str]) -> tuple[str, str]:
        create = CreateSubscription(
            self.uow(), ResolvingEndpointGuard(self.policy), self.sealer, self.clock, ids
        )
        subscription, secret = await create.execute(
            NewSubscription(url=self.receiver.url, events=events), OPS, BY
        )
        return subscription.id, secret

    def worker(
        self, name: str, sealer: SecretSealer | None = None, policy: EndpointPolicy | None = None
    ) -> DeliverDue:
        sender = HttpxWebhookSender(policy or self.policy, timeout_seconds=5, max_response_bytes=1024)
        schedule = RetrySchedule(delays_seconds=(0, 5, 60), jitter=0)
        return DeliverDue(self.uow(), sender, sealer or self.sealer, self.clock, ids, schedule, worker=name)

    async def messages(self, subscription_id: str) -> list[Message]:
        async with self.uow() as uow:
            return (await uow.messages.page(subscription_id, None, PageRequest(limit=200))).items


def an_event(event_type: str = "logistics.product_created") -> Event:
    event_id = ids.new_id()
    payload = json.dumps({"type": event_type, "product_id": event_id, "sku": "S-1"}).encode()
    return Event(id=event_id, type=event_type, payload=payload, occurred_at=datetime.now(UTC))


@pytest.fixture
def receiver() -> AsyncIterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def kit(database: Database, receiver: WebhookReceiver) -> Kit:
    async with database.engine.begin() as connection:  # PostgreSQL's database lives for the session
        for table in (attempts, messages, subscriptions):
            await connection.execute(delete(table))
    return Kit(database, receiver)


async def test_an_event_seen_by_two_replicas_at_once_makes_one_message_per_subscription(kit: Kit) -> None:
    wanted, _ = await kit.subscribe(["logistics.*"])
    other, _ = await kit.subscribe(["crm.*"])
    event = an_event()

    added = await asyncio.gather(*(AcceptEvent(kit.uow(), kit.clock, ids).execute(event) for _ in range(4)))

    assert sorted(added) == [0, 0, 0, 1]
    assert [m.event_id for m in await kit.messages(wanted)] == [event.id]
    assert await kit.messages(other) == []


async def test_two_workers_racing_for_the_same_messages_send_each_once(
    kit: Kit, receiver: WebhookReceiver
) -> None:
    subscription_id, secret = await kit.subscribe(["*"])
    events = [an_event() for _ in range(12)]
    for event in events:
        await AcceptEvent(kit.uow(), kit.clock, ids).execute(event)

    made = await asyncio.gather(kit.worker("a").execute(), kit.worker("b").execute())

    assert sum(made) == 12
    assert sorted(r.headers["webhook-id"] for r in receiver.requests) == sorted(e.id for e in events)
    assert all(Webhook(secret).verify(r.body, r.headers) for r in receiver.requests)
    assert {m.status for m in await kit.messages(subscription_id)} == {MessageStatus.DELIVERED}


def signatures(request: Received, *secrets: str) -> list[bool]:
    h = request.headers
    when = datetime.fromtimestamp(int(h["webhook-timestamp"]), UTC)
    sent = h["webhook-signature"].split()
    return [Webhook(secret).sign(h["webhook-id"], when, request.body) in sent for secret in secrets]


async def test_a_rotated_secret_signs_beside_the_old_one_for_the_overlap_only(
    kit: Kit, receiver: WebhookReceiver
) -> None:
    subscription_id, old = await kit.subscribe(["logistics.*"])
    _, new = await RotateSecret(kit.uow(), kit.sealer, kit.clock).execute(subscription_id, 3600, OPS, BY)

    await AcceptEvent(kit.uow(), kit.clock, ids).execute(an_event())
    await kit.worker("a").execute()
    kit.clock.advance(3601)
    await AcceptEvent(kit.uow(), kit.clock, ids).execute(an_event())
    await kit.worker("a").execute()

    async with kit.database.engine.connect() as connection:
        stored = (await connection.execute(select(subscriptions))).one()
    assert new != old
    assert [signatures(r, old, new) for r in receiver.requests] == [[True, True], [False, True]]
    for secret in (old, new):  # sealed at rest: neither the text nor the key bytes are stored
        key = base64.b64decode(secret.removeprefix("whsec_"))
        assert all(secret.encode() not in v and key not in v for v in (stored.secret, stored.previous_secret))


async def test_a_seal_key_that_cannot_open_the_secret_is_a_platform_failure_then_a_dead_letter(
    kit: Kit, receiver: WebhookReceiver
) -> None:
    subscription_id, _ = await kit.subscribe(["logistics.*"])
    await AcceptEvent(kit.uow(), kit.clock, ids).execute(an_event())
    wrong_key = kit.worker("a", sealer=a_sealer())

    for wait in (0, 5, 60):
        kit.clock.advance(wait)
        assert await wrong_key.execute() == 1

    [message] = await kit.messages(subscription_id)
    assert (message.status, message.failure, message.attempts) == (
        MessageStatus.DEAD,
        FailureOrigin.PLATFORM,
        3,
    )
    assert "does not open" in (message.last_error or "")
    assert receiver.connections == 0


async def test_the_address_is_checked_again_at_delivery_and_a_refused_one_is_never_connected_to(
    kit: Kit, receiver: WebhookReceiver
) -> None:
    subscription_id, _ = await kit.subscribe(["logistics.*"])
    await AcceptEvent(kit.uow(), kit.clock, ids).execute(an_event())

    await kit.worker("a", policy=EndpointPolicy([])).execute()  # the allowlist was narrowed since

    [message] = await kit.messages(subscription_id)
    assert (message.status, message.failure, message.attempts) == (
        MessageStatus.PENDING,
        FailureOrigin.ENDPOINT,
        1,
    )
    assert "loopback" in (message.last_error or "")
    assert receiver.connections == 0


async def test_replay_since_restarts_the_chains_of_dead_letters_from_then_on(kit: Kit) -> None:
    subscription_id, _ = await kit.subscribe(["logistics.*"])
    kit.receiver.stop()
    events = [an_event() for _ in range(3)]
    for event in events:
        await AcceptEvent(kit.uow(), kit.clock, ids).execute(event)
    for wait in (0, 5, 60):
        kit.clock.advance(wait)
        await kit.worker("a").execute()
    since = (await kit.messages(subscription_id))[1].occurred_at  # newest first: the second event

    async with kit.uow() as uow:
        dead = frozenset({MessageStatus.DEAD})
        count = await uow.messages.replay_since(subscription_id, since, dead, kit.clock.now())
        await uow.commit()

    after = {m.event_id: (m.status, m.attempts) for m in await kit.messages(subscription_id)}
    assert count == 2
    assert after == {
        events[0].id: (MessageStatus.DEAD, 3),
        events[1].id: (MessageStatus.PENDING, 0),
        events[2].id: (MessageStatus.PENDING, 0),
    }


async def test_finished_messages_and_their_attempts_are_purged_after_the_retention_period(
    kit: Kit, receiver: WebhookReceiver
) -> None:
    subscription_id, _ = await kit.subscribe(["logistics.*"])
    receiver.answers.append((400, {}))
    old = [an_event(), an_event()]  # one dead-lettered (400), one delivered
    for event in old:
        await AcceptEvent(kit.uow(), kit.clock, ids).execute(event)
        await kit.worker("a").execute()
    kit.clock.advance(31 * 86_400)
    recent, waiting = an_event(), an_event()
    await AcceptEvent(kit.uow(), kit.clock, ids).execute(recent)
    await kit.worker("a").execute()
    kit.receiver.stop()
    await AcceptEvent(kit.uow(), kit.clock, ids).execute(waiting)
    await kit.worker("a").execute()

    purged = await PurgeFinishedMessages(kit.uow(), kit.clock, timedelta(days=30)).execute()

    left = {m.event_id: m.status for m in await kit.messages(subscription_id)}
    async with kit.uow() as uow:
        log = (await uow.messages.attempts(subscription_id, PageRequest(limit=50))).items
    assert purged == 2
    assert left == {recent.id: MessageStatus.DELIVERED, waiting.id: MessageStatus.PENDING}
    assert {a.event_id for a in log} == {recent.id, waiting.id}


async def test_the_worker_s_health_writes_never_touch_the_owner_s_edits_or_secrets(kit: Kit) -> None:
    subscription_id, _ = await kit.subscribe(["logistics.*"])
    await RotateSecret(kit.uow(), kit.sealer, kit.clock).execute(subscription_id, 3600, OPS, BY)
    async with kit.database.engine.connect() as connection:
        before = (await connection.execute(select(subscriptions))).one()

    async with kit.uow() as uow:
        await uow.subscriptions.mark_failing(subscription_id, kit.clock.now())
        await uow.commit()
    async with kit.uow() as uow:
        first = await uow.subscriptions.disable(subscription_id, "gone", kit.clock.now())
        again = await uow.subscriptions.disable(subscription_id, "again", kit.clock.now())
        await uow.commit()

    async with kit.database.engine.connect() as connection:
        after = (await connection.execute(select(subscriptions))).one()
    assert (first, again) == (True, False), "only the first disable counts"
    assert (after.secret, after.previous_secret, after.events, after.description, after.url) == (
        before.secret,
        before.previous_secret,
        before.events,
        before.description,
        before.url,
    )
    assert (after.active, after.disabled_reason) == (False, "gone")
    assert after.failing_since is not None
