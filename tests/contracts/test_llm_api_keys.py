"""LLM API keys on the real unit of work (SQLite and PostgreSQL): stored as a hash, exchanged for
their owner's access token while they and their owner may be used, and never usable after a
revocation, even one racing an exchange."""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.db.oauth.keys import SqlSigningKeyRecords
from adapters.jose.keys import JoseSigningKeys
from adapters.jose.revocations import KvTokenRevocations
from adapters.jose.sealing import KeySealer
from adapters.jose.signer import JoseAccessTokenSigner
from adapters.memory.kv import MemoryKeyValueStore
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Permission, Principal, Role, permissions_for
from core.domain.audit.model import Actor, Invocation
from core.domain.errors import Conflict, NotFound, RuleViolated
from core.domain.identity.llm_key_cache import LlmKeyCache
from core.domain.identity.llm_key_exchange import ExchangeLlmApiKey, LlmKeyTokens
from core.domain.identity.llm_keys import hash_key
from core.domain.identity.model import UserStatus
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import InvalidToken, TokenPolicy
from core.domain.identity.use_cases import (
    CreateLlmApiKey,
    ListLlmApiKeys,
    ListOwnLlmApiKeys,
    NewLlmApiKey,
    RevokeLlmApiKey,
)
from core.ports.pagination import PageRequest
from tests.contracts.db_fixtures import Database
from tests.contracts.identity_fixtures import MASTER_KEY, audit_actions, identity, new_user

__all__ = ["identity"]
Uow = Callable[[], SqlIdentityUnitOfWork]
BY = Invocation(actor=Actor(id="someone", kind="user", role="sales"))


def as_user(user_id: str, role: Role) -> Principal:
    return Principal(subject=user_id, kind="user", role=role, permissions=permissions_for(role))


class Kit:
    """The gateway's key use cases on the database under test, with real signing keys."""

    def __init__(self, identity: Uow, database: Database) -> None:
        self.identity, self.clock, ids = identity, SystemClock(), Uuid7IdGenerator()
        self.kv = MemoryKeyValueStore()
        policy = TokenPolicy(issuer="bhiv", audience="bhiv")
        self.revocations = KvTokenRevocations(self.kv, self.clock, policy)
        self.keys = JoseSigningKeys(
            SqlSigningKeyRecords(database.engine), KeySealer(MASTER_KEY), self.clock, policy
        )
        self.cache = LlmKeyCache(self.kv)
        self.tokens = LlmKeyTokens(
            TokenIssuer(JoseAccessTokenSigner(self.keys), self.clock, ids, policy), self.clock
        )
        self.create = CreateLlmApiKey(identity(), self.clock, ids)
        self.ids = ids

    async def owner(self, role: Role = Role.SALES) -> str:
        await self.keys.ensure_current()
        user = new_user("", role)
        async with self.identity() as uow:
            await uow.users.add(user)
            await uow.commit()
        return user.id

    async def new_key(self, owner: str, role: Role = Role.SALES, **fields: object) -> tuple[str, str]:
        issued = await self.create.execute(NewLlmApiKey(name="laptop", **fields), as_user(owner, role), BY)  # type: ignore[arg-type]
        return issued.key.id, issued.secret

    def exchange(self) -> ExchangeLlmApiKey:
        return ExchangeLlmApiKey(
            self.identity(), self.cache, self.tokens, self.revocations, self.kv, self.clock
        )

    def revoke(self) -> RevokeLlmApiKey:
        return RevokeLlmApiKey(self.identity(), self.clock, self.ids, self.cache)


@pytest.fixture
def kit(identity: Uow, database: Database) -> Kit:
    return Kit(identity, database)


async def test_a_key_is_stored_as_its_hash_and_read_back_by_it(kit: Kit) -> None:
    owner = await kit.owner()
    key_id, secret = await kit.new_key(owner, daily_token_limit=50_000, rpm_limit=20)

    async with kit.identity() as uow:
        stored = await uow.llm_keys.get_by_hash(hash_key(secret))
        assert stored is not None
        assert await uow.llm_keys.get(key_id) == stored
    assert secret.startswith("bhiv_sk_")
    assert len(secret) > 40
    assert stored.secret_hash == hash_key(secret)
    assert secret not in msgspec.json.encode(stored).decode()
    assert stored.prefix == secret[:16]
    assert stored.scopes == {Permission.LLM_USE}
    assert (stored.daily_token_limit, stored.rpm_limit, stored.revoked_at) == (50_000, 20, None)


async def test_a_second_key_with_the_same_hash_is_a_conflict(kit: Kit) -> None:
    owner = await kit.owner()
    key_id, _ = await kit.new_key(owner)
    async with kit.identity() as uow:
        twin = await uow.llm_keys.get(key_id)
    assert twin is not None

    async def add_twin() -> None:
        async with kit.identity() as uow:
            await uow.llm_keys.add(msgspec.structs.replace(twin, id=kit.ids.new_id()))
            await uow.commit()

    with pytest.raises(Conflict):
        await add_twin()


async def test_owners_list_their_own_keys_and_admins_everyones(kit: Kit) -> None:
    first, second = await kit.owner(), await kit.owner()
    mine = [(await kit.new_key(first))[0], (await kit.new_key(first))[0]]
    theirs = (await kit.new_key(second))[0]

    own = await ListOwnLlmApiKeys(kit.identity()).execute(as_user(first, Role.SALES), PageRequest(limit=1))
    rest = await ListOwnLlmApiKeys(kit.identity()).execute(
        as_user(first, Role.SALES), PageRequest(limit=5, after=own.next_cursor)
    )
    everyone = await ListLlmApiKeys(kit.identity()).execute(PageRequest(limit=200))

    assert [key.id for key in own.items + rest.items] == mine
    assert {*mine, theirs} <= {key.id for key in everyone.items}


async def test_scopes_are_llm_permissions_the_owners_role_allows(kit: Kit) -> None:
    owner = await kit.owner(Role.SALES)
    for scopes in (frozenset({Permission.CRM_READ}), frozenset({Permission.LLM_ADMIN}), frozenset()):
        with pytest.raises(RuleViolated):
            await kit.new_key(owner, scopes=scopes)
    with pytest.raises(RuleViolated):
        await kit.new_key(owner, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(RuleViolated):
        await kit.new_key(owner, rpm_limit=0)


async def test_an_exchange_mints_the_owners_token_naming_the_key(kit: Kit) -> None:
    owner = await kit.owner(Role.SALES)
    key_id, secret = await kit.new_key(owner)

    token, claims = await kit.exchange().execute(secret)
    again, _ = await kit.exchange().execute(secret)

    principal = claims.principal()
    assert (principal.subject, principal.kind, principal.role) == (owner, "user", Role.SALES)
    assert principal.permissions == {Permission.LLM_USE}
    assert principal.api_key_id == key_id
    assert again == token, "a token is reused until shortly before it expires"
    async with kit.identity() as uow:
        used = await uow.llm_keys.get(key_id)
    assert used is not None
    assert used.last_used_at is not None


async def test_unknown_revoked_and_expired_keys_are_refused(kit: Kit) -> None:
    owner = await kit.owner()
    key_id, secret = await kit.new_key(owner)
    _, short_lived = await kit.new_key(owner, expires_at=datetime.now(UTC) + timedelta(milliseconds=300))
    await kit.exchange().execute(secret)  # cached as usable

    await kit.revoke().execute(key_id, as_user(owner, Role.SALES), BY)
    await asyncio.sleep(0.35)

    for presented in (secret, short_lived, "bhiv_sk_" + "x" * 43):
        with pytest.raises(InvalidToken):
            await kit.exchange().execute(presented)


async def test_a_disabled_owners_keys_stop_at_once_and_so_do_those_of_a_role_without_llm_use(
    kit: Kit,
) -> None:
    disabled, demoted = await kit.owner(), await kit.owner()
    _, disabled_key = await kit.new_key(disabled)
    _, demoted_key = await kit.new_key(demoted)
    await kit.exchange().execute(disabled_key)
    await kit.exchange().execute(demoted_key)  # both cached as usable

    async with kit.identity() as uow:
        for user_id, change in (
            (disabled, {"status": UserStatus.DISABLED}),
            (demoted, {"role": Role.CUSTOMER}),
        ):
            user = await uow.users.get(user_id)
            assert user is not None
            await uow.users.update(msgspec.structs.replace(user, customer_id="cust-1", **change))  # type: ignore[arg-type]
        await uow.commit()
    for user_id in (disabled, demoted):  # what DisableUser and ChangeUserRole do with sessions
        await kit.revocations.revoke_subject(user_id)

    for presented in (disabled_key, demoted_key):
        with pytest.raises(InvalidToken, match="owner may no longer use it"):
            await kit.exchange().execute(presented)


async def test_someone_elses_key_is_not_found_but_an_admin_revokes_any(kit: Kit, database: Database) -> None:
    owner, stranger = await kit.owner(), await kit.owner()
    key_id, secret = await kit.new_key(owner)

    with pytest.raises(NotFound):
        await kit.revoke().execute(key_id, as_user(stranger, Role.SALES), BY)
    await kit.exchange().execute(secret)
    revoked = await kit.revoke().execute(key_id, as_user("an-admin", Role.ADMIN), BY)

    assert revoked.revoked_at is not None
    actions = await audit_actions(database, key_id)
    assert [action for action, _, _ in actions] == ["create", "revoke"]
    assert all(secret not in changes and hash_key(secret) not in changes for _, _, changes in actions)


async def test_two_revocations_at_once_both_succeed_and_record_one_change(
    kit: Kit, database: Database
) -> None:
    owner = await kit.owner()
    key_id, _ = await kit.new_key(owner)

    first, second = await asyncio.gather(
        kit.revoke().execute(key_id, as_user(owner, Role.SALES), BY),
        kit.revoke().execute(key_id, as_user(owner, Role.SALES), BY),
    )

    assert first.revoked_at is not None
    assert first.revoked_at == second.revoked_at
    assert [action for action, _, _ in await audit_actions(database, key_id)] == ["create", "revoke"]


@pytest.mark.parametrize("round_", range(5))
async def test_a_revocation_racing_exchanges_never_leaves_the_key_usable(kit: Kit, round_: int) -> None:
    owner = await kit.owner()
    key_id, secret = await kit.new_key(owner)

    async def exchange() -> None:
        with contextlib.suppress(InvalidToken):
            await kit.exchange().execute(secret)

    revoke = kit.revoke().execute(key_id, as_user(owner, Role.SALES), BY)
    await asyncio.gather(exchange(), exchange(), revoke, exchange())

    with pytest.raises(InvalidToken):
        await kit.exchange().execute(secret)
