"""The gateway's pure routing logic: strategies, ejection and rejoin, breaker, retries."""

from collections import Counter

import pytest

from core.domain.routing.breaker import BreakerState, CircuitBreaker
from core.domain.routing.model import Failure, Strategy, Upstream
from core.domain.routing.pool import UpstreamPool
from core.domain.routing.retry import RetryPolicy
from tests.support.fake_clock import FakeClock

A, B, C = "http://a:1", "http://b:1", "http://c:1"


def pool(strategy: Strategy, clock: FakeClock, weights: tuple[int, int, int] = (1, 1, 1)) -> UpstreamPool:
    upstreams = [Upstream(url, weight) for url, weight in zip((A, B, C), weights, strict=True)]
    return UpstreamPool("svc", upstreams, strategy, clock, failure_threshold=3, cool_down_seconds=10)


def send(upstreams: UpstreamPool, count: int, *, failed: bool = False) -> list[str]:
    chosen = []
    for _ in range(count):
        state = upstreams.choose()
        assert state is not None
        state.release(failed=failed)
        chosen.append(state.url)
    return chosen


def test_round_robin_takes_each_upstream_in_turn() -> None:
    assert send(pool(Strategy.ROUND_ROBIN, FakeClock()), 6) == [A, B, C, A, B, C]


def test_weighted_spreads_by_weight_smoothly() -> None:
    chosen = send(pool(Strategy.WEIGHTED, FakeClock(), (3, 1, 0)), 8)
    assert Counter(chosen) == {A: 6, B: 2}
    assert chosen[:4] == [A, A, B, A], "smooth: the light upstream is not left to the end"


def test_least_connections_prefers_the_idlest_upstream() -> None:
    upstreams = pool(Strategy.LEAST_CONNECTIONS, FakeClock())
    held = [upstreams.choose() for _ in range(3)]
    assert {state.url for state in held if state} == {A, B, C}, "ties rotate"
    assert held[1] is not None
    held[1].release(failed=False)
    assert upstreams.choose() is held[1]


def test_consecutive_failures_eject_an_upstream_until_its_trial_succeeds() -> None:
    clock = FakeClock()
    upstreams = pool(Strategy.ROUND_ROBIN, clock)
    b = upstreams.states[1]
    for _ in range(3):
        assert b.acquire()
        b.release(failed=True)
    assert b.breaker.state is BreakerState.OPEN
    assert B not in send(upstreams, 6)
    clock.advance(10)
    assert b.breaker.state is BreakerState.HALF_OPEN
    assert b.acquire(), "one trial after the cool-down"
    assert not b.acquire(), "only one"
    b.release(failed=False)
    assert b.breaker.state is BreakerState.CLOSED
    assert B in send(upstreams, 3)


def test_a_failed_trial_opens_the_breaker_for_another_cool_down() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(clock, failure_threshold=1, cool_down_seconds=5)
    breaker.record_failure()
    clock.advance(5)
    assert breaker.admit()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.advance(4.9)
    assert not breaker.admit()
    clock.advance(0.1)
    assert breaker.admit()


def test_an_abandoned_request_is_no_verdict_on_its_upstream() -> None:
    clock = FakeClock()
    upstream = pool(Strategy.ROUND_ROBIN, clock).states[0]
    for _ in range(2):
        assert upstream.acquire()
        upstream.release(failed=True)
    assert upstream.acquire()
    upstream.abandon()  # its client went away: neither a third failure nor a success
    assert (upstream.in_flight, upstream.breaker.state) == (0, BreakerState.CLOSED)
    assert upstream.acquire()
    upstream.release(failed=True)
    assert upstream.breaker.state is BreakerState.OPEN, "the two earlier failures still counted"

    clock.advance(10)
    assert upstream.acquire(), "the trial"
    upstream.abandon()
    assert upstream.breaker.state is BreakerState.HALF_OPEN
    assert upstream.acquire(), "an abandoned trial lets another one through"


def test_a_success_forgets_earlier_failures() -> None:
    breaker = CircuitBreaker(FakeClock(), failure_threshold=2, cool_down_seconds=5)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_a_failed_active_check_stops_traffic_and_a_passing_one_restores_it() -> None:
    upstreams = pool(Strategy.ROUND_ROBIN, FakeClock())
    upstreams.states[0].checked("connection refused")
    assert A not in send(upstreams, 4)
    upstreams.states[0].checked(None)
    assert A in send(upstreams, 3)


def test_no_available_upstream_is_an_immediate_none() -> None:
    upstreams = pool(Strategy.LEAST_CONNECTIONS, FakeClock())
    for state in upstreams.states:
        state.checked("down")
    assert upstreams.choose() is None
    assert not upstreams.has_available()
    assert upstreams.report()["available"] is False


def test_a_retry_goes_to_another_upstream() -> None:
    upstreams = pool(Strategy.ROUND_ROBIN, FakeClock())
    first = upstreams.choose()
    assert first is not None
    tried = [first]
    for _ in range(2):
        state = upstreams.choose(tried)
        assert state is not None
        assert state not in tried
        tried.append(state)
    assert upstreams.choose(tried) is None


@pytest.mark.parametrize(
    ("method", "failure", "attempt", "body_sent", "retried"),
    [
        ("GET", Failure.CONNECT, 1, False, True),
        ("DELETE", Failure.CONNECT, 2, False, True),
        ("GET", Failure.CONNECT, 3, False, False),
        ("PUT", Failure.CONNECT, 1, True, False),
        ("POST", Failure.CONNECT, 1, False, False),
        ("PATCH", Failure.CONNECT, 1, False, False),
        ("GET", Failure.TIMEOUT, 1, False, False),
        ("GET", Failure.UNAVAILABLE, 1, False, False),
    ],
)
def test_retries_only_idempotent_methods_on_connection_failures(
    method: str, failure: Failure, attempt: int, body_sent: bool, retried: bool
) -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.should_retry(method, failure, attempt=attempt, body_sent=body_sent) is retried
