"""When a failed attempt may be sent again, to another upstream."""

import msgspec

from core.domain.routing.model import Failure

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


class RetryPolicy(msgspec.Struct, frozen=True):
    """- Only idempotent methods (RFC 9110 §9.2.2) are retried.
    - Only when the connection failed: a timeout may mean the upstream is still working on it.
    - Never once any of the request body was sent: it cannot be sent again.
    - At most ``max_retries`` times after the first attempt."""

    max_retries: int = 2

    def should_retry(self, method: str, failure: Failure, *, attempt: int, body_sent: bool) -> bool:
        """``attempt`` counts from 1 for the attempt that just failed."""
        return (
            failure is Failure.CONNECT
            and method in IDEMPOTENT_METHODS
            and not body_sent
            and attempt <= self.max_retries
        )
