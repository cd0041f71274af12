"""When to try a provider again: exponential backoff with full jitter, ``Retry-After`` first."""

import random
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

Jitter = Callable[[float], float]
"""Given a ceiling, a wait in [0, ceiling)."""


def full_jitter(ceiling: float) -> float:
    return random.uniform(0.0, ceiling)  # noqa: S311 - spreads retries, guards nothing


class Backoff:
    def __init__(self, *, base: float, cap: float, jitter: Jitter = full_jitter) -> None:
        self._base, self._cap, self._jitter = base, cap, jitter

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """The wait before attempt ``attempt + 1`` (``attempt`` counts from 0). A provider that
        names its wait is believed, however long: the retry budget decides whether to wait it."""
        if retry_after is not None:
            return retry_after
        return self._jitter(min(self._cap, self._base * 2**attempt))


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """``Retry-After`` as seconds or an HTTP date (RFC 9110), or OpenAI's ``retry-after-ms``;
    None when absent or unreadable. ``now`` is a Unix time."""
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)
