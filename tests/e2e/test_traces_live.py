"""One request through the gateway, a service and its database is one trace: a running
``bhiv up`` exports its spans over OTLP/HTTP to a receiver on loopback (built on
``opentelemetry-proto``), and the spans link up as gateway server → gateway client → service
server → database."""

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tests.e2e.test_dashboards_live import _admin_token
from tests.support.processes import bhiv_up

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"


class Receiver(ThreadingHTTPServer):
    """An OTLP/HTTP traces endpoint: keeps every span it is sent, with its scope's name."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[tuple[str, Span]] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/traces"

    def trace(self, trace_id: str) -> list[tuple[str, Span]]:
        with self.lock:
            return [(scope, span) for scope, span in self.spans if span.trace_id.hex() == trace_id]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path != "/v1/traces":
            self.send_response(404)
            self.end_headers()
            return
        request = ExportTraceServiceRequest.FromString(body)
        with self.server.lock:
            for resource in request.resource_spans:
                for scope in resource.scope_spans:
                    self.server.spans.extend((scope.scope.name, span) for span in scope.spans)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:  # the base class's name
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _one(spans: list[tuple[str, Span]], scope: str, kind: int) -> Span:
    found = [span for name, span in spans if name == scope and span.kind == kind]
    assert len(found) == 1, (scope, kind, [(name, span.name) for name, span in spans])
    return found[0]


def test_one_request_is_one_trace_through_gateway_service_and_database(
    receiver: Receiver, tmp_path: Path
) -> None:
    env = {"BHIV_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    with bhiv_up(tmp_path / "data", 6, env=env) as base:
        headers = {
            "Authorization": f"Bearer {_admin_token(base)}",
            "traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01",
        }
        answer = httpx.get(
            f"http://127.0.0.1:{base}/api/logistics/v1/audit/verify", headers=headers, timeout=60
        )
        assert answer.status_code == 404, answer.text  # the logistics chain has no records yet
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            spans = receiver.trace(TRACE_ID)
            scopes = {scope for scope, _ in spans}
            if {"bhiv.gateway", "bhiv.gateway.upstream", "bhiv.logistics"} <= scopes and any(
                "sqlalchemy" in scope for scope in scopes
            ):
                break
            time.sleep(0.1)
    spans = receiver.trace(TRACE_ID)

    gateway = _one(spans, "bhiv.gateway", Span.SPAN_KIND_SERVER)
    client = _one(spans, "bhiv.gateway.upstream", Span.SPAN_KIND_CLIENT)
    service = _one(spans, "bhiv.logistics", Span.SPAN_KIND_SERVER)
    database = [span for scope, span in spans if "sqlalchemy" in scope]

    assert gateway.parent_span_id.hex() == CALLER_SPAN_ID, "the caller's traceparent is honoured"
    assert client.parent_span_id == gateway.span_id
    assert service.parent_span_id == client.span_id, "the gateway injected its client span's context"
    assert service.name == "GET /v1/audit/verify", "span names are route templates"
    assert database, "the database spans come from OpenTelemetry's SQLAlchemy instrumentation"
    by_id = {span.span_id: span for _, span in spans}
    for span in database:
        assert span.kind == Span.SPAN_KIND_CLIENT
        # The gateway reads its own database too (the token's session); each under its server.
        assert _server_above(span, by_id) in (gateway, service), (span.name, _chain(span, by_id))
    services = [span for span in database if _server_above(span, by_id) is service]
    assert any(span.name.startswith("SELECT") for span in services), [span.name for span in services]


def _server_above(span: Span, by_id: dict[bytes, Span]) -> Span | None:
    """The nearest server span ``span`` descends from (within the trace)."""
    parent = by_id.get(span.parent_span_id)
    while parent is not None and parent.kind != Span.SPAN_KIND_SERVER:
        parent = by_id.get(parent.parent_span_id)
    return parent


def _chain(span: Span, by_id: dict[bytes, Span]) -> list[str]:
    names = []
    parent = by_id.get(span.parent_span_id)
    while parent is not None:
        names.append(parent.name)
        parent = by_id.get(parent.parent_span_id)
    return names
