"""Loopback servers that speak OpenAI's and Ollama's wire protocols, for the LLM provider tests.

Each is a real HTTP server (uvicorn on 127.0.0.1, a port of its own) in the test's loop. It
records every request it gets (``server.requests``) and answers from a script: ``server.then(
reply, ...)`` queues replies for the next requests, one each; with the script empty it answers
normally. A normal chat answer is ``ANSWER`` (word by word when streamed) with ``USAGE``; with
tools offered it calls the first tool with ``TOOL_ARGUMENTS``. ``reports_usage = False`` makes it
leave usage out, as some servers do.
"""

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

import uvicorn

ANSWER = "The answer is forty-two."
WORDS = ["The ", "answer ", "is ", "forty-two."]
USAGE = {"prompt_tokens": 17, "completion_tokens": 6}
TOOL_ARGUMENTS = '{"city": "Pune"}'
RAW_VECTORS = [[3.0, 4.0], [0.0, 2.0], [1.0, 1.0]]
"""Not of unit length, so a test sees the provider normalise them."""

Send = Callable[[dict[str, Any]], Awaitable[None]]
L = TypeVar("L", bound="LoopbackLlmServer")


@dataclass(frozen=True)
class Fail:
    """An error answer in the server's own shape; ``retry_after`` goes out as the header."""

    status: int
    message: str = "something went wrong"
    code: str | None = None
    type: str = "server_error"
    retry_after: str | None = None


@dataclass(frozen=True)
class CutAfter:
    """Stream this many content deltas, then drop the connection without ending the answer; or,
    with ``error``, send an error event (OpenAI) or line (Ollama) and end the answer there."""

    deltas: int
    error: str | None = None
    stall: bool = False
    """Keep the connection open after them instead, sending nothing more (a provider thinking)."""


@dataclass(frozen=True)
class Hold:
    """Send nothing at all until the server stops (a first byte slower than any read timeout)."""


@dataclass(frozen=True)
class Delay:
    """Wait this long before answering normally."""

    seconds: float


@dataclass(frozen=True)
class Raw:
    """Answer 200 with this body as it is (what a captive portal or a misrouted proxy sends)."""

    body: bytes
    content_type: str = "text/html"


Reply = Fail | CutAfter | Hold | Delay | Raw


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class LoopbackLlmServer:
    reports_usage: bool = True
    requests: list[Seen] = field(default_factory=list)
    _script: list[Reply] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None
    port: int = 0

    def then(self, *replies: Reply) -> Self:
        self._script.extend(replies)
        return self

    def chats(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.method == "POST" and "chat" in seen.path]

    async def __aenter__(self) -> Self:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=0, loop="none", lifespan="off", log_config=None, access_log=False
        )
        config.timeout_graceful_shutdown = 5
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stopping.set()
        assert self._server is not None
        assert self._task is not None
        self._server.should_exit = True
        await self._task

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        body = json.loads(raw) if raw else None
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        self.requests.append(Seen(scope["method"], scope["path"], headers, body))
        reply = self._script.pop(0) if self._script else None
        if isinstance(reply, Hold):
            await self._stopping.wait()
            return
        if isinstance(reply, Delay):
            await asyncio.sleep(reply.seconds)
        if isinstance(reply, Raw):
            headers = [(b"content-type", reply.content_type.encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": reply.body})
            return
        if isinstance(reply, Fail):
            extra = [] if reply.retry_after is None else [(b"retry-after", reply.retry_after.encode())]
            await respond(send, reply.status, self.error_body(reply), extra)
            return
        await self.answer(
            scope["method"], scope["path"], body, send, reply if isinstance(reply, CutAfter) else None
        )

    def error_body(self, fail: Fail) -> Any:
        raise NotImplementedError

    async def answer(self, method: str, path: str, body: Any, send: Send, cut: CutAfter | None) -> None:
        raise NotImplementedError


class OpenAIServer(LoopbackLlmServer):
    """``/v1/chat/completions`` (JSON, or SSE with a usage chunk when asked), ``/v1/embeddings``
    (vectors out of order, with ``index``), ``/v1/models``; errors as ``{"error": {...}}``."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def error_body(self, fail: Fail) -> Any:
        return {"error": {"message": fail.message, "type": fail.type, "param": None, "code": fail.code}}

    async def answer(self, method: str, path: str, body: Any, send: Send, cut: CutAfter | None) -> None:
        if path == "/v1/models":
            models = [
                {"id": "gpt-4o-mini", "object": "model", "owned_by": "openai"},
                {"id": "text-embedding-3-small", "object": "model", "owned_by": "openai"},
            ]
            await respond(send, 200, {"object": "list", "data": models})
        elif path == "/v1/embeddings":
            inputs = body["input"]
            data = [
                {"object": "embedding", "index": n, "embedding": RAW_VECTORS[n]} for n in range(len(inputs))
            ]
            answer = {"object": "list", "model": body["model"], "data": data[::-1]}
            if self.reports_usage:
                answer["usage"] = {"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)}
            await respond(send, 200, answer)
        elif path == "/v1/chat/completions" and body.get("stream"):
            await self._stream(body, send, cut)
        elif path == "/v1/chat/completions":
            calls = _tool_calls(body)
            message = {"role": "assistant", "content": None if calls else ANSWER}
            if calls:
                message["tool_calls"] = calls
            choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
            answer = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": body["model"],
                "choices": [choice],
            }
            if self.reports_usage:
                answer["usage"] = {**USAGE, "total_tokens": sum(USAGE.values())}
            await respond(send, 200, answer)
        else:
            await respond(
                send, 404, self.error_body(Fail(404, f"no route {path}", type="invalid_request_error"))
            )

    async def _stream(self, body: Any, send: Send, cut: CutAfter | None) -> None:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            event = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": body["model"],
                "choices": [choice],
            }
            return b"data: " + json.dumps(event).encode() + b"\n\n"

        events = [chunk({"role": "assistant", "content": ""})]
        if calls := _tool_calls(body):
            call = calls[0]
            half = len(TOOL_ARGUMENTS) // 2
            opening = {
                **call,
                "function": {"name": call["function"]["name"], "arguments": TOOL_ARGUMENTS[:half]},
            }
            events.append(chunk({"tool_calls": [{"index": 0, **opening}]}))
            events.append(
                chunk({"tool_calls": [{"index": 0, "function": {"arguments": TOOL_ARGUMENTS[half:]}}]})
            )
            events.append(chunk({}, "tool_calls"))
        else:
            events += [chunk({"content": word}) for word in WORDS]
            events.append(chunk({}, "stop"))
        if self.reports_usage and body.get("stream_options", {}).get("include_usage"):
            usage = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": body["model"],
                "choices": [],
            }
            usage["usage"] = {**USAGE, "total_tokens": sum(USAGE.values())}
            events.append(b"data: " + json.dumps(usage).encode() + b"\n\n")
        events.append(b"data: [DONE]\n\n")
        if cut is not None and cut.error is not None:
            error = self.error_body(Fail(500, cut.error))
            events = [*events[: 1 + cut.deltas], b"data: " + json.dumps(error).encode() + b"\n\n"]
            cut = None
        if cut is not None and cut.stall:
            await stream(send, "text/event-stream", events[: 1 + cut.deltas], None, finish=False)
            await self._stopping.wait()
            return
        await stream(send, "text/event-stream", events, None if cut is None else 1 + cut.deltas)


class OllamaServer(LoopbackLlmServer):
    """``/api/chat`` (JSON, or NDJSON ending with a ``done`` line that counts tokens),
    ``/api/embed``, ``/api/tags``; errors as ``{"error": "..."}``."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_body(self, fail: Fail) -> Any:
        return {"error": fail.message}

    async def answer(self, method: str, path: str, body: Any, send: Send, cut: CutAfter | None) -> None:
        if path == "/api/tags":
            models = [
                {"name": "llama3.2:latest", "details": {"family": "llama", "families": ["llama"]}},
                {
                    "name": "nomic-embed-text:latest",
                    "details": {"family": "nomic-bert", "families": ["nomic-bert"]},
                },
            ]
            await respond(send, 200, {"models": models})
        elif path == "/api/embed":
            answer = {"model": body["model"], "embeddings": RAW_VECTORS[: len(body["input"])]}
            if self.reports_usage:
                answer["prompt_eval_count"] = 3 * len(body["input"])
            await respond(send, 200, answer)
        elif path == "/api/chat":
            calls = [
                {"function": {"name": c["function"]["name"], "arguments": json.loads(TOOL_ARGUMENTS)}}
                for c in _tool_calls(body)
            ]
            done = {
                "model": body["model"],
                "created_at": "2026-12-03T10:00:00Z",
                "done": True,
                "done_reason": "stop",
            }
            if self.reports_usage:
                done |= {
                    "prompt_eval_count": USAGE["prompt_tokens"],
                    "eval_count": USAGE["completion_tokens"],
                }
            if not body.get("stream", True):
                message = {"role": "assistant", "content": "" if calls else ANSWER}
                if calls:
                    message["tool_calls"] = calls
                await respond(send, 200, {**done, "message": message})
                return
            lines = []
            pieces = (
                [{"role": "assistant", "content": "", "tool_calls": calls}]
                if calls
                else [{"role": "assistant", "content": w} for w in WORDS]
            )
            for message in pieces:
                line = {
                    "model": body["model"],
                    "created_at": "2026-12-03T10:00:00Z",
                    "message": message,
                    "done": False,
                }
                lines.append(json.dumps(line).encode() + b"\n")
            lines.append(
                json.dumps({**done, "message": {"role": "assistant", "content": ""}}).encode() + b"\n"
            )
            if cut is not None and cut.error is not None:
                lines = [*lines[: cut.deltas], json.dumps({"error": cut.error}).encode() + b"\n"]
                cut = None
            await stream(send, "application/x-ndjson", lines, None if cut is None else cut.deltas)
        else:
            await respond(send, 404, {"error": f"no route {path}"})


def _tool_calls(body: Any) -> list[dict[str, Any]]:
    tools = body.get("tools") or []
    if not tools or body.get("tool_choice") == "none":
        return []
    name = tools[0]["function"]["name"]
    return [{"id": "call_abc", "type": "function", "function": {"name": name, "arguments": TOOL_ARGUMENTS}}]


async def respond(send: Send, status: int, body: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": payload})


class CutConnection(Exception):
    """Raised inside the app so that uvicorn drops the connection mid-answer."""


async def stream(
    send: Send, media_type: str, parts: list[bytes], cut_after: int | None, *, finish: bool = True
) -> None:
    """Sends each part as a chunk of its own; with ``cut_after``, raises after that many, and
    uvicorn closes the connection with the chunked body unfinished, as a crashed server would;
    with ``finish`` False, leaves the body open for more."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", media_type.encode())]}
    )
    for n, part in enumerate(parts):
        if cut_after is not None and n == cut_after:
            raise CutConnection
        await send({"type": "http.response.body", "body": part, "more_body": True})
    if finish:
        await send({"type": "http.response.body", "body": b""})


async def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released: it was free a moment ago)."""
    server = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


@asynccontextmanager
async def in_own_thread(server: L) -> AsyncIterator[L]:
    """``server`` on an event loop of its own thread: for tests whose app runs in a test client
    that blocks the test's loop while it waits for an answer (Litestar's AsyncTestClient)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="loopback-llm", daemon=True)
    thread.start()
    try:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(server.__aenter__(), loop))
        try:
            yield server
        finally:
            await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(server.__aexit__(None, None, None), loop)
            )
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
