"""Subscriptions, the messages owed to them and each delivery attempt (decision 0039)."""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec

from core.domain.errors import Forbidden, NotFound, RuleViolated
from core.domain.events import SECURITY_CONTEXTS

_PATTERN = re.compile(r"\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*\*?)")
MAX_PATTERNS = 50
MAX_DESCRIPTION = 500
MAX_URL = 2000
DEFAULT_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
"""Standard Webhooks' example: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h."""


class SubscriptionNotFound(NotFound):
    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"webhook {subscription_id!r} not found", subscription_id=subscription_id)


class MessageNotFound(NotFound):
    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id!r} not found", message_id=message_id)


class UnsafeEndpoint(RuleViolated):
    """A URL the platform will not call: not https, or resolving into a refused range."""

    code = "unsafe_endpoint"


def context_of(pattern: str) -> str:
    return pattern.split(".", 1)[0]


def checked_patterns(patterns: Iterable[str], *, sees_security: bool) -> tuple[str, ...]:
    """Distinct, valid wildcards (``*``, ``logistics.*``, ``logistics.order_*``, exact types);
    ``identity.*`` and ``threat.*`` only for a creator who may see them."""
    found = tuple(dict.fromkeys(patterns))
    if not found:
        raise RuleViolated("events must name at least one event type or wildcard")
    if len(found) > MAX_PATTERNS:
        raise RuleViolated(f"at most {MAX_PATTERNS} event types or wildcards")
    bad = [p for p in found if not _PATTERN.fullmatch(p)]
    if bad:
        raise RuleViolated(
            "an event type is `context.name`, with `*` alone or at the end of the name"
            " (`*`, `logistics.*`, `logistics.order_*`)",
            invalid=bad,
        )
    security = [p for p in found if context_of(p) in SECURITY_CONTEXTS]
    if security and not sees_security:
        raise Forbidden("identity.* and threat.* events need the threats:manage permission", events=security)
    return found


def matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


class SealedSecrets(msgspec.Struct, frozen=True, kw_only=True):
    """Signing secrets as stored: sealed. ``previous`` still signs until ``previous_until``."""

    current: bytes
    previous: bytes | None = None
    previous_until: datetime | None = None

    def signing(self, now: datetime) -> list[bytes]:
        keep = self.previous is not None and self.previous_until is not None and now < self.previous_until
        return [self.current, *([self.previous] if keep and self.previous else [])]


class Subscription(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    owner: str
    """The subject who created it; it sees and manages it (as does any admin)."""
    url: str
    events: tuple[str, ...]
    description: str
    active: bool
    sees_security: bool
    """Its creator held ``threats:manage``: ``identity.*`` and ``threat.*`` events may reach it."""
    secrets: SealedSecrets
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    """When its endpoint began to fail with no success since; None while it succeeds."""
    created_at: datetime
    updated_at: datetime

    def wants(self, event_type: str) -> bool:
        if not self.active or (context_of(event_type) in SECURITY_CONTEXTS and not self.sees_security):
            return False
        return any(matches(pattern, event_type) for pattern in self.events)


class MessageStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt (``next_attempt_at``)."""
    DELIVERED = "delivered"
    DEAD = "dead"
    """Every attempt failed, or the endpoint refused it for good: the dead-letter list."""


class FailureOrigin(StrEnum):
    ENDPOINT = "endpoint"
    """The receiver failed: an error status, a timeout, a refused connection, a refused address."""
    PLATFORM = "platform"
    """The platform could not send: its seal key cannot open the secret, or it failed itself."""


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """One event owed to one subscription: one attempt chain, whatever the replicas."""

    id: str
    subscription_id: str
    event_id: str
    """The ``webhook-id`` receivers de-duplicate on."""
    event_type: str
    occurred_at: datetime
    data: bytes
    """The event's documented JSON."""
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime | None
    failure: FailureOrigin | None = None
    last_error: str | None = None
    created_at: datetime
    finished_at: datetime | None = None


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    message_id: str
    subscription_id: str
    event_id: str
    number: int
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str | None
    origin: FailureOrigin | None
    """None for a success."""


class RetrySchedule(msgspec.Struct, frozen=True, kw_only=True):
    delays_seconds: tuple[float, ...] = DEFAULT_SCHEDULE
    """The wait before each attempt, the first included (0: at once)."""
    jitter: float = 0.1
    """Each wait is stretched by up to this fraction, at random, so failed messages spread out."""
    max_retry_after_seconds: float = 86_400.0
    disable_after_seconds: float = 5 * 86_400.0
    """A subscription whose endpoint has failed, without one success, for this long is disabled."""

    def __post_init__(self) -> None:
        if not self.delays_seconds or any(d < 0 for d in self.delays_seconds) or self.jitter < 0:
            raise ValueError("a retry schedule needs at least one delay, none negative, and jitter >= 0")

    def next_wait(
        self, attempts_made: int, draw: float, retry_after: float | None = None
    ) -> timedelta | None:
        """The wait before the next attempt after ``attempts_made`` failed ones; None: no more.
        ``draw`` in [0, 1) picks the jitter; a receiver's ``Retry-After`` is honoured when longer."""
        if attempts_made >= len(self.delays_seconds):
            return None
        wait = self.delays_seconds[attempts_made] * (1.0 + self.jitter * draw)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after_seconds))
        return timedelta(seconds=wait)
