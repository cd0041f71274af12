"""Logs to stdout and OpenTelemetry tracing, set up once per process.

Log lines are JSON (one object per line, for collectors) or readable text (for people), chosen by
``BHIV_LOG_FORMAT``: ``auto``, the default, writes text when stdout is a terminal and JSON
otherwise (CI, containers, a file or a pipe). Both carry the request's correlation id.
"""

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

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
        ids, extra = _context(record)
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "service": service_name.get(),
            **ids,
            **extra,
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _encoder.encode(entry).decode()


def _context(record: logging.LogRecord) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request's ids (correlation, trace, span) and the record's own extra fields."""
    ids: dict[str, Any] = {"correlation_id": correlation_id.get()}
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        ids["trace_id"] = format(span_context.trace_id, "032x")
        ids["span_id"] = format(span_context.span_id, "016x")
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS and not k.startswith("_")}
    return ids, extra


_SAID_BY_THE_MESSAGE = {"color_message"}
"""Extra fields that repeat the message (uvicorn's, with terminal colour codes)."""


class TextFormatter(logging.Formatter):
    """One readable line: local time, level, service, logger, message, then the extra fields
    the message does not already say as ``key=value``, the correlation id, and the trace id
    when the trace is sampled (exported).

    ``12:04:31.207 INFO    logistics     bhiv.access  GET /v1/whoami 200  http.duration_ms=1.8  cid=5f0c...``
    """

    def format(self, record: logging.LogRecord) -> str:
        ids, extra = _context(record)
        message = record.getMessage()
        said = set(message.split())
        fields = [
            f"{key}={value}"
            for key, value in _flat(extra)
            if str(value) not in said and key not in _SAID_BY_THE_MESSAGE
        ]
        if ids["correlation_id"]:
            fields.append(f"cid={ids['correlation_id']}")
        if "trace_id" in ids and trace.get_current_span().get_span_context().trace_flags.sampled:
            fields.append(f"trace={ids['trace_id']}")  # only a trace someone can look up
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S") + f".{int(record.msecs):03d}"
        service = service_name.get() or "-"
        line = "  ".join([f"{when} {record.levelname:<7} {service:<13} {record.name}", message, *fields])
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _flat(fields: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in fields.items():
        if isinstance(value, dict):
            flat += _flat(value, f"{prefix}{key}.")
        else:
            flat.append((f"{prefix}{key}", value))
    return flat


def log_formatter(settings: ObservabilitySettings, stream: TextIO) -> logging.Formatter:
    """Text for a person at a terminal, JSON for everything else (or as configured)."""
    text = settings.log_format == "text" or (settings.log_format == "auto" and _is_terminal(stream))
    return TextFormatter() if text else JsonFormatter()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def configure_logging(settings: ObservabilitySettings, stream: TextIO | None = None) -> None:
    stream = sys.stdout if stream is None else stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(log_formatter(settings, stream))
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
        instrument_libraries()
    return _provider


def instrument_libraries() -> None:
    """SQLAlchemy, Redis and httpx spans from OpenTelemetry's own instrumentation packages.

    Before any engine is made: SQLAlchemy's instrumentation wraps ``create_async_engine``.
    Each is instrumented once per process (a second call does nothing).
    """
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    for instrumentor in (SQLAlchemyInstrumentor(), RedisInstrumentor(), HTTPXClientInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            # The SQLAlchemy package declares ``< 2.1`` and would refuse 2.1 without a word in
            # the logs; the engine events it listens to are unchanged in 2.1 (the live test,
            # tests/e2e/test_traces_live.py, sees its spans).
            instrumentor.instrument(skip_dep_check=True)
