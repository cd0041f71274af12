"""``LlmProvider`` over Ollama's native API: ``/api/chat`` (plain, and streamed as NDJSON),
``/api/embed`` and ``/api/tags``. Its OpenAI-compatible ``/v1`` is served by
``OpenAICompatibleProvider``; the native API reports usage in every answer, streamed or not."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec

from adapters.llm.estimates import estimate_embedding_usage, estimate_usage
from adapters.llm.retries import Jitter, full_jitter
from adapters.llm.settings import OllamaSettings
from adapters.llm.translate import TokenCount, finish_reason, kind_of, unit_length
from adapters.llm.transport import ProviderHttp, Sleep
from core.ports.llm import (
    ChatCompletion,
    ChatDelta,
    ChatMessage,
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
    Unsupported,
    Usage,
)


class _Function(msgspec.Struct):
    name: str = ""
    arguments: Any = None
    """An object, where OpenAI sends JSON text."""


class _ToolCall(msgspec.Struct):
    function: _Function
    id: str | None = None


class _Message(msgspec.Struct):
    content: str = ""
    tool_calls: list[_ToolCall] | None = None


class _ChatLine(msgspec.Struct):
    """A whole plain answer, or one line of a streamed one (the last has ``done`` and counts)."""

    model: str = ""
    message: _Message | None = None
    done: bool = False
    done_reason: str | None = None
    prompt_eval_count: TokenCount | None = None
    eval_count: TokenCount | None = None
    error: Any = None


class _Embed(msgspec.Struct):
    embeddings: list[list[float]]
    model: str = ""
    prompt_eval_count: TokenCount | None = None


class _Details(msgspec.Struct):
    family: str | None = None
    families: list[str] | None = None


class _Tag(msgspec.Struct):
    name: str
    details: _Details = msgspec.field(default_factory=_Details)


class _Tags(msgspec.Struct):
    models: list[_Tag]


class OllamaProvider(LlmProvider):
    """Ollama cannot be made to call one particular tool: ``tool_choice`` other than ``auto`` or
    ``none`` raises ``Unsupported``. Tool calls come without ids; they get ``call_<n>``."""

    def __init__(
        self,
        settings: OllamaSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = full_jitter,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._http = ProviderHttp(settings, sleep=sleep, jitter=jitter, now=now)

    @property
    def name(self) -> str:
        return self._settings.name

    @property
    def engine(self) -> Engine:
        return "generative"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        answer = await self._http.request("POST", "/api/chat", _ChatLine, _body(request, stream=False))
        if answer.error is not None:
            raise self._http.body_error({"error": answer.error})
        message = answer.message or _Message()
        calls = tuple(_tool_call(n, call) for n, call in enumerate(message.tool_calls or ()))
        produced = message.content + "".join(c.function.name + c.function.arguments for c in calls)
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}",
            model=answer.model or request.model,
            content=message.content,
            finish_reason=finish_reason(answer.done_reason, has_tool_calls=bool(calls)),
            usage=_usage(answer, request.messages, produced),
            engine="generative",
            tool_calls=calls or None,
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        body = _body(request, stream=True)
        async for delta in self._http.stream("/api/chat", body, lambda lines: self._deltas(lines, request)):
            yield delta

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        body = {"model": request.model, "input": list(request.inputs)}
        answer = await self._http.request("POST", "/api/embed", _Embed, body)
        if len(answer.embeddings) != len(request.inputs):
            got, wanted = len(answer.embeddings), len(request.inputs)
            raise ProviderUnavailable(f"{self.name} answered {got} vectors for {wanted} inputs")
        counted = answer.prompt_eval_count
        return Embeddings(
            model=answer.model or request.model,
            vectors=tuple(unit_length(vector) for vector in answer.embeddings),
            usage=estimate_embedding_usage(request.inputs)
            if counted is None
            else Usage(prompt_tokens=counted, completion_tokens=0),
        )

    async def models(self) -> list[ModelInfo]:
        answer = await self._http.request("GET", "/api/tags", _Tags)
        return [
            ModelInfo(id=tag.name, kind=kind_of(tag.name, _families(tag.details)), owned_by=self.name)
            for tag in answer.models
        ]

    async def _deltas(self, lines: AsyncIterator[str], request: ChatRequest) -> AsyncIterator[ChatDelta]:
        produced: list[str] = []
        calls_seen = 0
        async for line in lines:
            if not line.strip():
                continue
            chunk = self._http.decode(line.encode(), _ChatLine)
            if chunk.error is not None:
                raise self._http.body_error({"error": chunk.error})
            message = chunk.message or _Message()
            # Ollama sends each tool call whole, so each delta is a complete call of its own index.
            first = calls_seen
            calls = tuple(_tool_call(first + n, call) for n, call in enumerate(message.tool_calls or ()))
            calls_seen += len(calls)
            produced.append(message.content)
            produced.extend(c.function.name + c.function.arguments for c in calls)
            call_deltas = tuple(
                ToolCallDelta(index=first + n, id=c.id, name=c.function.name, arguments=c.function.arguments)
                for n, c in enumerate(calls)
            )
            if chunk.done:
                reason = finish_reason(chunk.done_reason, has_tool_calls=calls_seen > 0)
                usage = _usage(chunk, request.messages, "".join(produced))
                yield ChatDelta(
                    content=message.content or None,
                    tool_calls=call_deltas or None,
                    finish_reason=reason,
                    usage=usage,
                )
                return
            if message.content or call_deltas:
                yield ChatDelta(content=message.content or None, tool_calls=call_deltas or None)
        raise ProviderUnavailable(f"{self.name} ended its stream unfinished")


def _body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [_message(message) for message in request.messages],
        "stream": stream,
    }
    options = {
        "temperature": request.temperature,
        "num_predict": request.max_tokens,
        "stop": list(request.stop) if request.stop else None,
        "seed": request.seed,
    }
    if options := {key: value for key, value in options.items() if value is not None}:
        body["options"] = options
    if request.response_format is not None and request.response_format.type != "text":
        schema = (request.response_format.json_schema or {}).get("schema")
        body["format"] = schema if request.response_format.type == "json_schema" and schema else "json"
    if request.tools and request.tool_choice != "none":
        if request.tool_choice not in (None, "auto"):
            raise Unsupported("Ollama cannot be told which tool to call; use tool_choice 'auto' or 'none'")
        body["tools"] = [msgspec.to_builtins(tool) for tool in request.tools]
    return body


def _message(message: ChatMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": message.role, "content": message.content or ""}
    if message.tool_calls:
        wire["tool_calls"] = [
            {"function": {"name": call.function.name, "arguments": _arguments(call.function.arguments)}}
            for call in message.tool_calls
        ]
    if message.role == "tool" and message.name:
        wire["tool_name"] = message.name
    return wire


def _arguments(text: str) -> Any:
    """Ollama wants the arguments as an object; text that does not parse goes as it came."""
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        return text


def _tool_call(index: int, wire: _ToolCall) -> ToolCall:
    arguments = wire.function.arguments
    text = arguments if isinstance(arguments, str) else msgspec.json.encode(arguments or {}).decode()
    return ToolCall(
        id=wire.id or f"call_{index}", function=FunctionCall(name=wire.function.name, arguments=text)
    )


def _usage(line: _ChatLine, messages: tuple[ChatMessage, ...], produced: str) -> Usage:
    if line.prompt_eval_count is not None and line.eval_count is not None:
        return Usage(prompt_tokens=line.prompt_eval_count, completion_tokens=line.eval_count)
    # An older Ollama leaves prompt_eval_count out when the whole prompt came from its cache.
    estimate = estimate_usage(messages, produced)
    return Usage(
        prompt_tokens=estimate.prompt_tokens if line.prompt_eval_count is None else line.prompt_eval_count,
        completion_tokens=estimate.completion_tokens if line.eval_count is None else line.eval_count,
        estimated=True,
    )


def _families(details: _Details) -> list[str]:
    return [*(details.families or ()), *([details.family] if details.family else [])]
