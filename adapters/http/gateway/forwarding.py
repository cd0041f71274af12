"""Headers across the proxy: hop-by-hop ones dropped both ways, forwarding ones set by us."""

from opentelemetry import propagate

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
# The gateway's server and edge middleware write these on the way out.
_RESPONSE_OWN = frozenset({b"date", b"server", b"x-request-id"})


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> frozenset[bytes]:
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(token.strip().lower() for token in value.split(b","))
    return frozenset(tokens)


def upstream_headers(
    headers: list[tuple[bytes, bytes]], *, peer: str | None, peer_trusted: bool, scheme: str
) -> list[tuple[str, str]]:
    listed = _connection_tokens(headers)
    forwarded: list[tuple[str, str]] = []
    prior_for = proto = host = traceparent = tracestate = None
    for name, value in headers:
        if name in HOP_BY_HOP or name in listed:
            continue
        if name in _REPLACED:
            if name == b"x-forwarded-for":
                prior_for = value.decode("latin-1")
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1")
            elif name == b"host":
                host = value.decode("latin-1")
            continue
        if name == b"traceparent":
            traceparent = value.decode("latin-1")
            continue
        if name == b"tracestate":
            tracestate = value.decode("latin-1")
            continue
        forwarded.append((name.decode("latin-1"), value.decode("latin-1")))
    # Only a trusted proxy's chain is extended; anyone else's is replaced by the socket peer.
    chain = f"{prior_for}, {peer}" if peer_trusted and prior_for else peer
    if chain:
        forwarded.append(("x-forwarded-for", chain))
    forwarded.append(("x-forwarded-proto", proto if peer_trusted and proto else scheme))
    if host:
        forwarded.append(("x-forwarded-host", host))
    request_id = correlation_id.get()
    if request_id:
        forwarded.append(("x-request-id", request_id))
    _add_trace_context(forwarded, traceparent, tracestate)
    return forwarded


def _add_trace_context(
    headers: list[tuple[str, str]], traceparent: str | None, tracestate: str | None
) -> None:
    """The gateway's own span becomes the upstream's parent; without one, pass the client's on."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if "traceparent" in carrier:
        headers.extend(carrier.items())
        return
    if traceparent:
        headers.append(("traceparent", traceparent))
        if tracestate:
            headers.append(("tracestate", tracestate))


def downstream_headers(raw: tuple[tuple[bytes, bytes], ...]) -> list[tuple[bytes, bytes]]:
    headers = list(raw)
    listed = _connection_tokens(headers)
    return [
        (lowered, value)
        for name, value in headers
        if (lowered := name.lower()) not in HOP_BY_HOP
        and lowered not in listed
        and lowered not in _RESPONSE_OWN
    ]
