"""Contract of TokenRevocations on every key-value backend (in-process and Redis)."""

from datetime import timedelta

from adapters.jose.revocations import KvTokenRevocations
from core.domain.identity.tokens import TokenPolicy
from core.ports.kv import KeyValueStore
from tests.contracts.redis_fixtures import *  # noqa: F403
from tests.support.fake_clock import FakeClock

POLICY = TokenPolicy(issuer="bhiv", audience="bhiv", access_ttl=timedelta(minutes=15))


async def test_a_revoked_token_is_revoked_and_its_neighbours_are_not(key_value_store: KeyValueStore) -> None:
    clock = FakeClock()
    revocations = KvTokenRevocations(key_value_store, clock, POLICY)
    now = clock.now().timestamp()

    await revocations.revoke_token("jti-1", expires_at=int(now) + 600)

    assert await revocations.is_revoked("jti-1", "user-1", now)
    assert not await revocations.is_revoked("jti-2", "user-1", now)


async def test_a_subjects_revocation_ends_the_tokens_issued_before_it_only(
    key_value_store: KeyValueStore,
) -> None:
    clock = FakeClock()
    revocations = KvTokenRevocations(key_value_store, clock, POLICY)
    before = clock.now().timestamp()
    clock.advance(0.25)

    instant = await revocations.revoke_subject("user-1")

    assert instant == before + 0.25
    assert await revocations.revoked_before("user-1") == instant
    assert await revocations.is_revoked("jti-1", "user-1", before)
    assert not await revocations.is_revoked("jti-1", "user-1", instant), "issued at that instant: after"
    assert not await revocations.is_revoked("jti-1", "user-2", before), "other subjects are untouched"
    assert await revocations.revoked_before("user-2") is None


async def test_a_revocation_is_remembered_as_long_as_a_token_it_concerns_could_live(
    key_value_store: KeyValueStore,
) -> None:
    revocations = KvTokenRevocations(key_value_store, FakeClock(), POLICY)

    await revocations.revoke_subject("user-1")
    await revocations.revoke_token("jti-1", expires_at=int(FakeClock().now().timestamp()) + 900)

    remembered = [await key_value_store.ttl(key) for key in await _keys(key_value_store)]
    longest = (POLICY.access_ttl + POLICY.leeway).total_seconds()
    assert remembered
    assert all(seconds is not None and 0 < seconds <= longest for seconds in remembered)


async def _keys(store: KeyValueStore) -> list[str]:
    """The adapter's keys, by its documented layout (``seldom:`` keys, decision 0015)."""
    names = ["seldom:revoked-before:user-1", "seldom:revoked-jti:jti-1"]
    return [name for name in names if await store.get(name) is not None]
