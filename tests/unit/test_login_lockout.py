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
    policy = LoginPolicy(account_failures=5, ip_failures=20, window_seconds=900)
    return LoginThrottle(MemoryRateLimiter(clock), MemoryKeyValueStore(clock), policy)


async def test_the_fifth_failure_locks_the_account_for_thirty_seconds(
    throttle: LoginThrottle, clock: FakeClock
) -> None:
    for _ in range(4):
        await throttle.failed("acct", "10.0.0.1")
    assert await throttle.locked_for("acct", "10.0.0.1") is None

    await throttle.failed("acct", "10.0.0.1")

    assert await throttle.locked_for("acct", "10.0.0.9") == pytest.approx(30)
    clock.advance(30)
    assert await throttle.locked_for("acct", "10.0.0.9") is None


async def test_failing_again_after_a_lock_locks_twice_as_long(
    throttle: LoginThrottle, clock: FakeClock
) -> None:
    for _ in range(5):
        await throttle.failed("acct", None)
    clock.advance(30)
    await throttle.failed("acct", None)
    assert await throttle.locked_for("acct", None) == pytest.approx(60)


async def test_a_success_forgets_the_accounts_failures(throttle: LoginThrottle, clock: FakeClock) -> None:
    for _ in range(4):
        await throttle.failed("acct", None)
    await throttle.succeeded("acct")
    for _ in range(4):
        await throttle.failed("acct", None)
    assert await throttle.locked_for("acct", None) is None


async def test_twenty_failures_from_one_ip_lock_that_ip_for_every_account(throttle: LoginThrottle) -> None:
    for number in range(20):
        await throttle.failed(f"account-{number}", "203.0.113.7")
    assert await throttle.locked_for("someone-else", "203.0.113.7") == pytest.approx(30)
    assert await throttle.locked_for("someone-else", "203.0.113.8") is None
