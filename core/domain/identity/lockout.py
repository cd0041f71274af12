"""Login abuse protection, without handing anyone a way to lock someone else out.

Failures are counted per (account, source address) pair, per account across all sources, and per
source address. A pair's budget is small: whoever guesses one account's password from one
address is locked out of that account from that address, while its owner elsewhere signs in as
usual. The account-wide budget is much larger, so only a distributed attack locks the account
itself; an admin can lift every lock of an account at once (``unlock``). Each lock doubles the
next one's length, up to a cap."""

import hashlib

import msgspec

from core.ports.kv import KeyValueStore
from core.ports.rate_limit import RateLimit, RateLimiter


class LoginPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """``BHIV_LOGIN_*``: how many failures lock, and for how long."""

    account_failures: int = 5
    """For one account from one source address."""
    account_wide_failures: int = 50
    """For one account from all sources together."""
    ip_failures: int = 20
    """From one source address, whatever the accounts."""
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

    async def _subjects(self, digest: str, ip: str | None) -> list[tuple[str, int]]:
        """What a failure counts against. An account's keys carry its generation, which ``unlock``
        moves on: every lock and count of the account, from any address, is left behind at once."""
        generation = (await self._kv.get(f"login-generation:{digest}") or b"0").decode()
        account = f"account:{digest}:{generation}"
        subjects = [(account, self._policy.account_wide_failures)]
        if ip:
            subjects += [
                (f"{account}:ip:{ip}", self._policy.account_failures),
                (f"ip:{ip}", self._policy.ip_failures),
            ]
        return subjects

    async def locked_for(self, digest: str, ip: str | None) -> float | None:
        """Seconds until the longest lock on the pair, the account or the address ends; None when free."""
        subjects = await self._subjects(digest, ip)
        remaining = [await self._kv.ttl(f"login-lock:{subject}") for subject, _ in subjects]
        active = [seconds for seconds in remaining if seconds is not None and seconds > 0]
        return max(active) if active else None

    async def failed(self, digest: str, ip: str | None) -> None:
        for subject, limit in await self._subjects(digest, ip):
            rate = RateLimit(limit=limit, period_seconds=self._policy.window_seconds)
            decision = await self._limiter.hit(f"login-failures:{subject}", rate)
            if not decision.allowed or decision.remaining == 0:
                await self._lock(subject)

    async def succeeded(self, digest: str, ip: str | None) -> None:
        """The pair's failures are forgotten; the account-wide count is not (an attacker's
        many addresses would otherwise be forgiven by its owner's every sign-in)."""
        pairs = [subject for subject, _ in await self._subjects(digest, ip) if ":ip:" in subject]
        for subject in pairs:
            await self._limiter.reset(f"login-failures:{subject}")
            await self._kv.delete(f"login-locks:{subject}")

    async def unlock(self, digest: str) -> None:
        """Every lock and failure count of the account ends, from every address."""
        key = f"login-generation:{digest}"
        generation = int((await self._kv.get(key) or b"0").decode()) + 1
        memory = max(
            self._policy.lock_memory_seconds, self._policy.window_seconds, self._policy.max_lock_seconds
        )
        await self._kv.set(key, str(generation).encode(), ttl_seconds=memory)

    async def _lock(self, subject: str) -> None:
        count_key = f"login-locks:{subject}"
        previous = await self._kv.get(count_key)
        number = (int(previous) if previous else 0) + 1
        await self._kv.set(count_key, str(number).encode(), ttl_seconds=self._policy.lock_memory_seconds)
        seconds = lock_seconds(
            number, first=self._policy.first_lock_seconds, cap=self._policy.max_lock_seconds
        )
        await self._kv.set(f"login-lock:{subject}", b"1", ttl_seconds=seconds)
