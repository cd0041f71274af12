"""One set of in-process adapters, shared by every app of the embedded ``bhiv up`` mode.

Apps that run in one process must see the same events, blocks, rate budgets and token budgets, so they are
wired from one ``MemoryState`` (see ``adapters.memory.ioc.MemoryProvider``).
"""

from dataclasses import dataclass, field

from adapters.memory.blocklist import MemoryBlocklist
from adapters.memory.budget import MemoryBudget
from adapters.memory.events import MemoryEventBus
from adapters.memory.kv import MemoryKeyValueStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.system.clock import SystemClock
from core.ports.clock import Clock


@dataclass(frozen=True)
class MemoryState:
    key_value: MemoryKeyValueStore = field(default_factory=MemoryKeyValueStore)
    rate_limiter: MemoryRateLimiter = field(default_factory=MemoryRateLimiter)
    blocklist: MemoryBlocklist = field(default_factory=MemoryBlocklist)
    event_bus: MemoryEventBus = field(default_factory=MemoryEventBus)
    budget: MemoryBudget = field(default_factory=MemoryBudget)

    @classmethod
    def with_clock(cls, clock: Clock | None = None) -> "MemoryState":
        clock = clock or SystemClock()
        return cls(
            key_value=MemoryKeyValueStore(clock),
            rate_limiter=MemoryRateLimiter(clock),
            blocklist=MemoryBlocklist(clock),
            event_bus=MemoryEventBus(clock),
            budget=MemoryBudget(clock),
        )
