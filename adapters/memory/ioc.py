"""dishka provider of the in-process adapters (the embedded default and fast tests).

Pass one ``MemoryState`` to the ``MemoryProvider`` of every app in a process so they share one
bus, key-value store, rate limiter and blocklist. No ``HealthProbe``: in-process is always up.
"""

from dishka import Provider, Scope, provide

from adapters.memory.state import MemoryState
from core.ports.blocklist import Blocklist
from core.ports.events import EventBus
from core.ports.kv import KeyValueStore
from core.ports.rate_limit import RateLimiter


class MemoryProvider(Provider):
    scope = Scope.APP

    def __init__(self, state: MemoryState | None = None) -> None:
        super().__init__()
        self._state = state or MemoryState()

    @provide
    def key_value_store(self) -> KeyValueStore:
        return self._state.key_value

    @provide
    def rate_limiter(self) -> RateLimiter:
        return self._state.rate_limiter

    @provide
    def blocklist(self) -> Blocklist:
        return self._state.blocklist

    @provide
    def event_bus(self) -> EventBus:
        return self._state.event_bus
