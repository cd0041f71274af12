"""Request-scoped values for use cases: who is calling (``Principal``) and the audit context
(``Invocation``), both taken from what the authentication layer verified."""

from typing import Any

from dishka import Provider, Scope, provide
from litestar import Request

from adapters.http.context import correlation_id
from adapters.http.request_state import request_state
from core.domain.access import Principal
from core.domain.audit.model import ANONYMOUS, Actor, Invocation
from core.domain.errors import Unauthenticated


def principal_of(request: Request[Any, Any, Any]) -> Principal | None:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def client_ip_of(request: Request[Any, Any, Any]) -> str | None:
    """The socket peer; the gateway resolves trusted proxies before this is read."""
    forwarded = request_state(request.scope).client_ip
    if isinstance(forwarded, str):
        return forwarded
    return request.client.host if request.client else None


class RequestContextProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def principal(self, request: Request) -> Principal:  # type: ignore[type-arg]
        principal = principal_of(request)
        if principal is None:
            raise Unauthenticated("authentication required")
        return principal

    @provide
    def invocation(self, request: Request) -> Invocation:  # type: ignore[type-arg]
        principal = principal_of(request)
        actor = (
            Actor(id=principal.subject, kind=principal.kind, role=principal.role) if principal else ANONYMOUS
        )
        return Invocation(actor=actor, correlation_id=correlation_id.get(), client_ip=client_ip_of(request))
