"""Which provider answers a request: aliases, fallback chains and circuit breakers.

An alias (``default``, ``fast``, ``embed``) names an ordered chain of routes, each a configured
provider and that provider's model name. A request for an alias tries its routes in order and
goes on to the next when a provider is unavailable, timed out, rate limited, or its circuit is
open; a request the provider refused as malformed is not retried elsewhere (it would fail there
too). A model name that is no alias goes to the first provider that lists it (``provider/model``
names one exactly). The answer names the provider that gave it and the ones tried before.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import msgspec

from core.domain.errors import DomainError, NotFound
from core.ports.clock import Clock
from core.ports.llm import BadLlmRequest, LlmError, LlmProvider, ModelKind, RateLimited

T = TypeVar("T")
CacheScope = Literal["private", "shared", "off"]


class Route(msgspec.Struct, frozen=True):
    provider: str
    model: str

    @classmethod
    def parse(cls, text: str) -> "Route":
        """``provider/model``; the model part may hold further slashes (``groq/meta/llama``)."""
        provider, sep, model = text.partition("/")
        if not sep or not provider or not model:
            raise ValueError(f"a route is provider/model, not {text!r}")
        return cls(provider, model)

    def __str__(self) -> str:
        return f"{self.provider}/{self.model}"


class AliasConfig(msgspec.Struct, frozen=True, kw_only=True):
    routes: list[str]
    """``provider/model`` in the order they are tried."""
    kind: ModelKind = "chat"
    cache: CacheScope = "private"
    """``private``: a cached answer serves only the caller who asked; ``shared``: anyone
    asking the same (for public material only); ``off``."""
    max_tokens: int = 1024
    """The completion cap when a request names none: what a call reserves from the budget."""


class NoRoute(NotFound):
    code = "model_not_found"


class AllProvidersFailed(DomainError):
    """Every route of the chain failed or had its circuit open; ``last`` is the last error."""

    code = "providers_unavailable"

    def __init__(self, model: str, tried: list[str], last: LlmError | None) -> None:
        reason = f": {last}" if last is not None else ": every circuit is open"
        super().__init__(f"no provider could answer for {model!r}{reason}", tried=tried)
        self.tried, self.last = tried, last


@dataclass
class _Circuit:
    failures: int = 0
    open_until: float = 0.0


@dataclass
class CircuitBreakers:
    """Per provider: after ``threshold`` failures in a row the circuit opens for
    ``open_seconds``; then one request may try again (half-open), and a success closes it."""

    clock: Clock
    threshold: int = 3
    open_seconds: float = 30.0
    _circuits: dict[str, _Circuit] = field(default_factory=dict)

    def allows(self, provider: str) -> bool:
        circuit = self._circuits.get(provider)
        return circuit is None or circuit.open_until <= self.clock.monotonic()

    def succeeded(self, provider: str) -> None:
        self._circuits.pop(provider, None)

    def failed(self, provider: str) -> None:
        circuit = self._circuits.setdefault(provider, _Circuit())
        circuit.failures += 1
        if circuit.failures >= self.threshold:
            circuit.open_until = self.clock.monotonic() + self.open_seconds


class Routed(msgspec.Struct, frozen=True):
    route: Route
    tried: list[str]
    """Routes that failed before this one, in order."""


class ModelRouter:
    def __init__(
        self,
        providers: Mapping[str, LlmProvider],
        aliases: Mapping[str, AliasConfig],
        breakers: CircuitBreakers,
    ) -> None:
        self._providers, self._aliases, self._breakers = providers, aliases, breakers
        for name, alias in aliases.items():
            for route in map(Route.parse, alias.routes):
                if route.provider not in providers:
                    raise ValueError(f"alias {name!r} routes to {route.provider!r}, which is not configured")

    def alias(self, model: str) -> AliasConfig | None:
        return self._aliases.get(model)

    @property
    def aliases(self) -> Mapping[str, AliasConfig]:
        return self._aliases

    @property
    def providers(self) -> Mapping[str, LlmProvider]:
        return self._providers

    def provider(self, name: str) -> LlmProvider:
        return self._providers[name]

    def chain(self, model: str, kind: ModelKind) -> list[Route]:
        alias = self._aliases.get(model)
        if alias is not None:
            if alias.kind != kind:
                raise NoRoute(f"{model!r} is an alias for {alias.kind} models, not {kind}")
            return [Route.parse(text) for text in alias.routes]
        route = Route.parse(model) if "/" in model else None
        if route is not None and route.provider in self._providers:
            return [route]
        known = ", ".join(sorted(name for name, a in self._aliases.items() if a.kind == kind))
        raise NoRoute(f"no model {model!r}; ask for one of {known} or provider/model")

    async def call(
        self, model: str, kind: ModelKind, attempt: Callable[[LlmProvider, Route], Awaitable[T]]
    ) -> tuple[T, Routed]:
        """``attempt`` on each route of the chain until one answers."""
        tried: list[str] = []
        last: LlmError | None = None
        for route in self.chain(model, kind):
            if not self._breakers.allows(route.provider):
                tried.append(str(route))
                continue
            try:
                answer = await attempt(self._providers[route.provider], route)
            except BadLlmRequest:
                raise  # malformed for one provider, malformed for all: the caller's to fix
            except LlmError as error:
                if not isinstance(error, RateLimited):  # busy, not broken
                    self._breakers.failed(route.provider)
                tried.append(str(route))
                last = error
                continue
            self._breakers.succeeded(route.provider)
            return answer, Routed(route, tried)
        if len(tried) == 1 and isinstance(last, RateLimited):
            raise last  # one provider, busy: the caller retries after its Retry-After
        raise AllProvidersFailed(model, tried, last)
