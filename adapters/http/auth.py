"""Authentication and route permissions, the same in every service (defence in depth).

A Litestar route middleware: it runs after routing, so it knows the route's declared access
(adapters/http/access.py). Deny by default: a route that declares nothing is refused. At the
gateway, the edge (adapters/http/gateway/edge_auth.py) has verified the token already; its
claims are used as they are.
"""

from collections.abc import Mapping
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.http.access import GATEWAY, declared_access, required_permissions
from adapters.http.request_state import request_state
from core.domain.errors import Forbidden, Unauthenticated
from core.domain.identity.tokens import AccessTokenClaims, InvalidToken
from core.ports.tokens import AccessTokenVerifier


def bearer_token(scope: Mapping[str, Any]) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidToken("the Authorization header is not a Bearer token")
            return token.strip()
    return None


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._verifier: AccessTokenVerifier | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        opt: dict[str, Any] = scope["route_handler"].opt
        access = declared_access(opt)
        state = request_state(scope)
        if access == "public" or (access == GATEWAY and state.public):
            await self.app(scope, receive, send)
            return
        if access is None:
            raise Forbidden("this route declares no access rule, so nobody may call it")
        claims = state.claims or await self._verified(scope)
        principal = claims.principal()
        if access == "permission":
            accepted = required_permissions(opt)
            if not any(principal.has(permission) for permission in accepted):
                raise Forbidden(f"this action needs the {' or the '.join(accepted)} permission")
        scope["user"] = principal
        scope["auth"] = claims
        await self.app(scope, receive, send)

    async def _verified(self, scope: Scope) -> AccessTokenClaims:
        self._verifier = self._verifier or await scope["app"].state.dishka_container.get(AccessTokenVerifier)
        return await verified_claims(scope, self._verifier)


async def verified_claims(scope: Mapping[str, Any], verifier: AccessTokenVerifier) -> AccessTokenClaims:
    """The request's Bearer token, verified; ``Unauthenticated`` when there is none or it fails."""
    token = bearer_token(scope)
    if token is None:
        raise Unauthenticated("a Bearer access token is required")
    return await verifier.verify(token)
