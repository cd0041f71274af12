"""The three strategies; each picks one of the upstreams that may take a request now."""

from collections.abc import Sequence
from typing import Protocol

from core.domain.routing.model import Strategy
from core.domain.routing.upstream_state import UpstreamState


class Balancer(Protocol):
    def pick(self, candidates: Sequence[UpstreamState]) -> UpstreamState | None:
        """``candidates`` is never empty and keeps its order between calls."""
        ...


class RoundRobin(Balancer):
    def __init__(self) -> None:
        self._next = 0

    def pick(self, candidates: Sequence[UpstreamState]) -> UpstreamState | None:
        chosen = candidates[self._next % len(candidates)]
        self._next += 1
        return chosen


class LeastConnections(Balancer):
    """Fewest requests in flight; ties rotate, so an idle pool is used round-robin."""

    def __init__(self) -> None:
        self._next = 0

    def pick(self, candidates: Sequence[UpstreamState]) -> UpstreamState | None:
        count = len(candidates)
        start = self._next % count
        self._next += 1
        best = candidates[start]
        for offset in range(1, count):
            state = candidates[(start + offset) % count]
            if state.in_flight < best.in_flight:
                best = state
        return best


class Weighted(Balancer):
    """Smooth weighted round-robin (as nginx): weights 3:1 give a a b a, not a a a b."""

    def __init__(self) -> None:
        self._current: dict[str, int] = {}

    def pick(self, candidates: Sequence[UpstreamState]) -> UpstreamState | None:
        total = 0
        best: UpstreamState | None = None
        best_weight = 0
        for state in candidates:
            weight = state.upstream.weight
            if weight <= 0:
                continue
            total += weight
            current = self._current.get(state.url, 0) + weight
            self._current[state.url] = current
            if best is None or current > best_weight:
                best, best_weight = state, current
        if best is not None:
            self._current[best.url] = best_weight - total
        return best


def balancer_for(strategy: Strategy) -> Balancer:
    if strategy is Strategy.LEAST_CONNECTIONS:
        return LeastConnections()
    if strategy is Strategy.WEIGHTED:
        return Weighted()
    return RoundRobin()
