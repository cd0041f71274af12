"""How the gateway talks to a service's upstreams: one request out, its answer streamed back."""

from collections.abc import AsyncIterator
from typing import Protocol


class UpstreamError(ConnectionError):
    """The upstream could not be reached, or broke the exchange before its answer was complete."""


class UpstreamReadTimeout(Exception):
    """The upstream sent nothing for the read timeout."""


class UpstreamBusy(Exception):
    """Every connection to the upstream stayed busy: this gateway's load, no fault of the upstream's."""


class UpstreamReply(Protocol):
    """An answer whose head has arrived; its body is read with ``read`` until finished."""

    status: int
    headers: list[tuple[bytes, bytes]]

    async def read(self) -> tuple[bytes, bool]:
        """What has arrived of the body (waiting for some), and whether the body is complete."""
        ...

    def release(self) -> None:
        """Gives the connection back: kept alive when the answer was read whole, else closed."""
        ...

    def close(self) -> None: ...


class UpstreamTransport(Protocol):
    async def request(
        self,
        upstream: str,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        body: AsyncIterator[bytes] | None = None,
        *,
        content_length: int | None = None,
        connect_timeout: float,
        read_timeout: float,
    ) -> UpstreamReply:
        """Sends one request to ``upstream`` (a base URL) and waits for the answer's head.

        ``body`` is sent as it comes: with the caller's ``content-length`` when it gives one,
        else chunked. Raises ``UpstreamError`` when the upstream cannot be reached or breaks
        the exchange, ``UpstreamReadTimeout`` when it sends nothing for ``read_timeout``, and
        ``UpstreamBusy`` when no connection frees up within ``connect_timeout``."""
        ...

    async def close(self) -> None: ...
