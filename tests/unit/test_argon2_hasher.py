import asyncio

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.crypto.settings import PasswordSettings

FAST = PasswordSettings(time_cost=1, memory_cost_kib=8192, parallelism=1)


def test_production_defaults_meet_owasps_argon2id_minimum() -> None:
    defaults = PasswordSettings()
    assert defaults.memory_cost_kib >= 19_456
    assert defaults.time_cost >= 2
    assert defaults.parallelism >= 1


async def test_a_hash_verifies_its_password_and_nothing_else() -> None:
    hasher = Argon2PasswordHasher(FAST)
    password_hash = await hasher.hash("violet-kettle-harbour")
    assert password_hash.startswith("$argon2id$")
    assert await hasher.verify(password_hash, "violet-kettle-harbour")
    assert not await hasher.verify(password_hash, "violet-kettle-harbour!")
    hasher.close()


async def test_a_malformed_hash_is_a_mismatch_not_an_error() -> None:
    hasher = Argon2PasswordHasher(FAST)
    assert not await hasher.verify("not-a-hash", "whatever")
    assert hasher.needs_rehash("not-a-hash")
    hasher.close()


async def test_a_hash_made_with_other_parameters_needs_a_rehash() -> None:
    old, new = (
        Argon2PasswordHasher(FAST),
        Argon2PasswordHasher(PasswordSettings(time_cost=2, memory_cost_kib=8192)),
    )
    password_hash = await old.hash("violet-kettle-harbour")
    assert not old.needs_rehash(password_hash)
    assert new.needs_rehash(password_hash)
    assert await new.verify(password_hash, "violet-kettle-harbour")
    old.close()
    new.close()


async def test_twenty_concurrent_hashes_leave_the_event_loop_free() -> None:
    hasher = Argon2PasswordHasher(
        PasswordSettings(time_cost=2, memory_cost_kib=8192, max_concurrent_hashes=2)
    )
    turns = 0

    async def ticker() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)  # once in every turn of the event loop

    async def hash_counting_turns(password: str) -> int:
        before = turns
        await hasher.hash(password)
        return turns - before

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    during = await asyncio.gather(*(hash_counting_turns(f"password-number-{n}") for n in range(20)))
    task.cancel()
    hasher.close()
    # Counted in turns of the loop, not in seconds: a hash computed on the loop itself would
    # finish within one turn, whatever the machine's speed.
    assert all(turns_meanwhile > 0 for turns_meanwhile in during), during
