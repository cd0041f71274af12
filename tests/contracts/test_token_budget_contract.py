"""Contract of Budget (tokens per window per key), for every adapter.

The memory adapter runs on a fake clock that starts at a UTC midnight; the Redis adapter on the
server's clock, so its window tests use windows of seconds and wait for real.
"""

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.redis.budget import RedisBudget
from core.ports.budget import UTC_DAY, Budget, BudgetExceeded, BudgetWindow, Reservation
from tests.contracts.redis_fixtures import *  # noqa: F403
from tests.contracts.redis_fixtures import PassingTime, open_redis_backend

TWO_SECONDS = BudgetWindow(period_seconds=2)


async def _fresh_window(budget: Budget, window: BudgetWindow, time: PassingTime) -> None:
    """Wait for the next window to start, so a test's steps all fall in one window."""
    usage = await budget.spent("user-1", window)
    await time.wait(usage.reset_after + 0.02)


async def _outcome(budget: Budget, amount: int, limit: int) -> Reservation | BudgetExceeded:
    try:
        return await budget.reserve("user-1", amount, limit)
    except BudgetExceeded as refusal:
        return refusal


async def test_reservations_within_the_limit_are_granted_and_reported(budget: Budget) -> None:
    first = await budget.reserve("user-1", 300, 1000)
    second = await budget.reserve("user-1", 700, 1000)

    assert first.id != second.id
    assert (first.amount, second.amount) == (300, 700)
    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved, usage.used) == (0, 1000, 1000)
    # The default window is the UTC day.
    today = datetime.now(UTC) if isinstance(budget, RedisBudget) else datetime(2026, 1, 1, tzinfo=UTC)
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)
    assert first.window_start == usage.window_start == midnight
    assert first.window == UTC_DAY
    assert 0 < usage.reset_after <= 86_400


async def test_a_reservation_over_the_limit_is_refused_with_when_the_budget_renews(budget: Budget) -> None:
    await budget.reserve("user-1", 800, 1000)

    with pytest.raises(BudgetExceeded) as refused:
        await budget.reserve("user-1", 300, 1000)

    usage = await budget.spent("user-1")
    assert refused.value.remaining == 200
    assert refused.value.limit == 1000
    assert refused.value.code == "budget_exceeded"
    assert usage.reset_after <= refused.value.retry_after <= usage.reset_after + 1
    # A refusal holds nothing: exactly what remains can still be reserved.
    assert usage.reserved == 800
    await budget.reserve("user-1", 200, 1000)


async def test_an_amount_above_the_limit_is_always_refused(budget: Budget) -> None:
    with pytest.raises(BudgetExceeded) as refused:
        await budget.reserve("user-1", 1001, 1000)

    assert refused.value.remaining == 1000


async def test_settling_lower_gives_back_the_difference(budget: Budget) -> None:
    reservation = await budget.reserve("user-1", 800, 1000)

    await budget.settle(reservation, 300)

    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved) == (300, 0)
    await budget.reserve("user-1", 700, 1000)


async def test_settling_higher_charges_what_was_used_even_past_the_limit(budget: Budget) -> None:
    reservation = await budget.reserve("user-1", 500, 1000)

    await budget.settle(reservation, 1200)

    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved) == (1200, 0)
    with pytest.raises(BudgetExceeded) as refused:
        await budget.reserve("user-1", 1, 1000)
    assert refused.value.remaining == 0


async def test_a_refund_returns_the_whole_reservation(budget: Budget) -> None:
    kept = await budget.reserve("user-1", 400, 1000)
    failed = await budget.reserve("user-1", 600, 1000)

    await budget.refund(failed)

    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved) == (0, 400)
    await budget.settle(kept, 400)
    await budget.reserve("user-1", 600, 1000)


async def test_settling_or_refunding_again_does_nothing(budget: Budget) -> None:
    settled = await budget.reserve("user-1", 500, 1000)
    refunded = await budget.reserve("user-1", 300, 1000)

    await budget.settle(settled, 200)
    await budget.settle(settled, 900)
    await budget.refund(settled)
    await budget.refund(refunded)
    await budget.refund(refunded)
    await budget.settle(refunded, 300)

    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved) == (200, 0)


async def test_keys_and_window_lengths_have_budgets_of_their_own(budget: Budget) -> None:
    await budget.reserve("user-1", 1000, 1000)

    await budget.reserve("user-2", 1000, 1000)
    await budget.reserve("user-1", 50, 50, BudgetWindow(period_seconds=3600))

    assert (await budget.spent("user-2")).reserved == 1000
    assert (await budget.spent("user-1", BudgetWindow(period_seconds=3600))).reserved == 50


async def test_fifty_concurrent_reservations_never_overshoot(budget: Budget) -> None:
    outcomes = await asyncio.gather(*(_outcome(budget, 30, 1000) for _ in range(50)))

    granted = [outcome for outcome in outcomes if isinstance(outcome, Reservation)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, BudgetExceeded)]
    assert len(granted) == 33  # 33 x 30 = 990; a 34th would make 1020
    assert len(refused) == 17
    assert all(refusal.remaining == 10 for refusal in refused)
    assert len({reservation.id for reservation in granted}) == 33
    usage = await budget.spent("user-1")
    assert usage.reserved == sum(reservation.amount for reservation in granted) == 990


async def test_concurrent_settles_and_refunds_count_each_reservation_once(budget: Budget) -> None:
    reservations = [await budget.reserve("user-1", 100, 1000) for _ in range(10)]

    await asyncio.gather(
        *(budget.settle(reservation, 40) for reservation in reservations[:5] * 3),
        *(budget.refund(reservation) for reservation in reservations[5:] * 3),
    )

    usage = await budget.spent("user-1")
    assert (usage.spent, usage.reserved) == (200, 0)


async def test_a_new_window_starts_empty(budget: Budget, passing_time: PassingTime) -> None:
    await _fresh_window(budget, TWO_SECONDS, passing_time)
    first = await budget.reserve("user-1", 10, 10, TWO_SECONDS)
    with pytest.raises(BudgetExceeded) as refused:
        await budget.reserve("user-1", 1, 10, TWO_SECONDS)
    assert 0 < refused.value.retry_after <= 2

    await passing_time.wait(refused.value.retry_after + 0.02)

    second = await budget.reserve("user-1", 10, 10, TWO_SECONDS)
    assert (second.window_start - first.window_start).total_seconds() == 2
    usage = await budget.spent("user-1", TWO_SECONDS)
    assert (usage.window_start, usage.spent, usage.reserved) == (second.window_start, 0, 10)


async def test_settling_after_the_window_ended_charges_nothing(
    budget: Budget, passing_time: PassingTime
) -> None:
    await _fresh_window(budget, TWO_SECONDS, passing_time)
    late = await budget.reserve("user-1", 5, 10, TWO_SECONDS)
    await passing_time.wait((await budget.spent("user-1", TWO_SECONDS)).reset_after + 0.02)

    await budget.settle(late, 10)

    usage = await budget.spent("user-1", TWO_SECONDS)
    assert (usage.spent, usage.reserved) == (0, 0)


@pytest.mark.parametrize(("key", "amounts"), [("", (1, 10)), ("user-1", (-1, 10)), ("user-1", (1, -1))])
async def test_empty_keys_and_negative_amounts_are_programming_errors(
    budget: Budget, key: str, amounts: tuple[int, int]
) -> None:
    with pytest.raises(ValueError, match="budget"):
        await budget.reserve(key, *amounts)


@pytest.mark.redis
async def test_redis_keys_share_a_slot_and_expire_when_their_window_ends(redis_url: str) -> None:
    backend = await open_redis_backend(redis_url)
    try:
        budget = RedisBudget(backend.client, key_prefix=backend.key_prefix)
        reservation = await budget.reserve("user-1", 5, 10)
        reset_after = (await budget.spent("user-1")).reset_after

        keys = [key async for key in backend.client.scan_iter(match=f"{backend.key_prefix}*")]

        assert sorted(keys) == sorted(
            [
                f"{backend.key_prefix}budget:{{user-1}}:86400".encode(),
                f"{backend.key_prefix}budget:{{user-1}}:reservation:{reservation.id}".encode(),
            ]
        )
        for key in keys:
            assert reset_after - 2 <= await backend.client.ttl(key) <= reset_after + 1
    finally:
        await backend.delete_keys()
        await backend.client.aclose()
