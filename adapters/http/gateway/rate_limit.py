"""Rate limits at the gateway: per client IP for every request, and per identity once
authenticated, by role and route class, on the shared atomic limiter (Redis in production).

A request without a bearer token is charged to its IP before routing. A request with one is
charged to its IP and its identity together, in one limiter call, once the token is verified;
if it never gets there (a bad token, an unknown route) its IP is charged before the answer
goes out, and a refusal replaces that answer. Either way every request is charged to its IP
exactly once, before the service does any work for it. Charged together, a request refused for
its address still counts for its identity (and the other way round).

The response carries the tighter of the two budgets (``RateLimit-*``); a refusal is a 429
problem with ``Retry-After``. When the limiter itself fails, requests pass: limits protect
capacity, and refusing everything while Redis is down would be the outage they exist to prevent.
"""

import logging
import math

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.access import ROUTE_CLASS_KEY
from adapters.http.asgi_problem import send_problem
from adapters.http.request_state import request_state
from core.domain.access import Principal
from core.domain.routing.limits import identity_rule, ip_rule, route_class, tighter
from core.ports.errors import PortError
from core.ports.rate_limit import RateDecision, RateLimit, RateLimiter

log = logging.getLogger("bhiv.gateway")
_EXEMPT = ("/health/", "/metrics")


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

    async def hit(self, *hits: tuple[str, RateLimit]) -> list[RateDecision | None]:
        """Each hit's decision, in one limiter call; all None when the limiter failed."""
        if self.limiter is None:
            raise RuntimeError("the rate limiter is set in the gateway's lifespan")
        if not hits:
            return []
        try:
            return list(await self.limiter.hit_many(hits))
        except PortError as error:
            log.warning("rate limiter unavailable, letting the request pass: %s", error)
            return [None] * len(hits)


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
        state = request_state(scope)
        rule = ip_rule(self.limits.per_ip, route_class(scope["path"]))
        state.rate_decision = None
        if rule is not None:
            hit = (f"ip:{state.client_ip}:{rule[0]}", rule[1])
            if _has_bearer(scope):
                state.pending_ip_hit = hit  # charged with the identity, after verification
            else:
                (decision,) = await self.limits.hit(hit)
                if decision is not None and not decision.allowed:
                    await refuse(send, decision, "from this address")
                    return
                state.rate_decision = decision
        replaced = False

        async def send_with_limits(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                pending, state.pending_ip_hit = state.pending_ip_hit, None
                if pending is not None:  # the request never reached the identity limit
                    (decision,) = await self.limits.hit(pending)
                    if decision is not None and not decision.allowed:
                        replaced = True
                        await refuse(send, decision, "from this address")
                        return
                    state.rate_decision = decision
                if state.rate_decision is not None:
                    message["headers"] = [*message.get("headers", ()), *limit_headers(state.rate_decision)]
            await send(message)

        await self.app(scope, receive, send_with_limits)


class IdentityRateLimitMiddleware:
    """A route middleware after authentication: it knows who is calling."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        state = request_state(scope)
        hits: list[tuple[str, RateLimit]] = []
        refusals: list[str] = []
        pending, state.pending_ip_hit = state.pending_ip_hit, None
        if pending is not None:
            hits.append(pending)
            refusals.append("from this address")
        principal = scope.get("user")
        if isinstance(principal, Principal):
            route = scope["route_handler"].opt.get(ROUTE_CLASS_KEY) or route_class(scope["path"])
            role = principal.role.value
            rule = identity_rule(self.limits.per_identity, role, route)
            if rule is not None:
                hits.append((f"id:{principal.kind}:{principal.subject}:{rule[0]}", rule[1]))
                refusals.append("for this identity")
        for decision, what in zip(await self.limits.hit(*hits), refusals, strict=True):
            if decision is None:
                continue
            state.rate_decision = tighter(state.rate_decision, decision)
            if not decision.allowed:
                # The outer middleware would add headers: this refusal carries its own.
                state.rate_decision = None
                await refuse(send, decision, what)
                return
        await self.app(scope, receive, send)


def _has_bearer(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return value[:7].lower() == b"bearer "
    return False
