"""OpenAI's wire shapes for chat completions, embeddings and models, and their translation to
the LLM port's types. Fields OpenAI clients send that the platform does not use (``user``,
``top_p``, penalties, ``logprobs``) are accepted and ignored; ``n`` above 1 is refused."""

import struct
import time
from base64 import b64encode
from typing import Annotated, Any, Literal

import msgspec

from core.domain.errors import RuleViolated
from core.ports.llm import (
    ChatCompletion,
    ChatDelta,
    ChatMessage,
    ChatRequest,
    EmbeddingRequest,
    Embeddings,
    FunctionCall,
    FunctionSpec,
    ModelInfo,
    ResponseFormat,
    ToolCall,
    ToolSpec,
    Usage,
)

ModelName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
"""An alias or ``provider/model``; at most what a usage record keeps of it."""


class ContentPart(msgspec.Struct, frozen=True, kw_only=True):
    type: str
    text: str | None = None


class FunctionCallIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    arguments: str


class ToolCallIn(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    function: FunctionCallIn
    type: Literal["function"] = "function"


class MessageIn(msgspec.Struct, frozen=True, kw_only=True):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[ToolCallIn] | None = None
    tool_call_id: str | None = None


class FunctionSpecIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolIn(msgspec.Struct, frozen=True, kw_only=True):
    function: FunctionSpecIn
    type: Literal["function"] = "function"


class ResponseFormatIn(msgspec.Struct, frozen=True, kw_only=True):
    type: Literal["text", "json_object", "json_schema"] = "text"
    json_schema: dict[str, Any] | None = None


class StreamOptions(msgspec.Struct, frozen=True, kw_only=True):
    include_usage: bool = False


class ChatCompletionIn(msgspec.Struct, frozen=True, kw_only=True):
    model: ModelName
    """An alias (``default``, ``fast``) or ``provider/model``; see ``GET /v1/models``."""
    messages: list[MessageIn]
    temperature: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    stop: str | list[str] | None = None
    response_format: ResponseFormatIn | None = None
    tools: list[ToolIn] | None = None
    tool_choice: str | dict[str, Any] | None = None
    seed: int | None = None
    n: int = 1
    stream: bool = False
    stream_options: StreamOptions | None = None

    def to_port(self) -> ChatRequest:
        if self.n != 1:
            raise RuleViolated("n: only one choice per request is supported")
        if not self.messages:
            raise RuleViolated("messages: at least one message")
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise RuleViolated("temperature: between 0 and 2")
        stop = (self.stop,) if isinstance(self.stop, str) else tuple(self.stop) if self.stop else None
        if stop is not None and len(stop) > 4:
            raise RuleViolated("stop: at most 4 sequences")
        return ChatRequest(
            model=self.model,
            messages=tuple(_message(m) for m in self.messages),
            temperature=self.temperature,
            max_tokens=self.max_completion_tokens
            if self.max_completion_tokens is not None
            else self.max_tokens,
            stop=stop,
            response_format=ResponseFormat(self.response_format.type, self.response_format.json_schema)
            if self.response_format
            else None,
            tools=tuple(
                ToolSpec(FunctionSpec(t.function.name, t.function.description, t.function.parameters))
                for t in self.tools
            )
            if self.tools
            else None,
            tool_choice=self.tool_choice,
            seed=self.seed,
        )


def _message(message: MessageIn) -> ChatMessage:
    content = message.content
    if isinstance(content, list):
        texts = [part.text or "" for part in content if part.type == "text"]
        if len(texts) != len(content):
            raise RuleViolated("messages[].content: only text parts are supported")
        content = "".join(texts)
    calls = (
        tuple(ToolCall(c.id, FunctionCall(c.function.name, c.function.arguments)) for c in message.tool_calls)
        if message.tool_calls
        else None
    )
    role = "system" if message.role == "developer" else message.role  # OpenAI's newer name for it
    return ChatMessage(
        role=role, content=content, name=message.name, tool_calls=calls, tool_call_id=message.tool_call_id
    )


class UsageOut(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated: bool = False
    """True when the provider reported none and these are the documented estimate."""

    @classmethod
    def of(cls, usage: Usage) -> "UsageOut":
        return cls(
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            total_tokens=usage.total_tokens,
            estimated=usage.estimated,
        )


class FunctionCallOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    arguments: str


class ToolCallOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    function: FunctionCallOut
    type: str = "function"


class AssistantMessageOut(msgspec.Struct, frozen=True, kw_only=True):
    role: str = "assistant"
    content: str | None
    tool_calls: list[ToolCallOut] | None = None


class ChoiceOut(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    message: AssistantMessageOut
    finish_reason: str
    logprobs: None = None


class ChatCompletionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    object: str = "chat.completion"
    created: int
    model: str
    choices: list[ChoiceOut]
    usage: UsageOut
    engine: str
    """``extractive`` (answers only from the conversation's material) or ``generative``."""
    provider: str
    """``provider/model`` that answered."""

    @classmethod
    def of(cls, completion: ChatCompletion, asked: str, provider: str) -> "ChatCompletionOut":
        calls = (
            [
                ToolCallOut(
                    id=c.id, function=FunctionCallOut(name=c.function.name, arguments=c.function.arguments)
                )
                for c in completion.tool_calls
            ]
            if completion.tool_calls
            else None
        )
        message = AssistantMessageOut(content=completion.content, tool_calls=calls)
        return cls(
            id=completion.id,
            created=int(time.time()),
            model=asked,
            engine=completion.engine,
            provider=provider,
            usage=UsageOut.of(completion.usage),
            choices=[ChoiceOut(index=0, message=message, finish_reason=completion.finish_reason)],
        )


def chunk(
    chunk_id: str, asked: str, delta: ChatDelta | None, *, first: bool = False, usage: Usage | None = None
) -> dict[str, Any]:
    """One ``chat.completion.chunk``: a delta, or (``delta`` None) the closing usage chunk."""
    body: dict[str, Any] = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": asked,
        "choices": [],
    }
    if delta is not None:
        part: dict[str, Any] = {"role": "assistant"} if first else {}
        if delta.content:
            part["content"] = delta.content
        if delta.tool_calls:
            part["tool_calls"] = [
                {
                    "index": c.index,
                    **({"id": c.id, "type": "function"} if c.id else {}),
                    "function": {
                        k: v for k, v in (("name", c.name), ("arguments", c.arguments)) if v is not None
                    },
                }
                for c in delta.tool_calls
            ]
        body["choices"] = [
            {"index": 0, "delta": part, "finish_reason": delta.finish_reason, "logprobs": None}
        ]
    if usage is not None:
        body["usage"] = msgspec.to_builtins(UsageOut.of(usage))
    return body


class EmbeddingsIn(msgspec.Struct, frozen=True, kw_only=True):
    model: ModelName
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"
    """``base64``: little-endian float32s, base64-encoded (what OpenAI's client asks for)."""

    def to_port(self) -> EmbeddingRequest:
        texts = (self.input,) if isinstance(self.input, str) else tuple(self.input)
        return EmbeddingRequest(model=self.model, inputs=texts)


class EmbeddingOut(msgspec.Struct, frozen=True, kw_only=True):
    object: str = "embedding"
    index: int
    embedding: list[float] | str


class EmbeddingsOut(msgspec.Struct, frozen=True, kw_only=True):
    object: str = "list"
    data: list[EmbeddingOut]
    model: str
    usage: UsageOut
    provider: str

    @classmethod
    def of(
        cls, embeddings: Embeddings, asked: str, provider: str, *, base64: bool = False
    ) -> "EmbeddingsOut":
        data = [
            EmbeddingOut(index=i, embedding=_packed(v) if base64 else list(v))
            for i, v in enumerate(embeddings.vectors)
        ]
        return cls(data=data, model=asked, usage=UsageOut.of(embeddings.usage), provider=provider)


def _packed(vector: tuple[float, ...]) -> str:
    return b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


class ModelOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    object: str = "model"
    created: int = 0
    owned_by: str
    kind: str
    """``chat`` or ``embedding``."""

    @classmethod
    def of(cls, model: ModelInfo) -> "ModelOut":
        return cls(id=model.id, owned_by=model.owned_by, kind=model.kind)


class ModelsOut(msgspec.Struct, frozen=True, kw_only=True):
    object: str = "list"
    data: list[ModelOut]
