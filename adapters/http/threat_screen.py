"""The gateway's threat screen: blocklist check and payload inspection before anything else
runs, and behaviour tracking (scanning, invalid-token floods) after each answer."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from dishka import AsyncContainer

from adapters.http.asgi_problem import send_problem
from adapters.http.context import correlation_id
from adapters.http.threat_sample import UninspectableRequest, body_kind, sample_of
from core.domain.threat.model import Verdict
from core.domain.threat.use_cases import ObserveBehaviour, ScreenRequest
from core.ports.errors import Unavailable

# Plain ASGI types: this layer only forwards messages and never needs Litestar's typed events.
Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("bhiv.threat")
MAX_INSPECTED_BODY = 1_048_576


class ThreatScreenMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._screen: ScreenRequest | None = None
        self._observe: ObserveBehaviour | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        screen, observe = await self._use_cases(scope["app"].state.dishka_container)
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        client_ip = scope.get("state", {}).get("client_ip") or (scope.get("client") or ("",))[0]
        try:
            _check_sizes(scope, headers)
            body, receive = await _buffered_body(headers, receive)
            sample = sample_of(scope, headers, body, client_ip)
        except UninspectableRequest as refused:
            await send_problem(send, refused.status, code=refused.code, detail=refused.detail)
            return
        try:
            screening = await screen.execute(sample, correlation_id.get())
        except Unavailable as error:  # the blocklist or the event store is down: fail open, loudly
            log.error("threat screen unavailable, request let through: %s", error)
            screening = None
        if screening is not None and screening.verdict is not Verdict.ALLOW:
            await _refuse(send, screening.verdict, screening.blocked_for)
            return
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        bearer = status == 401 and any(name == b"authorization" for name, _ in headers)
        try:
            await observe.response(client_ip, status, invalid_token=bearer)
        except Unavailable as error:
            log.warning("behaviour not recorded: %s", error)

    async def _use_cases(self, container: AsyncContainer) -> tuple[ScreenRequest, ObserveBehaviour]:
        if self._screen is None or self._observe is None:
            self._screen = await container.get(ScreenRequest)
            self._observe = await container.get(ObserveBehaviour)
        return self._screen, self._observe


MAX_TARGET_BYTES = 32_768
"""Path and query string together; the server (httptools) sets no limit of its own."""
MAX_HEADER_BYTES = 32_768
"""All header names and values together: a header is read in one step, so its size is bounded
here (as nginx, Node and Tomcat bound theirs) rather than left to stall the event loop."""


def _check_sizes(scope: Scope, headers: list[tuple[bytes, bytes]]) -> None:
    if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_TARGET_BYTES:
        raise UninspectableRequest(
            414, "uri_too_long", f"Path and query are limited to {MAX_TARGET_BYTES} bytes."
        )
    if sum(len(name) + len(value) for name, value in headers) > MAX_HEADER_BYTES:
        detail = f"Request headers are limited to {MAX_HEADER_BYTES} bytes in all."
        raise UninspectableRequest(431, "headers_too_large", detail)


_TOO_LARGE = UninspectableRequest(413, "body_too_large", "JSON and form bodies are limited to 1 MiB.")


async def _buffered_body(
    headers: list[tuple[bytes, bytes]], receive: Receive
) -> tuple[bytes | None, Receive]:
    """JSON and form bodies (small by nature) are read for inspection, then replayed, whether
    or not they declare a length (a chunked body must not slip past); any other body streams
    through untouched."""
    if body_kind(headers) is None:
        return None, receive
    declared = next((value.strip() for name, value in headers if name == b"content-length"), b"")
    if declared and (not declared.isdigit() or int(declared) > MAX_INSPECTED_BODY):
        raise _TOO_LARGE
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_INSPECTED_BODY:
            raise _TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _refuse(send: Send, verdict: Verdict, blocked_for: float | None) -> None:
    """403 problem+json that names no rule: an attacker learns nothing about the detectors."""
    if verdict is Verdict.BLOCK_IP:
        retry = [(b"retry-after", str(max(1, round(blocked_for))).encode())] if blocked_for else []
        await send_problem(
            send, 403, code="ip_blocked", detail="Your address is blocked for a while.", headers=retry
        )
    else:
        await send_problem(send, 403, code="request_refused", detail="This request was refused.")
