"""Who is calling, decided at the gateway's edge, before anything reads a body.

A request's route is known before routing: the gateway's own routes by Litestar's router, a
service's by what the service declares (route policies). A route that needs a token and has
none, or an invalid one, is answered 401 here, so an anonymous caller never has a body
inspected on a route it may not call. A valid token (verified with cached keys and the shared
revocation store, no database) becomes the request's principal (``RequestState``): the threat
screen charges the identity's strikes and inspection time, and the route's own permission check
and the identity rate limit use it without verifying the token again.

An LLM API key (``bhiv_sk_...``) is a bearer on the LLM service's ``/v1/`` routes only: there it
is exchanged for a short-lived access token of its owner (``ExchangeLlmApiKey``; its lookup is
cached briefly, so not a database read per request), which replaces the key in the request that
goes upstream. Anywhere else a key is refused.
"""

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.utils import normalize_path

from adapters.http.access import GATEWAY, ROUTE_CLASS_KEY, declared_access
from adapters.http.asgi_problem import send_problem
from adapters.http.auth import bearer_token, verified_claims
from adapters.http.gateway.route_policies import STRICT, RoutePolicies
from adapters.http.problems import challenge
from adapters.http.request_state import request_state
from core.domain.access import Permission, Principal
from core.domain.errors import Unauthenticated
from core.domain.identity.llm_key_exchange import ExchangeLlmApiKey
from core.domain.identity.llm_keys import looks_like_key
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken
from core.ports.tokens import AccessTokenVerifier

LLM_SERVICE = "llm"
LLM_KEY_PATHS = "/v1/"
"""Below the LLM service's mount: where an LLM API key is a bearer."""
OBSERVABILITY_PATHS = ("/metrics", "/openapi")
"""A service's own paths that only ``platform:observe`` reaches through the gateway: its metrics
and its OpenAPI document (routes, schemas) are for operators, not for every signed-in caller."""

# Plain ASGI types: this layer runs outside Litestar and only forwards messages.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def identity_of(principal: Principal | None) -> str | None:
    """``user:<id>`` or ``client:<client_id>``: whom strikes and blocks are charged to."""
    return None if principal is None else f"{principal.kind}:{principal.subject}"


class EdgeAuthenticationMiddleware:
    def __init__(self, app: ASGIApp, policies: RoutePolicies) -> None:
        self.app = app
        self.policies = policies
        self._verifier: AccessTokenVerifier | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handler, rest = _route(scope)
        access = declared_access(handler.opt) if handler else None
        if access == GATEWAY and _has_dot_segments(scope):
            # A service might resolve ``..`` after the gateway decided who may call which route
            # (its own routes meet the threat screen, which counts traversal as an attack).
            detail = "the path has dot segments (. or .., also percent-encoded); send it resolved"
            await send_problem(send, 400, code="malformed_path", detail=detail)
            return
        policy = STRICT
        observing = access == GATEWAY and rest.startswith(OBSERVABILITY_PATHS)
        if handler is not None and access == GATEWAY and not observing:
            policy = self.policies.lookup(handler.opt[ROUTE_CLASS_KEY], scope["method"], rest)
        state = request_state(scope)
        state.route_policy, state.public = policy, access == "public" or policy.public
        # Unknown routes and public ones carry no identity: Litestar answers the first, and a
        # public route's Authorization header belongs to it (HTTP Basic at /auth/token).
        if handler is not None and not state.public:
            try:
                takes_key = handler.opt.get(ROUTE_CLASS_KEY) == LLM_SERVICE and rest.startswith(LLM_KEY_PATHS)
                state.claims = await self._verified(scope, takes_key=takes_key)
                state.principal = state.claims.principal()
            except Unauthenticated as error:
                state.forged_token = not getattr(error, "stale", True)  # forged, malformed, not ours
                await send_problem(
                    send,
                    401,
                    code=error.code,
                    detail=error.detail,
                    headers=[(b"www-authenticate", challenge(error).encode())],
                )
                return
        if observing and (state.principal is None or not state.principal.has(Permission.PLATFORM_OBSERVE)):
            detail = (
                f"a service's metrics and OpenAPI document need the {Permission.PLATFORM_OBSERVE} permission"
            )
            await send_problem(send, 403, code="forbidden", detail=detail)
            return
        await self.app(scope, receive, send)

    async def _verified(self, scope: Scope, *, takes_key: bool) -> AccessTokenClaims:
        presented = bearer_token(scope)
        if presented is not None and looks_like_key(presented):
            if not takes_key:  # a key may be honest, just sent to the wrong place: not a forgery
                raise InvalidToken("an LLM API key is accepted on /api/llm/v1/ only", stale=True)
            return await _exchanged(scope, presented)
        self._verifier = self._verifier or await scope["app"].state.dishka_container.get(AccessTokenVerifier)
        return await verified_claims(scope, self._verifier)


async def _exchanged(scope: Scope, key: str) -> AccessTokenClaims:
    """The owner's access token for ``key``, which goes upstream in the key's place."""
    async with scope["app"].state.dishka_container() as request_container:
        exchange: ExchangeLlmApiKey = await request_container.get(ExchangeLlmApiKey)
        token, claims = await exchange.execute(key)
    others = [(name, value) for name, value in scope["headers"] if name != b"authorization"]
    scope["headers"] = [*others, (b"authorization", b"Bearer " + token.encode("ascii"))]
    return claims


def _route(scope: Scope) -> tuple[BaseRouteHandler | None, str]:
    """The route handler Litestar will pick, and the path below a service's mount."""
    app: Any = scope["app"]
    try:
        _, handler, rest, _, _ = app.asgi_router.handle_routing(
            path=normalize_path(scope["path"]), method=scope["method"]
        )
    except (HTTPException, InvalidToken):
        return None, ""
    return handler, rest


def _has_dot_segments(scope: Scope) -> bool:
    raw = scope.get("raw_path") or scope["path"].encode()
    path = unquote(raw.split(b"?", 1)[0].decode("latin-1"))
    return any(segment in (".", "..") for segment in path.replace("\\", "/").split("/"))
