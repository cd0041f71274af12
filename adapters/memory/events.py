"""In-process event bus with the semantics of Redis Streams consumer groups.

Each stream keeps its entries (trimmed to ``max_length``) and, per group, the last entry handed
out and the pending entries (delivered, not yet acked) with their delivery time and count.
Nothing awaits between reading and changing that state, so concurrent consumers never receive
the same entry at once. ``consume`` waits on a condition that ``publish`` notifies.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field

from adapters.system.clock import SystemClock
from core.ports.clock import Clock
from core.ports.events import Delivery, Event, EventBus


@dataclass
class _Pending:
    consumer: str
    delivered_at: float
    deliveries: int


@dataclass
class _Group:
    last_delivered: int = 0
    pending: dict[int, _Pending] = field(default_factory=dict)


@dataclass
class _Stream:
    entries: dict[int, Event] = field(default_factory=dict)
    last_seq: int = 0
    groups: dict[str, _Group] = field(default_factory=dict)
    published: asyncio.Condition = field(default_factory=asyncio.Condition)


class MemoryEventBus(EventBus):
    def __init__(self, clock: Clock | None = None, *, max_length: int = 100_000) -> None:
        self._clock = clock or SystemClock()
        self._max_length = max_length
        self._streams: dict[str, _Stream] = {}

    async def publish(self, stream: str, event: Event) -> str:
        state = self._stream(stream)
        state.last_seq += 1
        state.entries[state.last_seq] = event
        while len(state.entries) > self._max_length:
            del state.entries[next(iter(state.entries))]
        async with state.published:
            state.published.notify_all()
        return _message_id(state.last_seq)

    async def ensure_group(self, stream: str, group: str) -> None:
        self._stream(stream).groups.setdefault(group, _Group())

    async def consume(
        self,
        stream: str,
        group: str,
        consumer: str,
        *,
        count: int = 10,
        block_seconds: float = 0.0,
        redeliver_after_seconds: float = 30.0,
    ) -> list[Delivery]:
        state = self._stream(stream)
        if group not in state.groups:
            raise LookupError(f"no group {group!r} on stream {stream!r}; call ensure_group first")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + block_seconds
        while True:
            deliveries = self._take(state, state.groups[group], consumer, count, redeliver_after_seconds)
            remaining = deadline - loop.time()
            if deliveries or remaining <= 0:
                return deliveries
            async with state.published:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(state.published.wait(), remaining)

    async def ack(self, stream: str, group: str, message_ids: list[str]) -> None:
        groups = self._stream(stream).groups
        if group in groups:
            for message_id in message_ids:
                groups[group].pending.pop(_seq(message_id), None)

    def _take(
        self, state: _Stream, group: _Group, consumer: str, count: int, redeliver_after: float
    ) -> list[Delivery]:
        now = self._clock.monotonic()
        deliveries: list[Delivery] = []
        for seq, pending in list(group.pending.items()):
            if len(deliveries) >= count:
                return deliveries
            if seq not in state.entries:
                del group.pending[seq]  # trimmed away, as XAUTOCLAIM drops deleted entries
            elif now - pending.delivered_at >= redeliver_after:
                group.pending[seq] = _Pending(consumer, now, pending.deliveries + 1)
                deliveries.append(Delivery(_message_id(seq), state.entries[seq], pending.deliveries + 1))
        oldest = next(iter(state.entries), state.last_seq + 1)
        first_new = max(group.last_delivered + 1, oldest)
        for seq in range(first_new, min(state.last_seq + 1, first_new + count - len(deliveries))):
            group.last_delivered = seq
            group.pending[seq] = _Pending(consumer, now, 1)
            deliveries.append(Delivery(_message_id(seq), state.entries[seq], 1))
        return deliveries

    def _stream(self, name: str) -> _Stream:
        if name not in self._streams:
            self._streams[name] = _Stream()
        return self._streams[name]


def _message_id(seq: int) -> str:
    return f"{seq}-0"


def _seq(message_id: str) -> int:
    head, _, _ = message_id.partition("-")
    return int(head) if head.isdigit() else -1
