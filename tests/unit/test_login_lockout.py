import pytest

from adapters.memory.kv import MemoryKeyValueStore
from adapters.memory.rate_limit import MemoryRateLimiter
from core.domain.identity.lockout import LoginPolicy, LoginThrottle, email_digest, lock_seconds
from tests.support.fake_clock import FakeClock


@pytest.mark.parametrize(("number", "seconds"), [(1, 30), (2, 60), (3, 120), (5, 480), (6, 900), (40, 900)])
def test_each_lock_lasts_twice_the_one_before_up_to_the_cap(number: int, seconds: float) -> None:
    assert lock_seconds(number, first=30, cap=900) == seconds


def test_lock_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        lock_seconds(0, first=30, cap=900)


def test_the_digest_names_an_account_without_its_address() -> None:
    digest = email_digest("priya@example.com")
    assert len(digest) == 64
    assert "priya" not in digest


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock: FakeClock) -> LoginThrottle:
    policy = LoginPolicy(account_failures=5, account_wide_failures=50, ip_failures=20, window_seconds=900)
    return LoginThrottle(MemoryRateLimiter(clock), MemoryKeyValueStore(clock), policy)


async def test_five_failures_from_one_address_lock_the_account_from_that_address_only(
    throttle: LoginThrottle, clock: FakeClock
) -> None:
    for _ in range(4):
        await throttle.failed("acct", "10.0.0.1")
    assert await throttle.locked_for("acct", "10.0.0.1") is None

    await throttle.failed("acct", "10.0.0.1")

    assert await throttle.locked_for("acct", "10.0.0.1") == pytest.approx(30)
    assert await throttle.locked_for("acct", "10.0.0.9") is None, "its owner elsewhere signs in"
    clock.advance(31)
    assert await throttle.locked_for("acct", "10.0.0.1") is None


async def test_a_failure_while_the_budget_is_spent_locks_again_twice_as_long(
    throttle: LoginThrottle, clock: FakeClock
) -> None:
    for _ in range(5):
        await throttle.failed("acct", "10.0.0.1")
    clock.advance(31)
    await throttle.failed("acct", "10.0.0.1")
    assert await throttle.locked_for("acct", "10.0.0.1") == pytest.approx(60)


async def test_only_many_failures_from_many_addresses_lock_the_account_everywhere(
    throttle: LoginThrottle,
) -> None:
    for number in range(49):
        await throttle.failed("acct", f"198.51.100.{number}")
    assert await throttle.locked_for("acct", "10.0.0.9") is None

    await throttle.failed("acct", "198.51.100.200")

    assert await throttle.locked_for("acct", "10.0.0.9") == pytest.approx(30)


async def test_a_success_forgets_the_failures_from_its_address(throttle: LoginThrottle) -> None:
    for _ in range(4):
        await throttle.failed("acct", "10.0.0.1")
    await throttle.succeeded("acct", "10.0.0.1")
    for _ in range(4):
        await throttle.failed("acct", "10.0.0.1")
    assert await throttle.locked_for("acct", "10.0.0.1") is None


async def test_twenty_failures_from_one_ip_lock_that_ip_for_every_account(throttle: LoginThrottle) -> None:
    for number in range(20):
        await throttle.failed(f"account-{number}", "203.0.113.7")
    assert await throttle.locked_for("someone-else", "203.0.113.7") == pytest.approx(30)
    assert await throttle.locked_for("someone-else", "203.0.113.8") is None


async def test_unlocking_an_account_ends_its_every_lock_and_count(throttle: LoginThrottle) -> None:
    for number in range(50):
        await throttle.failed("acct", f"198.51.100.{number}")
    for _ in range(5):
        await throttle.failed("acct", "10.0.0.1")

    await throttle.unlock("acct")

    assert await throttle.locked_for("acct", "10.0.0.1") is None
    assert await throttle.locked_for("acct", "10.0.0.9") is None
    await throttle.failed("acct", "10.0.0.1")
    assert await throttle.locked_for("acct", "10.0.0.1") is None, "earlier failures are forgotten"
