"""The gateway's upstream request carries its own client span as ``traceparent``, in place of
the server span's (or the caller's) context."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import INVALID_SPAN, SpanKind

from adapters.http.gateway.forwarding import with_span_context

CALLER = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_the_client_span_replaces_the_trace_context_it_was_given() -> None:
    span = TracerProvider().get_tracer("test").start_span("GET", kind=SpanKind.CLIENT)
    headers = [(b"accept", b"*/*"), (b"traceparent", CALLER), (b"tracestate", b"vendor=1")]

    sent = with_span_context(headers, span)

    context = span.get_span_context()
    parents = [value for name, value in sent if name == b"traceparent"]
    own = f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    assert parents == [own.encode()]
    assert (b"accept", b"*/*") in sent
    assert (b"tracestate", b"vendor=1") not in sent, "the caller's state went with its parent"


def test_without_a_span_context_the_headers_stay_as_they_were() -> None:
    headers = [(b"traceparent", CALLER)]
    assert with_span_context(headers, INVALID_SPAN) == headers
