"""The admin routes check their declared permission themselves as well: defence in depth, so
they stay closed even in an app that forgot the authentication middleware."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from adapters.http.access import PERMISSION_KEY, declared_access
from core.domain.errors import Forbidden, Unauthenticated
from core.domain.identity.model import Permission, Principal


def declared_permission_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    if declared_access(handler.opt) != "permission":
        raise Forbidden("this route declares no permission, so nobody may call it")
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise Unauthenticated("authentication required")
    permission = Permission(handler.opt[PERMISSION_KEY])
    if not principal.has(permission):
        raise Forbidden(f"this action needs the {permission} permission")
