"""Password login, first admin and revocation on the real unit of work (SQLite and PostgreSQL)."""

import json
from collections.abc import Callable

import msgspec
import pytest
from sqlalchemy import select

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.crypto.settings import PasswordSettings
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.db.tables import outbox
from adapters.jose.revocations import KvTokenRevocations
from adapters.memory.kv import MemoryKeyValueStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.system.clock import Uuid7IdGenerator
from core.domain.access import Role
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.errors import InvalidCredentials
from core.domain.identity.lockout import LoginPolicy, LoginThrottle, email_digest
from core.domain.identity.tokens import TokenPolicy
from core.domain.identity.use_cases import (
    AuthenticateUser,
    CreateUser,
    DecoyHash,
    DisableUser,
    EnsureFirstAdmin,
    NewUser,
    UnlockUser,
)
from tests.contracts.db_fixtures import Database
from tests.contracts.identity_fixtures import audit_actions, identity
from tests.support.fake_clock import FakeClock
from tests.support.identity import KnownCustomers

__all__ = ["identity"]
Uow = Callable[[], SqlIdentityUnitOfWork]
FAST = PasswordSettings(time_cost=1, memory_cost_kib=8192)
ADMIN = Invocation(actor=Actor(id="admin-1", kind="user", role="admin"), correlation_id="corr-42")
FROM_IP = Invocation(actor=Actor(id="anonymous", kind="anonymous"), client_ip="198.51.100.4")
PASSWORD = "violet-kettle-harbour"


class Kit:
    def __init__(self, identity: Uow, settings: PasswordSettings = FAST) -> None:
        self.clock = FakeClock()
        self.hasher = Argon2PasswordHasher(settings)
        self.kv = MemoryKeyValueStore(self.clock)
        self.identity = identity
        self.revocations = KvTokenRevocations(
            self.kv, self.clock, TokenPolicy(issuer="bhiv", audience="bhiv")
        )
        self.throttle = LoginThrottle(MemoryRateLimiter(self.clock), self.kv, LoginPolicy())
        self.login = AuthenticateUser(
            identity(), self.hasher, DecoyHash(self.hasher), self.throttle, self.clock, Uuid7IdGenerator()
        )

    async def create(self, email: str = "priya@example.com") -> str:
        create = CreateUser(self.identity(), self.hasher, self.clock, Uuid7IdGenerator(), KnownCustomers())
        user = await create.execute(
            NewUser(email=email, password=PASSWORD, role=Role.OPS, display_name="Priya"), ADMIN
        )
        return user.id


async def test_the_right_password_signs_in_and_is_audited(identity: Uow, database: Database) -> None:
    kit = Kit(identity)
    user_id = await kit.create()

    user = await kit.login.execute(" Priya@Example.com", PASSWORD, FROM_IP)

    assert user.id == user_id
    actions = [(action, kind) for action, kind, _ in await audit_actions(database, user_id)]
    assert actions == [("create", "user"), ("login_succeeded", "user")]


@pytest.mark.parametrize("email", ["priya@example.com", "nobody@example.com"])
async def test_a_failure_is_uniform_audited_anonymously_and_emitted_without_the_email(
    identity: Uow, database: Database, email: str
) -> None:
    kit = Kit(identity)
    await kit.create()

    with pytest.raises(InvalidCredentials) as failed:
        await kit.login.execute(email, "wrong-password-123", FROM_IP)

    assert failed.value.detail == InvalidCredentials().detail
    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(outbox).where(outbox.c.stream == "identity"))).all()
    failures = [row for row in rows if row.event_type == "identity.login_failed"]
    [event] = [row for row in failures if json.loads(row.payload)["email_sha256"] == email_digest(email)]
    assert event.event_type == "identity.login_failed"
    payload = json.loads(event.payload)
    assert payload["ip"] == "198.51.100.4"
    assert payload["reason"] in {"bad_password", "unknown_account"}
    assert email not in event.payload.decode()


async def test_five_failures_lock_the_account_even_for_the_right_password(identity: Uow) -> None:
    kit = Kit(identity)
    await kit.create()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await kit.login.execute("priya@example.com", "wrong-password-123", FROM_IP)

    with pytest.raises(InvalidCredentials) as locked:
        await kit.login.execute("priya@example.com", PASSWORD, FROM_IP)
    assert locked.value.retry_after == pytest.approx(30)

    kit.clock.advance(31)
    assert (await kit.login.execute("priya@example.com", PASSWORD, FROM_IP)).email == "priya@example.com"


async def test_a_hash_with_outdated_parameters_is_replaced_at_login(identity: Uow) -> None:
    kit = Kit(identity)
    user_id = await kit.create()
    stronger = Kit(identity, PasswordSettings(time_cost=2, memory_cost_kib=8192))

    await stronger.login.execute("priya@example.com", PASSWORD, FROM_IP)

    async with identity() as uow:
        user = await uow.users.get(user_id)
    assert user is not None
    assert not stronger.hasher.needs_rehash(user.password_hash)
    assert await stronger.hasher.verify(user.password_hash, PASSWORD)


async def test_disabling_a_user_refuses_its_login_and_revokes_its_tokens(identity: Uow) -> None:
    kit = Kit(identity)
    user_id = await kit.create()
    kit.clock.advance(5)

    await DisableUser(identity(), kit.clock, Uuid7IdGenerator(), kit.revocations).execute(user_id, ADMIN)

    assert await kit.revocations.revoked_before(user_id) == kit.clock.now().timestamp()
    with pytest.raises(InvalidCredentials):
        await kit.login.execute("priya@example.com", PASSWORD, FROM_IP)


async def test_the_first_admin_is_made_once_with_a_generated_password(identity: Uow) -> None:
    kit = Kit(identity)
    bootstrap = EnsureFirstAdmin(identity(), kit.hasher, kit.clock, Uuid7IdGenerator())

    first = await bootstrap.execute(None, None)
    again = await bootstrap.execute("other@example.com", "another-strong-passphrase")

    assert first is not None
    assert first.generated_password
    assert len(first.generated_password) >= 24
    assert again is None
    signed_in = await kit.login.execute(first.user.email, first.generated_password, FROM_IP)
    assert signed_in.role is Role.ADMIN
    assert msgspec.structs.asdict(signed_in)["status"] == "active"


FROM_ELSEWHERE = Invocation(actor=Actor(id="anonymous", kind="anonymous"), client_ip="192.0.2.50")


async def test_someone_guessing_from_one_address_does_not_lock_the_owner_out_elsewhere(identity: Uow) -> None:
    kit = Kit(identity)
    await kit.create()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await kit.login.execute("priya@example.com", "wrong-password-123", FROM_IP)

    with pytest.raises(InvalidCredentials):
        await kit.login.execute("priya@example.com", PASSWORD, FROM_IP)
    assert (
        await kit.login.execute("priya@example.com", PASSWORD, FROM_ELSEWHERE)
    ).email == "priya@example.com"


async def test_an_admin_lifts_every_login_lock_of_an_account_and_it_is_audited(
    identity: Uow, database: Database
) -> None:
    kit = Kit(identity)
    user_id = await kit.create()
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await kit.login.execute("priya@example.com", "wrong-password-123", FROM_IP)

    await UnlockUser(identity(), kit.throttle, kit.clock, Uuid7IdGenerator()).execute(user_id, ADMIN)

    assert (await kit.login.execute("priya@example.com", PASSWORD, FROM_IP)).id == user_id
    actions = [action for action, _, _ in await audit_actions(database, user_id)]
    assert "login_unlocked" in actions
