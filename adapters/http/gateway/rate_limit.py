"""Rate limits at the gateway: per client IP for every request, then per identity once
authenticated, by role and route class, on the shared atomic limiter (Redis in production).

The response carries the tighter of the two budgets (``RateLimit-*``); a refusal is a 429
problem with ``Retry-After``. When the limiter itself fails, requests pass: limits protect
capacity, and refusing everything while Redis is down would be the outage they exist to prevent.
"""

import logging
import math
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.asgi_problem import send_problem
from adapters.http.gateway.client_ip import CLIENT_IP
from adapters.http.gateway.runtime import ROUTE_CLASS_KEY
from core.domain.identity.model import Principal
from core.ports.errors import PortError
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter

log = logging.getLogger("bhiv.gateway")
DECISION = "rate_limit"
_EXEMPT = ("/health/", "/metrics")


def route_class(path: str) -> str:
    """``/api/<service>/...`` -> the service (``admin`` included); ``/auth/...`` -> ``auth``."""
    segments = path.split("/", 3)
    if len(segments) > 2 and segments[1] == "api":
        return segments[2]
    return segments[1] if len(segments) > 1 and segments[1] else "other"


def lookup(table: dict[str, RateLimit], *keys: str) -> tuple[str, RateLimit] | None:
    for key in keys:
        rate = table.get(key)
        if rate is not None:
            return key, rate
    return None


def limit_headers(decision: RateDecision) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"ratelimit-limit", str(decision.limit).encode()),
        (b"ratelimit-remaining", str(decision.remaining).encode()),
        (b"ratelimit-reset", str(math.ceil(decision.reset_after)).encode()),
    ]
    if not decision.allowed:
        headers.append((b"retry-after", str(max(1, math.ceil(decision.retry_after))).encode()))
    return headers


class RateLimits:
    """The two tables and the limiter, which comes from the container once the app started."""

    def __init__(self, per_ip: dict[str, RateLimit], per_identity: dict[str, RateLimit]) -> None:
        self.per_ip = per_ip
        self.per_identity = per_identity
        self.limiter: RateLimiter | None = None

    async def hit(self, key: str, rate: RateLimit) -> RateDecision | None:
        if self.limiter is None:
            raise RuntimeError("the rate limiter is set in the gateway's lifespan")
        try:
            return await self.limiter.hit(key, rate)
        except PortError as error:
            log.warning("rate limiter unavailable, letting the request pass: %s", error)
            return None


async def refuse(send: Send, decision: RateDecision, what: str) -> None:
    detail = f"too many requests {what}; retry after {max(1, math.ceil(decision.retry_after))}s"
    await send_problem(send, 429, code="rate_limited", detail=detail, headers=limit_headers(decision))


class IpRateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope["state"]
        rule = lookup(self.limits.per_ip, route_class(scope["path"]), "*")
        decision = None
        if rule is not None:
            decision = await self.limits.hit(f"ip:{state.get(CLIENT_IP)}:{rule[0]}", rule[1])
            if decision is not None and not decision.allowed:
                await refuse(send, decision, "from this address")
                return
        state[DECISION] = decision

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(DECISION) is not None:
                message["headers"] = [*message.get("headers", ()), *limit_headers(state[DECISION])]
            await send(message)

        await self.app(scope, receive, send_with_limits)


class IdentityRateLimitMiddleware:
    """A route middleware after authentication: it knows who is calling."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("user")
        if scope["type"] != ScopeType.HTTP or not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        route = scope["route_handler"].opt.get(ROUTE_CLASS_KEY) or route_class(scope["path"])
        role = principal.role.value
        rule = lookup(self.limits.per_identity, f"{role}:{route}", f"{role}:*", f"*:{route}", "*:*")
        if rule is not None:
            key = f"id:{principal.kind}:{principal.subject}:{rule[0]}"
            decision = await self.limits.hit(key, rule[1])
            if decision is not None:
                state = scope["state"]
                current: RateDecision | None = state.get(DECISION)
                if not decision.allowed or current is None or decision.remaining < current.remaining:
                    state[DECISION] = decision
                if not decision.allowed:
                    # The outer middleware adds the headers of this decision.
                    state[DECISION] = None
                    await refuse(send, decision, "for this identity")
                    return
        await self.app(scope, receive, send)
