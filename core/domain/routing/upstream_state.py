"""One upstream's live state: active health, its breaker and the requests in flight to it."""

from typing import Any

from core.domain.routing.breaker import CircuitBreaker
from core.domain.routing.model import Upstream


class UpstreamState:
    """- An upstream takes traffic when its last active check passed (or none ran yet) and its
      breaker admits the request.
    - Failed active checks stop traffic at once; passive failures only through the breaker."""

    __slots__ = ("breaker", "healthy", "in_flight", "last_check_error", "upstream")

    def __init__(self, upstream: Upstream, breaker: CircuitBreaker) -> None:
        self.upstream = upstream
        self.breaker = breaker
        self.healthy = True
        self.last_check_error: str | None = None
        self.in_flight = 0

    @property
    def url(self) -> str:
        return self.upstream.url

    def is_available(self) -> bool:
        return self.healthy and self.breaker.allows()

    def acquire(self) -> bool:
        if not self.healthy or not self.breaker.admit():
            return False
        self.in_flight += 1
        return True

    def release(self, *, failed: bool) -> None:
        self.in_flight -= 1
        if failed:
            self.breaker.record_failure()
        else:
            self.breaker.record_success()

    def abandon(self) -> None:
        """The request ended without a verdict on this upstream: its client went away. Counting
        that as a failure would let clients that hang up eject a healthy upstream."""
        self.in_flight -= 1
        self.breaker.record_no_verdict()

    def checked(self, error: str | None) -> None:
        """The result of an active health check: None when it passed."""
        self.healthy = error is None
        self.last_check_error = error

    def report(self) -> dict[str, Any]:
        return {
            "url": self.upstream.url,
            "healthy": self.healthy,
            "available": self.is_available(),
            "breaker": self.breaker.state.value,
            "in_flight": self.in_flight,
            "check_error": self.last_check_error,
        }
