"""Contract of RateLimiter (GCRA), for every adapter."""

import asyncio
import math
import time

import pytest

from adapters.memory.gcra import gcra_step
from core.ports.rate_limit import RateLimit, RateLimiter
from tests.contracts.redis_fixtures import *  # noqa: F403

FIVE_PER_SECOND = RateLimit(limit=5, period_seconds=1.0)
FIVE_PER_HOUR = RateLimit(limit=5, period_seconds=3600.0)
"""No unit of it comes back while a test runs, however slowly the machine runs the test."""


async def test_allows_exactly_capacity_at_once_then_refuses(rate_limiter: RateLimiter) -> None:
    decisions = [await rate_limiter.hit("client", FIVE_PER_HOUR) for _ in range(6)]

    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    assert all(d.limit == 5 for d in decisions)


async def test_a_refusal_says_when_to_retry(rate_limiter: RateLimiter) -> None:
    started = time.monotonic()
    for _ in range(5):
        await rate_limiter.hit("client", FIVE_PER_HOUR)

    refused = await rate_limiter.hit("client", FIVE_PER_HOUR)

    spent = time.monotonic() - started
    assert not refused.allowed
    # One emission interval (720 s), and the whole period, less the time spent so far.
    assert 720 - spent - 0.01 < refused.retry_after <= 720
    assert 3600 - spent - 0.01 < refused.reset_after <= 3600


async def test_an_allowed_hit_has_no_retry_after_and_reports_reset(rate_limiter: RateLimiter) -> None:
    decision = await rate_limiter.hit("client", FIVE_PER_SECOND)

    assert decision.retry_after == 0
    assert decision.reset_after == pytest.approx(0.2, abs=0.05)


async def test_the_budget_refills_over_time(rate_limiter: RateLimiter) -> None:
    six = [("client", FIVE_PER_SECOND)] * 6  # hits of one call: one instant of Redis's clock
    emptied_from = time.monotonic()
    spending = await rate_limiter.hit_many(six)
    emptied_by = time.monotonic()
    assert [d.allowed for d in spending] == [True] * 5 + [False]

    await asyncio.sleep(0.25)  # a little more than one interval of 0.2s

    checked_from = time.monotonic()
    regained = sum(d.allowed for d in await rate_limiter.hit_many(six))
    checked_by = time.monotonic()
    # One unit per interval since the budget ran out, up to the whole budget: one on a machine
    # that keeps to the sleep, more on one that took longer.
    fewest = math.floor((checked_from - emptied_by - 0.01) / 0.2)
    most = math.floor((checked_by - emptied_from + 0.01) / 0.2)
    assert fewest >= 1
    assert min(fewest, 5) <= regained <= min(most, 5)


async def test_a_refused_hit_spends_nothing(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=2, period_seconds=7200)  # one unit back per hour
    started = time.monotonic()
    await rate_limiter.hit("client", rate)
    await rate_limiter.hit("client", rate)
    refusals = [await rate_limiter.hit("client", rate) for _ in range(20)]
    spent = time.monotonic() - started

    assert not any(refusal.allowed for refusal in refusals)
    # When a hit will be allowed again has not moved: a refusal that spent one interval would
    # have pushed it an hour further.
    first, last = refusals[0].retry_after, refusals[-1].retry_after
    assert first - spent - 0.01 < last <= first


async def test_burst_limits_how_many_come_at_once(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=100, period_seconds=360_000, burst=3)  # one unit back per hour

    allowed = [(await rate_limiter.hit("client", rate)).allowed for _ in range(4)]

    assert allowed == [True, True, True, False]


async def test_cost_spends_several_units_and_a_too_costly_hit_is_refused_whole(
    rate_limiter: RateLimiter,
) -> None:
    first = await rate_limiter.hit("client", FIVE_PER_HOUR, cost=3)
    too_costly = await rate_limiter.hit("client", FIVE_PER_HOUR, cost=3)
    fitting = await rate_limiter.hit("client", FIVE_PER_HOUR, cost=2)

    assert (first.allowed, first.remaining) == (True, 2)
    assert (too_costly.allowed, too_costly.remaining) == (False, 2)
    assert (fitting.allowed, fitting.remaining) == (True, 0)


async def test_keys_have_separate_budgets(rate_limiter: RateLimiter) -> None:
    for _ in range(5):
        await rate_limiter.hit("alice", FIVE_PER_SECOND)

    assert (await rate_limiter.hit("bob", FIVE_PER_SECOND)).allowed


async def test_concurrent_hits_never_allow_more_than_capacity(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=10, period_seconds=3600)

    decisions = await asyncio.gather(*(rate_limiter.hit("crowd", rate) for _ in range(200)))

    assert sum(d.allowed for d in decisions) == 10


async def test_concurrent_hits_are_answered_one_after_another(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=10, period_seconds=3600)

    decisions = await asyncio.gather(*(rate_limiter.hit("queue", rate) for _ in range(15)))

    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))
    assert all(d.retry_after > 0 and d.remaining == 0 for d in decisions if not d.allowed)


async def test_concurrent_hits_on_many_keys_each_spend_their_own_budget(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=3, period_seconds=3600)
    keys = [f"client-{n % 40}" for n in range(200)]

    decisions = await asyncio.gather(*(rate_limiter.hit(key, rate) for key in keys))

    for key in set(keys):
        mine = [d for k, d in zip(keys, decisions, strict=True) if k == key]
        assert [d.allowed for d in mine] == [True, True, True, False, False]
        assert [d.remaining for d in mine[:3]] == [2, 1, 0]


async def test_concurrent_hits_of_mixed_cost_spend_exactly_what_was_allowed(
    rate_limiter: RateLimiter,
) -> None:
    rate = RateLimit(limit=10, period_seconds=3600)

    decisions = await asyncio.gather(*(rate_limiter.hit("mixed", rate, cost=c) for c in (3, 4, 5, 1, 2)))

    # In arrival order: 3 and 4 fit, 5 does not (and spends nothing), 1 and 2 fill the budget.
    assert [d.allowed for d in decisions] == [True, True, False, True, True]
    assert not (await rate_limiter.hit("mixed", rate)).allowed


async def test_hit_many_spends_one_unit_per_item_in_order(rate_limiter: RateLimiter) -> None:
    rate = RateLimit(limit=2, period_seconds=3600)

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
