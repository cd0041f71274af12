"""The proxied path: pure ASGI, streaming both bodies over the gateway's pooled upstream client.

The client is the gateway's own (docs/decisions/0018); aiohttp's measured ten times httpx's
throughput (docs/decisions/0011) and still spent three times its CPU.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import NamedTuple, Protocol
from urllib.parse import quote

from litestar.types import HTTPScope, Receive, Send

from adapters.http.asgi_problem import send_problem
from adapters.http.gateway.config import ServiceRoute
from adapters.http.gateway.forwarding import downstream_headers, upstream_headers
from adapters.http.gateway.upstream_client import (
    UpstreamClient,
    UpstreamError,
    UpstreamResponse,
    UpstreamTimeout,
)
from core.domain.routing.model import Failure
from core.domain.routing.pool import UpstreamPool
from core.domain.routing.retry import RetryPolicy
from core.domain.routing.upstream_state import UpstreamState

log = logging.getLogger("bhiv.gateway")
_UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    """The client disconnected while its body was being sent on: no fault of the upstream's."""


class _RequestBody:
    """The client's body, read from ``receive`` only as the upstream takes it."""

    __slots__ = ("limit", "receive", "sent", "started", "too_large")

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.sent = 0
        self.started = False
        self.too_large = False

    async def chunks(self) -> AsyncIterator[bytes]:
        self.started = True
        more = True
        while more:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = bytes(message.get("body", b""))  # type: ignore[call-overload]
            more = bool(message.get("more_body", False))
            self.sent += len(chunk)
            if self.sent > self.limit:
                self.too_large = True
                raise BodyTooLarge
            if chunk:
                yield chunk


class _Body(NamedTuple):
    receive: Receive | None
    """None when the request has no body."""
    length: int | None
    """The client's Content-Length; None when it sent its body chunked."""


class Runtime(Protocol):
    @property
    def client(self) -> UpstreamClient: ...

    def is_trusted(self, peer: str | None) -> bool: ...


class ServiceProxy:
    def __init__(
        self,
        route: ServiceRoute,
        pool: UpstreamPool,
        retry: RetryPolicy,
        max_body_bytes: int,
        gateway: Runtime,
    ) -> None:
        self.route = route
        self.pool = pool
        self.retry = retry
        self.max_body_bytes = max_body_bytes
        self.gateway = gateway
        self.prefix = f"/api/{route.service}".encode()
        """Holds the client (made in the lifespan, on the running loop) and trusted networks."""

    async def __call__(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        headers = list(scope["headers"])
        has_body = False
        content_length: int | None = None
        for name, value in headers:
            if name == b"content-length":
                content_length = int(value or b"0")  # digits only: the server refuses anything else
                if content_length > self.max_body_bytes:
                    await self._too_large(send)
                    return
                has_body = content_length > 0
            elif name == b"transfer-encoding":
                has_body = True
        client = scope.get("client")
        peer = client[0] if client else None
        forwarded = upstream_headers(
            headers,
            peer=peer,
            peer_trusted=self.gateway.is_trusted(peer),
            scheme=scope["scheme"],
        )
        query = scope["query_string"]
        target = self._path(scope) + (b"?" + query if query else b"")
        body = _Body(receive if has_body else None, content_length)
        await self._forward(scope["method"], target, forwarded, body, send)

    def _path(self, scope: HTTPScope) -> bytes:
        """The client's own bytes after the prefix (the mount's path gains a trailing slash)."""
        raw = scope.get("raw_path") or b""
        if raw.startswith(self.prefix):
            rest = raw[len(self.prefix) :].split(b"?", 1)[0]
            if not rest or rest.startswith(b"/"):
                return rest or b"/"
        # Routed by its decoded form (``/api/%73vc``, ``//api/svc``): never send decoded bytes
        # on, or a ``%0d%0a`` in the path would end the request line at the upstream.
        path = scope["path"]
        if (
            path.endswith("/")
            and len(path) > 1
            and not raw.split(b"?", 1)[0].lower().endswith((b"/", b"%2f"))
        ):
            path = path[:-1]  # the slash the mount added
        return quote(path, safe=_PATH_SAFE).encode("ascii")

    async def _forward(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], client_body: _Body, send: Send
    ) -> None:
        tried: list[UpstreamState] = []
        attempt = 0
        while True:
            attempt += 1
            state = self.pool.choose(tried)
            if state is None:
                await self._unavailable(send)
                return
            tried.append(state)
            receive = client_body.receive
            body = _RequestBody(receive, self.max_body_bytes) if receive is not None else None
            try:
                response = await self.gateway.client.request(
                    state.url,
                    method,
                    target,
                    headers,
                    body.chunks() if body is not None else None,
                    content_length=client_body.length,
                    connect_timeout=self.route.connect_timeout,
                    read_timeout=self.route.read_timeout,
                )
            except ClientGone:
                state.abandon()
                return
            except UpstreamTimeout:
                state.release(failed=True)
                await send_problem(
                    send,
                    504,
                    code="upstream_timeout",
                    detail=f"the {self.route.service} service did not answer in time",
                )
                return
            except (UpstreamError, BodyTooLarge) as error:
                if body is not None and body.too_large:
                    state.release(failed=False)
                    await self._too_large(send)
                    return
                state.release(failed=True)
                sent = body is not None and body.started
                log.warning("%s upstream %s failed: %r", self.route.service, state.url, error)
                if self.retry.should_retry(method, Failure.CONNECT, attempt=attempt, body_sent=sent):
                    continue
                await self._unavailable(send)
                return
            except asyncio.CancelledError:
                state.abandon()
                raise
            except BaseException:
                state.release(failed=True)  # a breaker's trial must end, whatever went wrong
                raise
            await self._relay(response, state, send)
            return

    async def _relay(self, response: UpstreamResponse, state: UpstreamState, send: Send) -> None:
        failed = response.status in _UNAVAILABLE_STATUSES
        reading = False
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status,
                    "headers": downstream_headers(response.headers),
                }
            )
            finished = False
            while not finished:
                # The last piece (the whole body, for a small answer) ends the response itself:
                # one ASGI message less through every layer. A stream still flows piece by piece.
                reading = True
                chunk, finished = await response.read()
                reading = False
                await send({"type": "http.response.body", "body": chunk, "more_body": not finished})
        except BaseException as error:
            response.close()
            if reading and not isinstance(error, asyncio.CancelledError):
                state.release(failed=True)  # the upstream broke its answer off
            else:
                state.abandon()  # the client went away; the upstream did nothing wrong
            raise
        response.release()
        state.release(failed=failed)

    async def _unavailable(self, send: Send) -> None:
        detail = f"no healthy upstream of the {self.route.service} service"
        await send_problem(
            send, 503, code="upstream_unavailable", detail=detail, headers=[(b"retry-after", b"1")]
        )

    async def _too_large(self, send: Send) -> None:
        detail = f"the request body exceeds {self.max_body_bytes} bytes"
        await send_problem(send, 413, code="request_too_large", detail=detail)
