"""The client's side of a proxied exchange: its body, read only as the upstream takes it, and
its hang-up, watched while an answer streams to it."""

import asyncio
from collections.abc import AsyncIterator

from litestar.types import Receive


class BodyTooLarge(Exception):
    """The body grew past the gateway's limit while it was sent on."""


class ClientGone(Exception):
    """The client disconnected while its body was sent on: no fault of the upstream's."""


class ClientStalled(Exception):
    """The client sent nothing of its body for the body timeout."""


class RequestBody:
    """The client's body, read from ``receive`` as the upstream takes it, within a size limit
    and a limit on the client's silence (the server behind us sets none)."""

    __slots__ = ("idle_seconds", "limit", "receive", "sent", "started")

    def __init__(self, receive: Receive, limit: int, idle_seconds: float) -> None:
        self.receive = receive
        self.limit = limit
        self.idle_seconds = idle_seconds
        self.sent = 0
        self.started = False

    async def chunks(self) -> AsyncIterator[bytes]:
        self.started = True
        more = True
        while more:
            try:
                async with asyncio.timeout(self.idle_seconds):
                    message = await self.receive()
            except TimeoutError:
                raise ClientStalled from None
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = bytes(message.get("body", b""))  # type: ignore[call-overload]
            more = bool(message.get("more_body", False))
            self.sent += len(chunk)
            if self.sent > self.limit:
                raise BodyTooLarge
            if chunk:
                yield chunk


async def until_disconnect(receive: Receive) -> None:
    """Returns when the client hangs up. What is left of a body the upstream did not take
    (it answered early) is read and dropped on the way."""
    while (await receive())["type"] != "http.disconnect":
        pass
