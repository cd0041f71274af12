"""The outermost ASGI layer of every service: correlation id, trace span, metrics, access log.

It wraps Litestar's own handler (not a route middleware) so that unmatched routes and errors
raised before routing get a correlation id, a span and a metric too.
"""

import logging
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from adapters.http.context import accept_or_new_correlation_id, correlation_id, service_name
from adapters.http.metrics import UNMATCHED_ROUTE, HttpMetrics

access_log = logging.getLogger("bhiv.access")


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        metrics: HttpMetrics,
        tracer: trace.Tracer,
        access_log_enabled: bool = True,
    ) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.tracer = tracer
        self.access_log_enabled = access_log_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        await self._handle_http(scope, receive, send)

    async def _handle_http(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        headers = _decode_headers(scope)
        request_id = accept_or_new_correlation_id(headers.get("x-request-id"))
        id_token = correlation_id.set(request_id)
        service_token = service_name.set(self.service)
        parent = propagate.extract(headers)
        method = scope["method"]
        status = 500
        started = time.perf_counter()
        self.metrics.started()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        span = self.tracer.start_span(method, context=parent, kind=SpanKind.SERVER)
        span_token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            route = scope.get("path_template") or UNMATCHED_ROUTE
            elapsed = time.perf_counter() - started
            self.metrics.observe(method, route, status, elapsed)
            _finish_span(span, method, route, scope, status, request_id)
            if self.access_log_enabled:
                access_log.info(
                    "%s %s %s",
                    method,
                    route,
                    status,
                    extra={
                        "http": {
                            "method": method,
                            "route": route,
                            "status": status,
                            "duration_ms": round(elapsed * 1000, 3),
                        }
                    },
                )
            otel_context.detach(span_token)
            service_name.reset(service_token)
            correlation_id.reset(id_token)


def _decode_headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


def _finish_span(span: Any, method: str, route: str, scope: Scope, status: int, request_id: str) -> None:
    span.update_name(f"{method} {route}")
    span.set_attribute("http.request.method", method)
    span.set_attribute("http.route", route)
    span.set_attribute("url.path", scope["path"])
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("bhiv.correlation_id", request_id)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()
