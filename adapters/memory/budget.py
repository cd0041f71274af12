"""In-process budgets; no method awaits, so each runs whole and concurrent reservations never
overshoot. Windows follow the injected ``Clock``'s wall time."""

import uuid
from dataclasses import dataclass

from adapters.system.clock import SystemClock
from core.ports.budget import (
    UTC_DAY,
    Budget,
    BudgetExceeded,
    BudgetUsage,
    BudgetWindow,
    Reservation,
    check_amounts,
    window_start_at,
)
from core.ports.clock import Clock


@dataclass
class _Window:
    start: int
    spent: int = 0
    reserved: int = 0


@dataclass(frozen=True)
class _Held:
    counter: tuple[str, int]
    window_start: int
    amount: int


class MemoryBudget(Budget):
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._windows: dict[tuple[str, int], _Window] = {}
        """Per key and window period: the current (or last used) window."""
        self._held: dict[str, _Held] = {}
        """Open reservations by id; settling or refunding removes one, which makes both idempotent."""
        self._sweep_above = 1024

    async def reserve(self, key: str, amount: int, limit: int, window: BudgetWindow = UTC_DAY) -> Reservation:
        check_amounts(key, amount, limit)
        now = self._now()
        current = self._current(key, window, now)
        if current.spent + current.reserved + amount > limit:
            raise BudgetExceeded(
                key,
                limit=limit,
                remaining=max(0, limit - current.spent - current.reserved),
                retry_after=current.start + window.period_seconds - now,
            )
        current.reserved += amount
        reservation_id = uuid.uuid4().hex
        self._held[reservation_id] = _Held((key, window.period_seconds), current.start, amount)
        self._forget_ended_windows(now)
        return Reservation(
            id=reservation_id,
            key=key,
            amount=amount,
            window=window,
            window_start=window_start_at(current.start),
        )

    async def settle(self, reservation: Reservation, actual: int) -> None:
        check_amounts(reservation.key, actual)
        self._release(reservation, charge=actual)

    async def refund(self, reservation: Reservation) -> None:
        self._release(reservation, charge=0)

    async def spent(self, key: str, window: BudgetWindow = UTC_DAY) -> BudgetUsage:
        check_amounts(key)
        now = self._now()
        current = self._windows.get((key, window.period_seconds))
        start = window.start_of(now)
        spent, reserved = (current.spent, current.reserved) if current and current.start == start else (0, 0)
        return BudgetUsage(
            key=key,
            window_start=window_start_at(start),
            spent=spent,
            reserved=reserved,
            reset_after=start + window.period_seconds - now,
        )

    def _release(self, reservation: Reservation, *, charge: int) -> None:
        held = self._held.pop(reservation.id, None)
        if held is None:
            return  # settled or refunded already, or never made here
        current = self._windows.get(held.counter)
        if current is None or current.start != held.window_start:
            return  # its window has ended
        current.reserved -= held.amount
        current.spent += charge

    def _current(self, key: str, window: BudgetWindow, now: float) -> _Window:
        start = window.start_of(now)
        current = self._windows.get((key, window.period_seconds))
        if current is None or current.start != start:
            current = self._windows[(key, window.period_seconds)] = _Window(start)
        return current

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _forget_ended_windows(self, now: float) -> None:
        # Ended windows and their open reservations can change nothing any more; dropping them
        # keeps memory bounded by what the current windows use.
        if len(self._windows) + len(self._held) <= self._sweep_above:
            return
        self._windows = {
            counter: current for counter, current in self._windows.items() if current.start + counter[1] > now
        }
        self._held = {
            reservation_id: held
            for reservation_id, held in self._held.items()
            if held.window_start + held.counter[1] > now
        }
        self._sweep_above = max(1024, 2 * (len(self._windows) + len(self._held)))
