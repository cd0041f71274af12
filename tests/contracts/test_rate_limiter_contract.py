"""Contract of RateLimiter (GCRA), for every adapter."""

import asyncio

import pytest

from adapters.memory.gcra import gcra_step
from core.ports.rate_limit import RateLimit, RateLimiter
from tests.contracts.redis_fixtures import *  # noqa: F403

FIVE_PER_SECOND = RateLimit(limit=5, period_seconds=1.0)


async def test_allows_exactly_capacity_at_once_then_refuses(rate_limiter: RateLimiter) -> None:
    decisions = [await rate_limiter.hit("client", FIVE_PER_SECOND) for _ in range(6)]

    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    assert all(d.limit == 5 for d in decisions)


async def test_a_refusal_says_when_to_retry(rate_limiter: RateLimiter) -> None:
    for _ in range(5):
        await rate_limiter.hit("client", FIVE_PER_SECOND)

    refused = await rate_limiter.hit("client", FIVE_PER_SECOND)

    assert not refused.allowed
    assert 0.1 < refused.retry_after <= 0.2  # one emission interval, less the time spent so far
    assert 0.8 < refused.reset_after <= 1.0


async def test_an_allowed_hit_has_no_retry_after_and_reports_reset(rate_limiter: RateLimiter) -> None:
    decision = await rate_limiter.hit("client", FIVE_PER_SECOND)

    assert decision.retry_after == 0
    assert decision.reset_after == pytest.approx(0.2, abs=0.05)


async def test_the_budget_refills_over_time(rate_limiter: RateLimiter) -> None:
    for _ in range(5):
        await rate_limiter.hit("client", FIVE_PER_SECOND)
    assert not (await rate_limiter.hit("client", FIVE_PER_SECOND)).allowed

    await asyncio.sleep(0.25)  # a little more than one interval of 0.2s

    assert (await rate_limiter.hit("client", FIVE_PER_SECOND)).allowed
    assert not (await rate_limiter.hit("client", FIVE_PER_SECOND)).allowed


async def test_a_refused_hit_spends_nothing(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=2, period_seconds=0.4)
    await rate_limiter.hit("client", rate)
    await rate_limiter.hit("client", rate)
    for _ in range(20):
        assert not (await rate_limiter.hit("client", rate)).allowed

    await asyncio.sleep(0.25)  # one interval (0.2s) has passed since the last allowed hit

    assert (await rate_limiter.hit("client", rate)).allowed


async def test_burst_limits_how_many_come_at_once(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=100, period_seconds=60, burst=3)

    allowed = [(await rate_limiter.hit("client", rate)).allowed for _ in range(4)]

    assert allowed == [True, True, True, False]


async def test_cost_spends_several_units_and_a_too_costly_hit_is_refused_whole(
    rate_limiter: RateLimiter,
) -> None:
    first = await rate_limiter.hit("client", FIVE_PER_SECOND, cost=3)
    too_costly = await rate_limiter.hit("client", FIVE_PER_SECOND, cost=3)
    fitting = await rate_limiter.hit("client", FIVE_PER_SECOND, cost=2)

    assert (first.allowed, first.remaining) == (True, 2)
    assert (too_costly.allowed, too_costly.remaining) == (False, 2)
    assert (fitting.allowed, fitting.remaining) == (True, 0)


async def test_keys_have_separate_budgets(rate_limiter: RateLimiter) -> None:
    for _ in range(5):
        await rate_limiter.hit("alice", FIVE_PER_SECOND)

    assert (await rate_limiter.hit("bob", FIVE_PER_SECOND)).allowed


async def test_concurrent_hits_never_allow_more_than_capacity(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=10, period_seconds=60)

    decisions = await asyncio.gather(*(rate_limiter.hit("crowd", rate) for _ in range(200)))

    assert sum(d.allowed for d in decisions) == 10


async def test_concurrent_hits_are_answered_one_after_another(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=10, period_seconds=60)

    decisions = await asyncio.gather(*(rate_limiter.hit("queue", rate) for _ in range(15)))

    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))
    assert all(d.retry_after > 0 and d.remaining == 0 for d in decisions if not d.allowed)


async def test_concurrent_hits_on_many_keys_each_spend_their_own_budget(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=3, period_seconds=60)
    keys = [f"client-{n % 40}" for n in range(200)]

    decisions = await asyncio.gather(*(rate_limiter.hit(key, rate) for key in keys))

    for key in set(keys):
        mine = [d for k, d in zip(keys, decisions, strict=True) if k == key]
        assert [d.allowed for d in mine] == [True, True, True, False, False]
        assert [d.remaining for d in mine[:3]] == [2, 1, 0]


async def test_concurrent_hits_of_mixed_cost_spend_exactly_what_was_allowed(
    rate_limiter: RateLimiter,
) -> None:
    rate = RateLimit(limit=10, period_seconds=60)

    decisions = await asyncio.gather(*(rate_limiter.hit("mixed", rate, cost=c) for c in (3, 4, 5, 1, 2)))

    # In arrival order: 3 and 4 fit, 5 does not (and spends nothing), 1 and 2 fill the budget.
    assert [d.allowed for d in decisions] == [True, True, False, True, True]
    assert not (await rate_limiter.hit("mixed", rate)).allowed


async def test_hit_many_spends_one_unit_per_item_in_order(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=2, period_seconds=60)

    decisions = await rate_limiter.hit_many([("ip:a", rate), ("id:a", rate), ("ip:a", rate), ("ip:a", rate)])

    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [1, 1, 0]
    assert await rate_limiter.hit_many([]) == []


async def test_reset_makes_the_budget_whole(rate_limiter: RateLimiter) -> None:
    for _ in range(5):
        await rate_limiter.hit("client", FIVE_PER_SECOND)

    await rate_limiter.reset("client")

    assert (await rate_limiter.hit("client", FIVE_PER_SECOND)).remaining == 4


@pytest.mark.parametrize(
    ("elapsed", "expected_remaining"), [(0.0, 0), (0.2, 0), (0.5, 1), (0.7, 2), (1.0, 4), (5.0, 4)]
)
def test_gcra_refills_one_unit_per_emission_interval_up_to_capacity(
    elapsed: float, expected_remaining: int
) -> None:
    tat = 1000.0
    for _ in range(5):
        tat = gcra_step(tat=tat, now=1000.0, limit=5, period_seconds=1, capacity=5, cost=1).tat

    step = gcra_step(tat=tat, now=1000.0 + elapsed, limit=5, period_seconds=1, capacity=5, cost=1)

    assert step.allowed == (elapsed >= 0.2)
    assert step.remaining == expected_remaining
