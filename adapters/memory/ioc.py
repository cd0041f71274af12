"""dishka provider of the in-process adapters (the embedded default and fast tests).

Pass one ``MemoryState`` to the ``MemoryProvider`` of every app in a process so they share one
bus, key-value store, rate limiter, blocklist and budgets. No ``HealthProbe``: in-process is always up.
"""

from dishka import Provider, Scope

from adapters.memory.state import MemoryState
from core.ports.blocklist import Blocklist
from core.ports.budget import Budget
from core.ports.events import EventBus
from core.ports.kv import KeyValueStore
from core.ports.rate_limit import RateLimiter


class MemoryProvider(Provider):
    """``override=True`` when it replaces adapters already provided: ``bhiv up`` and tests give
    every app one shared ``MemoryState``."""

    scope = Scope.APP

    def __init__(self, state: MemoryState | None = None, *, override: bool = False) -> None:
        super().__init__()
        shared = state or MemoryState()
        self.provide(lambda: shared.key_value, provides=KeyValueStore, override=override)
        self.provide(lambda: shared.rate_limiter, provides=RateLimiter, override=override)
        self.provide(lambda: shared.blocklist, provides=Blocklist, override=override)
        self.provide(lambda: shared.event_bus, provides=EventBus, override=override)
        self.provide(lambda: shared.budget, provides=Budget, override=override)
