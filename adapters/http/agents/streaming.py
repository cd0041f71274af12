"""A query answered as server-sent events (``"stream": true``): ``delta`` events with the
agent's partial answers, then ``done`` with the whole answer as ``/v1/query`` gives it.

A failure before the first partial answer is an ordinary problem response (404, 422, 429...);
after it, the status is sent, so the failure is an ``error`` event with the problem's fields."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import msgspec
from litestar.response import Stream

from adapters.http.agents.shapes import AnswerOut
from core.domain.agents.running import AgentAnswer
from core.ports.agent_runs import DeltaSink

Answering = Callable[[DeltaSink], Awaitable[AgentAnswer]]
_encoder = msgspec.json.Encoder()


async def answered_as_events(answering: Answering) -> Stream:
    parts: asyncio.Queue[str] = asyncio.Queue()

    async def send(text: str) -> None:
        await parts.put(text)

    running = asyncio.ensure_future(answering(send))
    first = asyncio.ensure_future(parts.get())
    pending: set[asyncio.Future[object]] = {running, first}  # type: ignore[arg-type]
    await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    if not first.done():
        first.cancel()
        running.result()  # a failure before any partial answer: raised as the usual problem
    return Stream(_events(first, parts, running), media_type="text/event-stream", headers=_HEADERS)


async def _events(
    first: "asyncio.Future[str]", parts: asyncio.Queue[str], running: "asyncio.Future[AgentAnswer]"
) -> AsyncIterator[bytes]:
    try:
        if not first.cancelled():
            yield _event("delta", {"text": first.result()})
        while not running.done() or not parts.empty():
            waiting = asyncio.ensure_future(parts.get())
            pending: set[asyncio.Future[object]] = {waiting, running}  # type: ignore[arg-type]
            await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if waiting.done():
                yield _event("delta", {"text": waiting.result()})
            else:
                waiting.cancel()
        error = running.exception()
        if error is None:
            yield _event("done", AnswerOut.of(running.result()))
        else:
            yield _event("error", _problem(error))
    finally:
        running.cancel()  # a client that went away stops the agent


def _problem(error: BaseException) -> dict[str, object]:
    return {
        "code": getattr(error, "code", "agent_failed"),
        "detail": getattr(error, "detail", None) or "the answer stopped before it was complete",
    }


def _event(name: str, data: object) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + _encoder.encode(data) + b"\n\n"


_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
