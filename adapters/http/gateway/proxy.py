"""The proxied path: pure ASGI, streaming both bodies over the gateway's pooled upstream client.

The client is the gateway's own (docs/decisions/0018); aiohttp's measured ten times httpx's
throughput (docs/decisions/0011) and still spent three times its CPU.
"""

import asyncio
import logging
from typing import NamedTuple, Protocol
from urllib.parse import quote

from litestar.types import HTTPScope, Receive, Send
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from adapters.http.asgi_problem import send_problem
from adapters.http.gateway.client_stream import (
    BodyTooLarge,
    ClientGone,
    ClientStalled,
    RequestBody,
    until_disconnect,
)
from adapters.http.gateway.forwarding import downstream_headers, upstream_headers, with_span_context
from core.domain.routing.model import Failure, ServiceRoute
from core.domain.routing.pool import UpstreamPool
from core.domain.routing.retry import RetryPolicy
from core.domain.routing.upstream_state import UpstreamState
from core.ports.upstream import (
    UpstreamBusy,
    UpstreamError,
    UpstreamReadTimeout,
    UpstreamReply,
    UpstreamTransport,
)

log = logging.getLogger("bhiv.gateway")
tracer = trace.get_tracer("bhiv.gateway.upstream")
_UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _answered_by_service(response: UpstreamReply) -> bool:
    """A 5xx the service rendered itself (problem+json, or OpenAI's JSON error) is the service
    speaking: a capability it lacks here, a provider or engine of its own that failed. It must
    not count against the service, or three such answers that any caller can provoke would take
    it out of rotation for everyone. Whether the service itself is healthy is the active health
    check's call (every second). Only what a service never renders (a proxy's HTML page, an
    empty answer) counts as the upstream failing."""
    for name, value in response.headers:
        if name.lower() == b"content-type":
            media_type = value.split(b";", 1)[0].strip().lower()
            return media_type in (b"application/problem+json", b"application/json")
    return False


class _Body(NamedTuple):
    present: bool
    length: int | None
    """The client's Content-Length; None when it sent its body chunked."""


class Runtime(Protocol):
    @property
    def client(self) -> UpstreamTransport: ...

    def is_trusted(self, peer: str | None) -> bool: ...


class ServiceProxy:
    def __init__(
        self,
        route: ServiceRoute,
        pool: UpstreamPool,
        retry: RetryPolicy,
        max_body_bytes: int,
        client_body_timeout: float,
        gateway: Runtime,
    ) -> None:
        self.route = route
        self.pool = pool
        self.retry = retry
        self.max_body_bytes = max_body_bytes
        self.client_body_timeout = client_body_timeout
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
            service=self.route.service,
        )
        query = scope["query_string"]
        target = self._path(scope) + (b"?" + query if query else b"")
        body = _Body(has_body, content_length)
        await self._forward(scope["method"], target, forwarded, body, receive, send)

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
        self,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        client_body: _Body,
        receive: Receive,
        send: Send,
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
            body = None
            if client_body.present:
                body = RequestBody(receive, self.max_body_bytes, self.client_body_timeout)
            # One client span per attempt, the parent of the upstream's server span.
            span = tracer.start_span(method, kind=SpanKind.CLIENT)
            if span.is_recording():
                span.set_attribute("http.request.method", method)
                span.set_attribute("bhiv.upstream.url", state.url)
                span.set_attribute("bhiv.upstream.service", self.route.service)
                span.set_attribute("http.request.resend_count", attempt - 1)
            try:
                response = await self.gateway.client.request(
                    state.url,
                    method,
                    target,
                    with_span_context(headers, span),
                    body.chunks() if body is not None else None,
                    content_length=client_body.length,
                    connect_timeout=self.route.connect_timeout,
                    read_timeout=self.route.read_timeout,
                )
            except UpstreamReadTimeout:
                _end(span, error="timeout")
                state.release(failed=True)
                detail = f"the {self.route.service} service did not answer in time"
                await send_problem(send, 504, code="upstream_timeout", detail=detail)
                return
            except UpstreamError as error:
                _end(span, error=type(error).__name__)
                state.release(failed=True)
                sent = body is not None and body.started
                log.warning("%s upstream %s failed: %r", self.route.service, state.url, error)
                if self.retry.should_retry(method, Failure.CONNECT, attempt=attempt, body_sent=sent):
                    continue
                await self._unavailable(send)
                return
            except BaseException as error:
                # The client's doing (gone, stalled, too large), our load, or a cancellation:
                # no verdict on the upstream, or clients could eject a healthy one.
                _end(span, error=type(error).__name__)
                state.abandon()
                await self._answer_for_client_side(error, send)
                return
            try:
                await self._relay(response, state, receive, send)
            finally:
                _end(span, status=response.status)
            return

    async def _answer_for_client_side(self, error: BaseException, send: Send) -> None:
        if isinstance(error, BodyTooLarge):
            await self._too_large(send)
        elif isinstance(error, ClientStalled):
            detail = f"no part of the request body came for {self.client_body_timeout} s"
            await send_problem(send, 408, code="request_timeout", detail=detail)
        elif isinstance(error, UpstreamBusy):
            log.warning("%s: %s", self.route.service, error)
            detail = f"every connection to the {self.route.service} service is busy"
            await send_problem(
                send, 503, code="upstream_busy", detail=detail, headers=[(b"retry-after", b"1")]
            )
        elif not isinstance(error, ClientGone):
            raise error

    async def _relay(
        self, response: UpstreamReply, state: UpstreamState, receive: Receive, send: Send
    ) -> None:
        failed = response.status in _UNAVAILABLE_STATUSES and not _answered_by_service(response)
        reading = False
        watcher: asyncio.Task[None] | None = None
        try:
            headers = downstream_headers(response.headers, response.status)
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            finished = False
            while not finished:
                reading = True
                chunk, finished = await response.read()
                reading = False
                if not finished and watcher is None:
                    # A stream. The server does not tell us when its client hangs up (sending
                    # just stops), so a watcher does, or the stream would hold its upstream.
                    watcher = _cancel_on_disconnect(receive)
                # The last piece (the whole body, for a small answer) ends the response itself:
                # one ASGI message less through every layer. A stream still flows piece by piece.
                await send({"type": "http.response.body", "body": chunk, "more_body": not finished})
        except BaseException as error:
            response.close()
            if reading and not isinstance(error, asyncio.CancelledError):
                state.release(failed=True)  # the upstream broke its answer off
            else:
                state.abandon()  # the client went away; the upstream did nothing wrong
            if not (_hung_up(watcher) and isinstance(error, asyncio.CancelledError)):
                raise
            asyncio.current_task().uncancel()  # type: ignore[union-attr]  # our own cancel, handled
            return
        finally:
            if watcher is not None:
                watcher.cancel()
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


def _end(span: trace.Span, *, status: int | None = None, error: str | None = None) -> None:
    if span.is_recording():
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if error is not None:
            span.set_attribute("error.type", error)
        if error is not None or (status is not None and status >= 500):
            span.set_status(Status(StatusCode.ERROR))
    span.end()


def _cancel_on_disconnect(receive: Receive) -> "asyncio.Task[None]":
    """Watches for the client's hang-up and then cancels the task relaying to it."""
    relay = asyncio.current_task()
    assert relay is not None

    def stop_relay(watcher: "asyncio.Task[None]") -> None:
        if _hung_up(watcher):
            relay.cancel()

    watcher = asyncio.get_running_loop().create_task(until_disconnect(receive))
    watcher.add_done_callback(stop_relay)
    return watcher


def _hung_up(watcher: "asyncio.Task[None] | None") -> bool:
    """Whether the watcher saw the client hang up (rather than being stopped, or failing)."""
    return watcher is not None and watcher.done() and not watcher.cancelled() and watcher.exception() is None
