"""Login abuse protection: failures are counted per account and per IP; a budget spent locks
the account (or IP) for a time that doubles with each lock, up to a cap."""

import hashlib

import msgspec

from core.ports.kv import KeyValueStore
from core.ports.rate_limit import RateLimit, RateLimiter


class LoginPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """``BHIV_LOGIN_*``: how many failures lock, and for how long."""

    account_failures: int = 5
    ip_failures: int = 20
    window_seconds: float = 900.0
    first_lock_seconds: float = 30.0
    max_lock_seconds: float = 900.0
    lock_memory_seconds: float = 86_400.0
    """How long earlier locks count towards the next one's length."""


def lock_seconds(lock_number: int, *, first: float, cap: float) -> float:
    """The ``lock_number``-th lock (1-based) lasts ``first * 2**(n-1)``, never more than ``cap``."""
    if lock_number < 1:
        raise ValueError("lock numbers start at 1")
    return min(first * 2.0 ** min(lock_number - 1, 64), cap)


def email_digest(normalised_email: str) -> str:
    """Names an account in keys, events and logs without revealing the address."""
    return hashlib.sha256(normalised_email.encode()).hexdigest()


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, kv: KeyValueStore, policy: LoginPolicy) -> None:
        self._limiter = limiter
        self._kv = kv
        self._policy = policy

    def _subjects(self, digest: str, ip: str | None) -> list[tuple[str, int]]:
        subjects = [(f"account:{digest}", self._policy.account_failures)]
        if ip:
            subjects.append((f"ip:{ip}", self._policy.ip_failures))
        return subjects

    async def locked_for(self, digest: str, ip: str | None) -> float | None:
        """Seconds until the longest active lock on the account or IP ends; None when free."""
        remaining = [await self._kv.ttl(f"login-lock:{s}") for s, _ in self._subjects(digest, ip)]
        active = [seconds for seconds in remaining if seconds is not None and seconds > 0]
        return max(active) if active else None

    async def failed(self, digest: str, ip: str | None) -> None:
        for subject, limit in self._subjects(digest, ip):
            rate = RateLimit(limit=limit, period_seconds=self._policy.window_seconds)
            decision = await self._limiter.hit(f"login-failures:{subject}", rate)
            if not decision.allowed or decision.remaining == 0:
                await self._lock(subject)

    async def succeeded(self, digest: str) -> None:
        await self._limiter.reset(f"login-failures:account:{digest}")
        await self._kv.delete(f"login-locks:account:{digest}")

    async def _lock(self, subject: str) -> None:
        count_key = f"login-locks:{subject}"
        previous = await self._kv.get(count_key)
        number = (int(previous) if previous else 0) + 1
        await self._kv.set(count_key, str(number).encode(), ttl_seconds=self._policy.lock_memory_seconds)
        seconds = lock_seconds(
            number, first=self._policy.first_lock_seconds, cap=self._policy.max_lock_seconds
        )
        await self._kv.set(f"login-lock:{subject}", b"1", ttl_seconds=seconds)
