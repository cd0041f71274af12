"""A request body is read as the media type its route declares, and as nothing else.

Litestar decodes a JSON body whatever Content-Type the client sent. The gateway's threat screen
reads JSON and form bodies and streams every other body through unread (uploads must not be
buffered), so a JSON body labelled ``text/plain`` would reach a handler that nobody inspected.
Every service therefore refuses a body whose Content-Type is not the one its route reads: 415.
A Litestar route middleware: it runs after routing, so it knows the route's handler.
"""

from enum import Enum
from typing import Any

from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send

_NO_BODY = ""


class BodyMediaTypeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._expected: dict[int, str] = {}  # per route handler, which lives as long as the app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            expected = self._expected_for(scope["route_handler"])
            if expected != _NO_BODY and _has_body(scope):
                received = _media_type(scope)
                if not _accepts(expected, received):
                    raise HTTPException(
                        status_code=415,
                        detail=f"This route reads {expected} bodies, not {received or 'unlabelled ones'}.",
                    )
        await self.app(scope, receive, send)

    def _expected_for(self, handler: Any) -> str:
        key = id(handler)
        if key not in self._expected:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                self._expected[key] = _NO_BODY
            else:
                declared = getattr(data.kwarg_definition, "media_type", None) or RequestEncodingType.JSON
                self._expected[key] = declared.value if isinstance(declared, Enum) else str(declared)
        return self._expected[key]


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


def media_type(value: bytes) -> str:
    """``application/json`` from ``Application/JSON; charset=utf-8``: the one reading of a
    Content-Type that this middleware and the gateway's threat screen share."""
    return value.decode("latin-1").split(";", 1)[0].strip().lower()


def _media_type(scope: Scope) -> str:
    declared = [value for name, value in scope["headers"] if name == b"content-type"]
    if len(declared) > 1:
        return "two Content-Type headers"  # which one would a reader take? neither
    return media_type(declared[0]) if declared else ""


def _accepts(expected: str, received: str) -> bool:
    if expected == RequestEncodingType.JSON.value or expected.endswith("+json"):
        # JSON by any name: a merge patch (application/merge-patch+json) may also say application/json
        return received == RequestEncodingType.JSON.value or received.endswith("+json")
    return received == expected
