"""Headers across the proxy: hop-by-hop ones dropped both ways, forwarding ones set by us."""

from opentelemetry import propagate, trace

from adapters.http.context import correlation_id

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Set by the gateway itself, never copied from the client.
_REPLACED = frozenset(
    {b"host", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-request-id"}
)
ON_BEHALF_OF = b"x-bhiv-on-behalf-of"
"""A user's access token that a delegating service client sends the LLM service (decision 0033).
Only that service reads it, so only that service receives it: a credential goes no further than
where it is used."""
ON_BEHALF_OF_READER = "llm"
# The gateway's server and edge middleware write these on the way out.
_RESPONSE_OWN = frozenset({b"date", b"server", b"x-request-id"})
_BODY_FRAMING = frozenset({b"content-length", b"transfer-encoding"})


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> frozenset[bytes]:
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(token.strip().lower() for token in value.split(b","))
    return frozenset(tokens)


def upstream_headers(
    headers: list[tuple[bytes, bytes]],
    *,
    peer: str | None,
    peer_trusted: bool,
    scheme: str,
    service: str,
) -> list[tuple[bytes, bytes]]:
    """The client's headers as ``service`` gets them (names lower-case, as the server gives them)."""
    dropped = _connection_tokens(headers)
    if service != ON_BEHALF_OF_READER:
        dropped |= {ON_BEHALF_OF}
    forwarded: list[tuple[bytes, bytes]] = []
    prior_for = proto = host = traceparent = tracestate = None
    for name, value in headers:
        if name in HOP_BY_HOP or name in dropped:
            continue
        if name in _REPLACED:
            if name == b"x-forwarded-for":
                prior_for = value
            elif name == b"x-forwarded-proto":
                proto = value
            elif name == b"host":
                host = value
            continue
        if name == b"traceparent":
            traceparent = value
            continue
        if name == b"tracestate":
            tracestate = value
            continue
        forwarded.append((name, value))
    # Only a trusted proxy's chain is extended; anyone else's is replaced by the socket peer.
    own = peer.encode("ascii") if peer else None
    chain = prior_for + b", " + own if peer_trusted and prior_for and own else own
    if chain:
        forwarded.append((b"x-forwarded-for", chain))
    forwarded.append((b"x-forwarded-proto", proto if peer_trusted and proto else scheme.encode("ascii")))
    if host:
        forwarded.append((b"x-forwarded-host", host))
    request_id = correlation_id.get()
    if request_id:
        forwarded.append((b"x-request-id", request_id.encode("latin-1")))
    _add_trace_context(forwarded, traceparent, tracestate)
    return forwarded


def _add_trace_context(
    headers: list[tuple[bytes, bytes]], traceparent: bytes | None, tracestate: bytes | None
) -> None:
    """The gateway's own span becomes the upstream's parent; without one, pass the client's on."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if "traceparent" in carrier:
        headers.extend((name.encode("latin-1"), value.encode("latin-1")) for name, value in carrier.items())
        return
    if traceparent:
        headers.append((b"traceparent", traceparent))
        if tracestate:
            headers.append((b"tracestate", tracestate))


def with_span_context(headers: list[tuple[bytes, bytes]], span: trace.Span) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``span`` (the gateway's client span) as the upstream's parent."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    if "traceparent" not in carrier:
        return headers
    kept = [(name, value) for name, value in headers if name not in (b"traceparent", b"tracestate")]
    kept.extend((name.encode("latin-1"), value.encode("latin-1")) for name, value in carrier.items())
    return kept


def downstream_headers(headers: list[tuple[bytes, bytes]], status: int) -> list[tuple[bytes, bytes]]:
    listed = _connection_tokens(headers)
    # A 204 or 304 has no body whatever its framing headers say, and the server would wait
    # for the body a Content-Length promises, then break the client's connection.
    dropped = _RESPONSE_OWN | _BODY_FRAMING if status in (204, 304) else _RESPONSE_OWN
    return [
        (lowered, value)
        for name, value in headers
        if (lowered := name.lower()) not in HOP_BY_HOP and lowered not in listed and lowered not in dropped
    ]
