"""A circuit breaker per upstream; opening it is the passive ejection."""

from enum import StrEnum

from core.ports.clock import Clock


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """- ``failure_threshold`` consecutive failures open it for ``cool_down_seconds``.
    - After the cool-down it is half-open: one trial request passes; its success closes the
      breaker, its failure opens it for another cool-down.
    - Any success while closed forgets earlier failures."""

    def __init__(self, clock: Clock, *, failure_threshold: int, cool_down_seconds: float) -> None:
        self._clock = clock
        self._threshold = max(1, failure_threshold)
        self._cool_down = cool_down_seconds
        self._failures = 0
        self._opened_at = 0.0
        self._open = False
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        if not self._open:
            return BreakerState.CLOSED
        if self._clock.monotonic() - self._opened_at >= self._cool_down:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allows(self) -> bool:
        """Whether a request may be sent now (without claiming the half-open trial)."""
        state = self.state
        return state is BreakerState.CLOSED or (state is BreakerState.HALF_OPEN and not self._trial_in_flight)

    def admit(self) -> bool:
        """Claim the right to send one request; False when the breaker refuses it."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._open = False
        self._trial_in_flight = False

    def record_no_verdict(self) -> None:
        """A request ended saying nothing of the upstream (its client went away): a half-open
        breaker lets another trial through."""
        self._trial_in_flight = False

    def record_failure(self) -> None:
        if self._open:
            if self._trial_in_flight:  # the trial failed: another full cool-down
                self._trial_in_flight = False
                self._opened_at = self._clock.monotonic()
            return
        self._failures += 1
        if self._failures >= self._threshold:
            self._open = True
            self._opened_at = self._clock.monotonic()
