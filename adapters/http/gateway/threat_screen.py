"""The gateway's threat defence around its request path, in two layers:

- ``ThreatGateMiddleware`` (outermost): a blocked IP is refused before anything else runs;
  after each answer, behaviour is tracked (scanning bursts of 401/403/404, invalid-token floods).
- ``ThreatScreenMiddleware`` (after the IP rate limit and the edge's token verification):
  inspection of every value, by the rules of the route's fields and charged to the caller."""

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from dishka import AsyncContainer

from adapters.http.asgi_problem import send_problem
from adapters.http.context import correlation_id
from adapters.http.gateway.edge_auth import identity_of
from adapters.http.gateway.route_policies import STRICT
from adapters.http.gateway.threat_sample import UninspectableRequest, body_kind, sample_of
from adapters.http.request_state import request_state
from core.domain.threat.model import Verdict
from core.domain.threat.use_cases import ObserveBehaviour, Screening, ScreenRequest
from core.ports.errors import Unavailable

# Plain ASGI types: this layer only forwards messages and never needs Litestar's typed events.
Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("bhiv.threat")
MAX_INSPECTED_BODY = 1_048_576


def client_ip_of(scope: Scope) -> str:
    return request_state(scope).client_ip or (scope.get("client") or ("",))[0]


class ThreatGateMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._screen: ScreenRequest | None = None
        self._observe: ObserveBehaviour | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        screen, observe = await self._use_cases(scope["app"].state.dishka_container)
        client_ip = client_ip_of(scope)
        try:
            blocked = await screen.blocked(client_ip)
        except Unavailable as error:  # the blocklist is down: fail open, loudly
            log.error("blocklist unavailable, request let through: %s", error)
            blocked = None
        if blocked is not None:
            await _refuse(send, blocked)
            return
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        forged = status == 401 and request_state(scope).forged_token
        try:
            await observe.response(client_ip, status, invalid_token=forged)
        except Unavailable as error:
            log.warning("behaviour not recorded: %s", error)

    async def _use_cases(self, container: AsyncContainer) -> tuple[ScreenRequest, ObserveBehaviour]:
        if self._screen is None or self._observe is None:
            self._screen = await container.get(ScreenRequest)
            self._observe = await container.get(ObserveBehaviour)
        return self._screen, self._observe


class ThreatScreenMiddleware:
    def __init__(
        self, app: ASGIApp, anonymous_max_body_bytes: int = 65_536, body_timeout_seconds: float = 30.0
    ) -> None:
        self.app = app
        self._anonymous_max_body = anonymous_max_body_bytes
        self._body_timeout = body_timeout_seconds
        self._screen: ScreenRequest | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._screen is None:
            self._screen = await scope["app"].state.dishka_container.get(ScreenRequest)
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        state = request_state(scope)
        policy = state.route_policy or STRICT
        limit = MAX_INSPECTED_BODY if state.principal is not None else self._anonymous_max_body
        try:
            _check_sizes(scope, headers)
            async with asyncio.timeout(self._body_timeout):  # a trickled body holds no socket for long
                body, receive = await _buffered_body(headers, receive, limit)
            sample = sample_of(scope, headers, body, client_ip_of(scope))
        except UninspectableRequest as refused:
            await send_problem(send, refused.status, code=refused.code, detail=refused.detail)
            return
        except TimeoutError:
            detail = f"The request body did not arrive within {self._body_timeout:g} s."
            await send_problem(
                send, 408, code="request_timeout", detail=detail, headers=[(b"connection", b"close")]
            )
            return
        try:
            screening = await self._screen.execute(
                sample, correlation_id.get(), content=policy.content, identity=identity_of(state.principal)
            )
        except Unavailable as error:  # the blocklist or the event store is down: fail open, loudly
            log.error("threat screen unavailable, request let through: %s", error)
            screening = None
        if screening is not None and screening.verdict is not Verdict.ALLOW:
            await _refuse(send, screening)
            return
        await self.app(scope, receive, send)


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


def _too_large(limit: int) -> UninspectableRequest:
    if limit < MAX_INSPECTED_BODY:
        detail = f"Without a valid token, JSON and form bodies are limited to {limit // 1024} KiB."
    else:
        detail = "JSON and form bodies are limited to 1 MiB."
    return UninspectableRequest(413, "body_too_large", detail)


async def _buffered_body(
    headers: list[tuple[bytes, bytes]], receive: Receive, limit: int
) -> tuple[bytes | None, Receive]:
    """JSON and form bodies (small by nature) are read for inspection, then replayed, whether
    or not they declare a length (a chunked body must not slip past); any other body streams
    through untouched. An anonymous caller's limit is small: inspection costs CPU."""
    if body_kind(headers) is None:
        return None, receive
    declared = next((value.strip() for name, value in headers if name == b"content-length"), b"")
    if declared and (not declared.isdigit() or int(declared) > limit):
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
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


async def _refuse(send: Send, screening: Screening) -> None:
    """403 problem+json that names no rule: an attacker learns nothing about the detectors."""
    retry = screening.retry_after or screening.blocked_for
    headers = [(b"retry-after", str(max(1, math.ceil(retry))).encode())] if retry else []
    if screening.retry_after is not None:
        detail = "Your requests cost more inspection than allowed for now; retry later."
        await send_problem(send, 429, code="inspection_budget_spent", detail=detail, headers=headers)
    elif screening.verdict is Verdict.BLOCK_IP:
        detail = "Your address is blocked for a while."
        await send_problem(send, 403, code="ip_blocked", detail=detail, headers=headers)
    elif screening.verdict is Verdict.BLOCK_IDENTITY:
        detail = "Your account is blocked for a while."
        await send_problem(send, 403, code="identity_blocked", detail=detail, headers=headers)
    else:
        await send_problem(send, 403, code="request_refused", detail="This request was refused.")
