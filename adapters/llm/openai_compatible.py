"""``LlmProvider`` over OpenAI's HTTP API and the servers that copy it (Groq, vLLM, llama.cpp's
server, Ollama's ``/v1``): ``/chat/completions`` plain and streamed, ``/embeddings``, ``/models``."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec

from adapters.llm.estimates import estimate_embedding_usage, estimate_usage
from adapters.llm.retries import Jitter, full_jitter
from adapters.llm.settings import OpenAICompatibleSettings
from adapters.llm.sse import sse_data
from adapters.llm.translate import TokenCount, finish_reason, kind_of, unit_length
from adapters.llm.transport import ProviderHttp, Sleep
from core.ports.llm import (
    ChatCompletion,
    ChatDelta,
    ChatRequest,
    EmbeddingRequest,
    Embeddings,
    Engine,
    FunctionCall,
    LlmProvider,
    ModelInfo,
    ProviderUnavailable,
    ToolCall,
    ToolCallDelta,
    Usage,
)


class _Function(msgspec.Struct):
    name: str | None = None
    arguments: str | None = None


class _ToolCall(msgspec.Struct):
    index: int = 0
    id: str | None = None
    function: _Function = msgspec.field(default_factory=_Function)


class _Message(msgspec.Struct):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(msgspec.Struct):
    index: int = 0
    message: _Message | None = None
    delta: _Message | None = None
    finish_reason: str | None = None


class _Usage(msgspec.Struct):
    # A negative count is a broken answer (unreadable, so the next route is tried), never a credit.
    prompt_tokens: TokenCount = 0
    completion_tokens: TokenCount = 0


class _Groq(msgspec.Struct):
    usage: _Usage | None = None


class _Completion(msgspec.Struct):
    """A plain answer or one chunk of a streamed one."""

    id: str = ""
    model: str = ""
    choices: list[_Choice] = msgspec.field(default_factory=list)
    usage: _Usage | None = None
    x_groq: _Groq | None = None
    """Groq reports a stream's usage here rather than in a last chunk of its own."""
    error: Any = None
    """An error event in the middle of a stream."""
    engine: str | None = None
    """The platform's own LLM service says whether its answer is extractive."""


class _Embedding(msgspec.Struct):
    embedding: list[float]
    index: int = 0


class _Embeddings(msgspec.Struct):
    data: list[_Embedding]
    model: str = ""
    usage: _Usage | None = None


class _Model(msgspec.Struct):
    id: str
    owned_by: str | None = None


class _Models(msgspec.Struct):
    data: list[_Model]


class OpenAICompatibleProvider(LlmProvider):
    """Usage comes from the provider when it reports it (in a stream: the last chunk, asked for
    with ``stream_options.include_usage``), otherwise from ``adapters/llm/estimates.py``."""

    def __init__(
        self,
        settings: OpenAICompatibleSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = full_jitter,
        now: Callable[[], float] = time.time,
        http: ProviderHttp | None = None,
    ) -> None:
        """``http``: connections shared with another view of the same server (its own otherwise)."""
        self._settings = settings
        self._http = http or ProviderHttp(settings, sleep=sleep, jitter=jitter, now=now)

    @property
    def name(self) -> str:
        return self._settings.name

    @property
    def engine(self) -> Engine:
        return "generative"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        answer = await self._http.request("POST", "/chat/completions", _Completion, self._body(request))
        if not answer.choices or answer.choices[0].message is None:
            raise ProviderUnavailable(f"{self.name} answered without a choice")
        choice = answer.choices[0]
        message = choice.message or _Message()
        calls = tuple(
            ToolCall(id=call.id or f"call_{n}", function=_function_call(call.function))
            for n, call in enumerate(message.tool_calls or ())
        )
        completion_text = (message.content or "") + "".join(
            c.function.name + c.function.arguments for c in calls
        )
        return ChatCompletion(
            id=answer.id,
            model=answer.model or request.model,
            content=message.content,
            finish_reason=finish_reason(choice.finish_reason, has_tool_calls=bool(calls)),
            usage=_usage(answer.usage) or estimate_usage(request.messages, completion_text),
            engine="extractive" if answer.engine == "extractive" else "generative",
            tool_calls=calls or None,
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        body = self._body(request, stream=True)
        async for delta in self._http.stream(
            "/chat/completions", body, lambda lines: self._deltas(lines, request)
        ):
            yield delta

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        body = {"model": request.model, "input": list(request.inputs), "encoding_format": "float"}
        answer = await self._http.request("POST", "/embeddings", _Embeddings, body)
        if len(answer.data) != len(request.inputs):
            raise ProviderUnavailable(
                f"{self.name} answered {len(answer.data)} vectors for {len(request.inputs)} inputs"
            )
        ordered = sorted(answer.data, key=lambda item: item.index)
        return Embeddings(
            model=answer.model or request.model,
            vectors=tuple(unit_length(item.embedding) for item in ordered),
            usage=_usage(answer.usage) or estimate_embedding_usage(request.inputs),
        )

    async def models(self) -> list[ModelInfo]:
        answer = await self._http.request("GET", "/models", _Models)
        return [ModelInfo(id=m.id, kind=kind_of(m.id), owned_by=m.owned_by or self.name) for m in answer.data]

    def _body(self, request: ChatRequest, *, stream: bool = False) -> dict[str, Any]:
        # The port's request is shaped like OpenAI's, so its fields are the wire's fields.
        body: dict[str, Any] = msgspec.to_builtins(request)
        if request.response_format is not None:
            body["response_format"] = {"type": request.response_format.type}
            if request.response_format.json_schema is not None:
                body["response_format"]["json_schema"] = request.response_format.json_schema
        body["stream"] = stream
        if stream and self._settings.stream_usage:
            body["stream_options"] = {"include_usage": True}
        return body

    async def _deltas(self, lines: AsyncIterator[str], request: ChatRequest) -> AsyncIterator[ChatDelta]:
        """The chunk with ``finish_reason`` is held back until the stream's end, so that the last
        delta carries the usage, which comes in a chunk of its own after it."""
        usage: Usage | None = None
        last: ChatDelta | None = None
        produced: list[str] = []
        done = False
        async for data in sse_data(lines):
            if data.strip() == "[DONE]":
                done = True
                break
            chunk = self._http.decode(data.encode(), _Completion)
            if chunk.error is not None:
                raise self._http.body_error({"error": chunk.error})
            usage = _usage(chunk.usage) or _usage(chunk.x_groq.usage if chunk.x_groq else None) or usage
            for choice in chunk.choices:
                if choice.index != 0 or (choice.delta is None and choice.finish_reason is None):
                    continue
                delta = _delta(choice)
                produced.append(delta.content or "")
                produced.extend((call.name or "") + (call.arguments or "") for call in delta.tool_calls or ())
                if choice.finish_reason is not None:
                    last = delta
                elif delta.content or delta.tool_calls:
                    yield delta
        if last is None:
            # A server that ends cleanly without a finish reason gave up half-way all the same.
            raise ProviderUnavailable(
                f"{self.name} ended its stream {'at [DONE] ' if done else ''}unfinished"
            )
        yield msgspec.structs.replace(
            last, usage=usage or estimate_usage(request.messages, "".join(produced))
        )


def _delta(choice: _Choice) -> ChatDelta:
    wire = choice.delta or _Message()
    calls = tuple(
        ToolCallDelta(
            index=call.index, id=call.id, name=call.function.name, arguments=call.function.arguments
        )
        for call in wire.tool_calls or ()
    )
    reason = None if choice.finish_reason is None else finish_reason(choice.finish_reason)
    return ChatDelta(content=wire.content or None, tool_calls=calls or None, finish_reason=reason)


def _function_call(wire: _Function) -> FunctionCall:
    return FunctionCall(name=wire.name or "", arguments=wire.arguments or "")


def _usage(wire: _Usage | None) -> Usage | None:
    return (
        None
        if wire is None
        else Usage(prompt_tokens=wire.prompt_tokens, completion_tokens=wire.completion_tokens)
    )
