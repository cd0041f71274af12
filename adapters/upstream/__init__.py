"""The gateway's outbound HTTP/1.1 client (httptools; decision 0018) and its health checker,
behind the UpstreamTransport port (core/ports/upstream.py): swapping in a library is one provider."""
