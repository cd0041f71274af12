"""JSON logs to stdout and OpenTelemetry tracing, set up once per process."""

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import msgspec
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased

from adapters.http.context import correlation_id, service_name
from apps._shared.settings import ObservabilitySettings

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_encoder = msgspec.json.Encoder()


class JsonFormatter(logging.Formatter):
    """One JSON object per line, carrying the correlation id and trace id of the request."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "service": service_name.get(),
            "correlation_id": correlation_id.get(),
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _encoder.encode(entry).decode()


def configure_logging(settings: ObservabilitySettings) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "httpcore", "aiosqlite", "asyncio", "uvicorn.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


_provider: TracerProvider | None = None


def tracer_provider(settings: ObservabilitySettings, process_name: str) -> TracerProvider:
    """One provider per process; spans are exported only when an OTLP endpoint is set.

    ``process_name`` becomes ``service.name``: ``bhiv-logistics`` for one service per process,
    ``bhiv`` for all six in one (``bhiv up``, where each span still names its service).

    Without an exporter, a span is recorded only when the caller's ``traceparent`` says the
    trace is sampled (so the context still flows on); recording spans nobody reads cost the
    gateway about 5% of its CPU.
    """
    global _provider
    if _provider is None:
        _provider = TracerProvider(
            sampler=None if settings.otlp_endpoint else ParentBased(root=ALWAYS_OFF),
            resource=Resource.create(
                {
                    "service.name": process_name,
                    "service.namespace": "bhiv",
                    "deployment.environment": settings.environment,
                }
            ),
        )
        if settings.otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            _provider.add_span_processor(
                BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
            )
        trace.set_tracer_provider(_provider)
    return _provider
