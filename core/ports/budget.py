"""Amounts (LLM tokens) a key (user, API key, client) may use per window, reserved before use.

A caller reserves its worst case before the work (a call's ``max_tokens`` plus its prompt),
settles the actual use after it, or refunds the reservation when the work failed. The check
happens at reservation, so concurrent callers never take a window's total over its limit.
"""

from datetime import UTC, datetime
from typing import Protocol

import msgspec

from core.domain.errors import TooManyRequests


class BudgetWindow(msgspec.Struct, frozen=True):
    """Consecutive windows of ``period_seconds``, aligned to the UTC epoch.

    The default is the UTC day (midnight to midnight: POSIX time has no leap seconds, so every
    multiple of 86 400 is a UTC midnight); an hour or a minute aligns the same way.
    """

    period_seconds: int = 86_400

    def __post_init__(self) -> None:
        if self.period_seconds < 1:
            raise ValueError("a budget window lasts at least one second")

    def start_of(self, epoch_seconds: float) -> int:
        """Epoch second at which the window holding ``epoch_seconds`` began."""
        return int(epoch_seconds // self.period_seconds) * self.period_seconds


UTC_DAY = BudgetWindow()


class Reservation(msgspec.Struct, frozen=True):
    """What ``settle`` and ``refund`` need; the amount the store holds is the one that counts."""

    id: str
    """Unique across processes and replicas."""
    key: str
    amount: int
    window: BudgetWindow
    window_start: datetime
    """Start of the window charged; settling after it ended charges nothing (see ``settle``)."""


class BudgetUsage(msgspec.Struct, frozen=True):
    key: str
    window_start: datetime
    spent: int
    """Settled use in this window."""
    reserved: int
    """Reservations neither settled nor refunded yet."""
    reset_after: float
    """Seconds until the next window starts."""

    @property
    def used(self) -> int:
        """What counts against the limit."""
        return self.spent + self.reserved


class BudgetExceeded(TooManyRequests):
    """The reservation would take the window's spent and reserved total over its limit."""

    code = "budget_exceeded"

    def __init__(self, key: str, *, limit: int, remaining: int, retry_after: float) -> None:
        super().__init__(
            f"the budget of {limit} per window is used up for now; it renews in {retry_after:.0f} s",
            limit=limit,
            remaining=remaining,
            retry_after=retry_after,
        )
        self.key = key
        self.limit = limit
        self.remaining = remaining
        """What could still be reserved in this window (less than was asked)."""
        self.retry_after = retry_after
        """Seconds until the window resets."""


def window_start_at(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


def check_amounts(key: str, *amounts: int) -> None:
    """The arguments every adapter refuses alike."""
    if not key:
        raise ValueError("a budget key is not empty")
    if any(amount < 0 for amount in amounts):
        raise ValueError("budget amounts and limits are not negative")


class Budget(Protocol):
    async def reserve(self, key: str, amount: int, limit: int, window: BudgetWindow = UTC_DAY) -> Reservation:
        """Hold ``amount`` in ``key``'s current window, atomically: refused with
        ``BudgetExceeded`` when spent + reserved + ``amount`` would exceed ``limit``. A refusal
        holds nothing. An amount above the limit is always refused."""
        ...

    async def settle(self, reservation: Reservation, actual: int) -> None:
        """Replace the reserved amount with ``actual``. An ``actual`` above the reservation is
        charged in full: the use happened, so the window may end up over its limit and refuses
        every reservation until it resets. Settling or refunding a reservation a second time does
        nothing; once its window has ended, neither changes anything (that window is gone)."""
        ...

    async def refund(self, reservation: Reservation) -> None:
        """Release the whole reservation (the work failed); idempotent like ``settle``."""
        ...

    async def spent(self, key: str, window: BudgetWindow = UTC_DAY) -> BudgetUsage:
        """``key``'s current window, for reporting."""
        ...
