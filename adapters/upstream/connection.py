"""One kept-alive HTTP/1.1 connection to an upstream: a request out, its answer parsed as it comes.

An asyncio protocol fed by the event loop; httptools calls back per header, body piece and end of
message. The answer's body is buffered up to ``MAX_BUFFERED`` bytes, then reading pauses until
the gateway has passed it on (a slow client slows the upstream, it does not fill our memory).
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import cast

import httptools

from core.ports.upstream import UpstreamError, UpstreamReadTimeout

MAX_BUFFERED = 256 * 1024


class UpstreamConnection(asyncio.Protocol):
    def __init__(
        self, loop: asyncio.AbstractEventLoop, on_idle_lost: Callable[["UpstreamConnection"], None]
    ) -> None:
        self._loop = loop
        self._on_idle_lost = on_idle_lost
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._lost = False
        self._busy = False
        self._write_paused = False
        self._drain: asyncio.Future[None] | None = None
        self.idle_since = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._read_paused = False
        self._begin()

    def _begin(self) -> None:
        self._stop_timer()
        if self._read_paused and self._transport is not None:
            self._transport.resume_reading()
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self._head: asyncio.Future[None] | None = None
        self._chunks: list[bytes] = []
        self._buffered = 0
        self._complete = False
        self._keep_alive = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._head_only = False
        self._upload_cut = False
        self.answered = False
        self._informational = False
        self._read_paused = False
        self._read_timeout = 0.0
        self._last_read = 0.0

    @property
    def usable(self) -> bool:
        return not self._lost and self._transport is not None and not self._transport.is_closing()

    @property
    def reusable(self) -> bool:
        """The answer was read whole and both sides keep the connection open."""
        return (
            self._complete
            and self._keep_alive
            and self._error is None
            and not self._upload_cut
            and not self._chunks
            and not self._read_paused
            and self.usable
        )

    async def exchange(
        self,
        head: bytes,
        body: AsyncIterator[bytes] | None,
        *,
        content_length: int | None,
        head_only: bool,
        read_timeout: float,
    ) -> None:
        """Writes the request and waits until the answer's status and headers have arrived.

        An answer may come before the whole body is sent (a 413, say): sending then stops, and
        the connection is not reused.
        """
        if self._transport is None or not self.usable:
            raise UpstreamError("the upstream closed the connection")
        self._begin()
        self._busy = True
        self._head_only = head_only
        self._read_timeout = read_timeout
        self._head = head_arrived = self._loop.create_future()
        try:
            self._transport.write(head)
            if body is not None:
                await self._send(body, content_length)
            if not (self._complete or self._error is not None):
                # The read timeout counts from the end of the request: an upstream waits for a
                # slow client's body before it answers.
                self._last_read = self._loop.time()
                self._timer = self._loop.call_at(self._last_read + read_timeout, self._check_read_timeout)
            await head_arrived
        except BaseException:
            self._head = None  # no later failure is set on a future nobody awaits
            if not head_arrived.done():
                head_arrived.cancel()
            elif not head_arrived.cancelled():
                head_arrived.exception()  # retrieved: the error is raised here, not logged by asyncio
            raise

    async def _send(self, body: AsyncIterator[bytes], content_length: int | None) -> None:
        chunked = content_length is None
        sent = 0
        async for chunk in body:
            if self._upload_over():
                return
            if not chunk:
                continue  # chunked, an empty piece would end the body
            sent += len(chunk)
            if content_length is not None and sent > content_length:
                raise ValueError("the body is longer than its content-length")
            assert self._transport is not None
            self._transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if self._write_paused:
                await self._drained()
        if self._upload_over():
            return
        if content_length is not None and sent != content_length:
            raise ValueError("the body is shorter than its content-length")
        if chunked:
            assert self._transport is not None
            self._transport.write(b"0\r\n\r\n")

    def _upload_over(self) -> bool:
        """Whether to stop sending: the answer came early. Raises if the exchange broke."""
        if self._head is not None and self._head.done():
            self._upload_cut = True
            return True
        if self._error is not None:
            raise self._error
        if not self.usable:
            raise UpstreamError("the upstream closed the connection while the request was sent")
        return False

    async def read(self) -> tuple[bytes, bool]:
        """What has arrived of the body (waiting for some), and whether the body is complete."""
        while not self._chunks:
            if self._complete:
                return b"", True
            if self._error is not None:
                raise self._error
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        chunks = self._chunks
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self._buffered = 0
        if self._read_paused and self._transport is not None:
            self._read_paused = False
            self._transport.resume_reading()
        return data, self._complete

    def park(self, now: float) -> None:
        """Back in the pool, idle since ``now``."""
        self._busy = False
        self.idle_since = now

    def close(self) -> None:
        self._stop_timer()
        if self._transport is not None:
            self._transport.close()

    # asyncio protocol callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's are not registered as one

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._stop_timer()
        self._wake_drain()
        if not self._busy:
            self._on_idle_lost(self)
        elif not self._complete:
            if self.status and exc is None and self._error is None and not _framed(self.headers):
                self._complete = True  # a body without length or chunks ends when the connection does
                self._wake()
            else:
                self._fail(UpstreamError("the upstream closed the connection before its answer was complete"))

    def data_received(self, data: bytes) -> None:
        if not self._busy or self._complete:
            self.close()  # bytes nobody asked for: the connection can no longer be trusted
            return
        self._last_read = self._loop.time()
        self.answered = True
        try:
            self._parser.feed_data(data)
        except (httptools.HttpParserError, httptools.HttpParserUpgrade) as error:
            if not self._complete:
                self._fail(UpstreamError(f"the upstream's answer is not valid HTTP/1.1: {error}"))
            self._keep_alive = False  # bytes past the answer's end: never reuse this connection
            self.close()

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_drain()

    # httptools callbacks

    def on_message_begin(self) -> None:
        if self._complete:
            # A second answer to one request: smuggled or broken. Parsing stops here, so it
            # cannot change the answer already read.
            raise UpstreamError("the upstream sent more than one answer")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:  # an interim answer (100 Continue); the real one follows
            self._informational = True
            self.headers = []
            return
        self.status = status
        if self._head_only:
            # A HEAD answer has no body whatever its headers say; httptools cannot be told so,
            # so it is complete now and its connection is not reused.
            self._complete = True
            self._stop_timer()
        if self._head is not None and not self._head.done():
            self._head.set_result(None)
            self._wake_drain()  # an answer before the whole body: sending stops

    def on_body(self, body: bytes) -> None:
        if self._complete:
            return  # a HEAD answer's body, which a well-behaved upstream never sends
        self._chunks.append(body)
        self._buffered += len(body)
        if self._buffered > MAX_BUFFERED and not self._read_paused and self._transport is not None:
            self._read_paused = True
            self._transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        if self._complete:
            return  # the end of a HEAD answer's body: the connection stays unfit for reuse
        self._complete = True
        self._keep_alive = self._parser.should_keep_alive()
        self._stop_timer()
        self._wake()

    # internals

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        if self._error is None:
            self._error = error
        self._stop_timer()
        head = self._head
        if head is not None and not head.done():
            head.set_exception(error)
        self._wake()
        self._wake_drain()

    def _wake_drain(self) -> None:
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check_read_timeout(self) -> None:
        self._timer = None
        if self._complete or self._error is not None:
            return
        now = self._loop.time()
        deadline = self._last_read + self._read_timeout
        if self._read_paused:  # the gateway's client is slow, not the upstream
            deadline = now + self._read_timeout
        if deadline > now:
            self._timer = self._loop.call_at(deadline, self._check_read_timeout)
            return
        self._fail(UpstreamReadTimeout(f"the upstream sent nothing for {self._read_timeout} s"))
        self.close()

    async def _drained(self) -> None:
        """Waits until the upstream takes more of the body, an answer comes, or it goes away."""
        try:
            async with asyncio.timeout(self._read_timeout):
                while self._write_paused and not self._lost and self._error is None:
                    if self._head is not None and self._head.done():
                        return
                    self._drain = self._loop.create_future()
                    await self._drain
        except TimeoutError:
            silence = self._read_timeout
            raise UpstreamReadTimeout(f"the upstream took none of the body for {silence} s") from None


def _framed(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the answer says where its body ends (else the connection's close ends it)."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"content-length" or (
            lowered == b"transfer-encoding" and value.rstrip().lower().endswith(b"chunked")
        ):
            return True
    return False
