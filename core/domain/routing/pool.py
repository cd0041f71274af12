"""A service's upstreams and how the next request's upstream is chosen."""

from collections.abc import Sequence
from typing import Any

from core.domain.routing.balancer import balancer_for
from core.domain.routing.breaker import CircuitBreaker
from core.domain.routing.model import Strategy, Upstream
from core.domain.routing.upstream_state import UpstreamState
from core.ports.clock import Clock


class UpstreamPool:
    """- Only upstreams that are healthy and whose breaker admits a request are chosen.
    - An upstream already tried for this request is not chosen again.
    - None means no upstream can take the request now: answer at once, do not wait."""

    def __init__(
        self,
        service: str,
        upstreams: Sequence[Upstream],
        strategy: Strategy,
        clock: Clock,
        *,
        failure_threshold: int,
        cool_down_seconds: float,
    ) -> None:
        self.service = service
        self.strategy = strategy
        self.states = tuple(
            UpstreamState(
                upstream,
                CircuitBreaker(
                    clock, failure_threshold=failure_threshold, cool_down_seconds=cool_down_seconds
                ),
            )
            for upstream in upstreams
        )
        self._balancer = balancer_for(strategy)

    def choose(self, tried: Sequence[UpstreamState] = ()) -> UpstreamState | None:
        candidates = [state for state in self.states if state not in tried and state.is_available()]
        while candidates:
            chosen = self._balancer.pick(candidates)
            if chosen is None:
                return None
            if chosen.acquire():
                return chosen
            candidates.remove(chosen)
        return None

    def has_available(self) -> bool:
        return any(state.is_available() for state in self.states)

    def report(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy.value,
            "available": self.has_available(),
            "upstreams": [state.report() for state in self.states],
        }
