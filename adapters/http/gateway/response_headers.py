"""CORS and security headers from configuration, on every gateway response.

A preflight from an allowed origin is answered here, before rate limits and authentication
(it carries no credentials). Security headers an upstream set itself are left alone.
"""

from collections.abc import Sequence

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class ResponseHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        security_headers: Sequence[tuple[bytes, bytes]],
        cors_origins: Sequence[str],
        cors_methods: str,
        cors_headers: str,
        cors_max_age: int,
    ) -> None:
        self.app = app
        self.security = tuple(security_headers)
        self.origins = frozenset(origin.encode() for origin in cors_origins)
        self.any_origin = "*" in cors_origins
        self.preflight = (
            (b"access-control-allow-methods", cors_methods.encode()),
            (b"access-control-allow-headers", cors_headers.encode()),
            (b"access-control-max-age", str(cors_max_age).encode()),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        origin = self._allowed_origin(scope) if self.origins else None
        if origin is not None and _is_preflight(scope):
            headers = [*self._cors(origin), *self.preflight]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in self.security if header[0] not in present)
                if origin is not None:
                    headers.extend(self._cors(origin))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _allowed_origin(self, scope: Scope) -> bytes | None:
        origin = _header(scope, b"origin")
        if origin is None:
            return None
        return origin if self.any_origin or origin in self.origins else None

    def _cors(self, origin: bytes) -> list[tuple[bytes, bytes]]:
        return [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]


def _is_preflight(scope: Scope) -> bool:
    return scope.get("method") == "OPTIONS" and _header(scope, b"access-control-request-method") is not None


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return bytes(value)
    return None
