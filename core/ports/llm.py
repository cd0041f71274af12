"""How the platform reaches language models and embedders, whoever runs them.

The shapes follow OpenAI's chat completions closely (that is what every provider we speak to
understands), but they are the platform's own types: a provider adapter translates to and from
its wire format and raises the errors below, never its client's exceptions.
"""

from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol

import msgspec

from core.ports.errors import PortError, Unavailable, UpstreamTimeout

Role = Literal["system", "user", "assistant", "tool"]
Engine = Literal["generative", "extractive"]
"""``extractive`` answers only from the material in the conversation (the embedded default)."""


class FunctionCall(msgspec.Struct, frozen=True):
    name: str
    arguments: str
    """JSON text, as the model produced it (it may not parse)."""


class ToolCall(msgspec.Struct, frozen=True):
    id: str
    function: FunctionCall
    type: Literal["function"] = "function"


class ChatMessage(msgspec.Struct, frozen=True, omit_defaults=True):
    role: Role
    content: str | None = None
    name: str | None = None
    tool_calls: tuple[ToolCall, ...] | None = None
    tool_call_id: str | None = None


class FunctionSpec(msgspec.Struct, frozen=True, omit_defaults=True):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    """A JSON schema of the arguments."""


class ToolSpec(msgspec.Struct, frozen=True):
    function: FunctionSpec
    type: Literal["function"] = "function"


class ResponseFormat(msgspec.Struct, frozen=True, omit_defaults=True):
    type: Literal["text", "json_object", "json_schema"] = "text"
    json_schema: dict[str, Any] | None = None
    """OpenAI's ``{"name", "schema", "strict"}`` object when ``type`` is ``json_schema``."""


class ChatRequest(msgspec.Struct, frozen=True, omit_defaults=True):
    model: str
    """The provider's own model name (aliases are resolved before a provider sees a request)."""
    messages: tuple[ChatMessage, ...]
    temperature: float | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] | None = None
    response_format: ResponseFormat | None = None
    tools: tuple[ToolSpec, ...] | None = None
    tool_choice: str | dict[str, Any] | None = None
    seed: int | None = None


class Usage(msgspec.Struct, frozen=True):
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False
    """True when the provider reported no usage and the counts are the documented estimate."""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


FinishReason = Literal["stop", "length", "tool_calls", "content_filter"]


class ChatCompletion(msgspec.Struct, frozen=True):
    id: str
    model: str
    content: str | None
    finish_reason: FinishReason
    usage: Usage
    engine: Engine
    tool_calls: tuple[ToolCall, ...] | None = None


class ToolCallDelta(msgspec.Struct, frozen=True, omit_defaults=True):
    index: int
    id: str | None = None
    name: str | None = None
    arguments: str | None = None
    """A fragment to append to the call's arguments so far."""


class ChatDelta(msgspec.Struct, frozen=True, omit_defaults=True):
    """One piece of a streamed answer. The last delta carries ``finish_reason``; ``usage``
    comes on the last delta too, estimated when the provider did not report it."""

    content: str | None = None
    tool_calls: tuple[ToolCallDelta, ...] | None = None
    finish_reason: FinishReason | None = None
    usage: Usage | None = None


class EmbeddingRequest(msgspec.Struct, frozen=True):
    model: str
    inputs: tuple[str, ...]


class Embeddings(msgspec.Struct, frozen=True):
    model: str
    vectors: tuple[tuple[float, ...], ...]
    """One unit-length vector per input, in input order."""
    usage: Usage


ModelKind = Literal["chat", "embedding"]


class ModelInfo(msgspec.Struct, frozen=True):
    id: str
    kind: ModelKind
    owned_by: str


class LlmProvider(Protocol):
    """A source of chat completions and/or embeddings (a hosted API, a local server, an
    in-process engine). A provider that lacks a capability raises ``Unsupported``."""

    @property
    def name(self) -> str:
        """Stable name of this configured provider (recorded with every answer)."""
        ...

    @property
    def engine(self) -> Engine: ...

    async def chat(self, request: ChatRequest) -> ChatCompletion: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        """Deltas as the provider produces them; errors before the first delta are raised as
        the errors below, a stream cut afterwards raises ``StreamInterrupted``."""
        ...

    async def embed(self, request: EmbeddingRequest) -> Embeddings: ...

    async def models(self) -> list[ModelInfo]: ...


class DelegatedLlm(Protocol):
    """The platform's LLM service, reached by another service (orchestration's agents) on behalf
    of the signed-in user it is serving: quotas and usage are that user's, and the usage record
    names the calling service too. The same whether the services share a process or not."""

    def acting_for(self, user_token: str) -> LlmProvider:
        """A provider whose every call is charged to the holder of ``user_token`` (their access
        token, as they presented it); cheap to make, one per request served. Calls refused for
        the token (expired, revoked) or for the user's permissions raise ``AccessDenied``."""
        ...


class LlmError(PortError):
    """Base of what a provider can answer instead of a completion."""

    code = "llm_error"


class RateLimited(LlmError):
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ProviderUnavailable(LlmError, Unavailable):
    code = "provider_unavailable"


class ProviderTimeout(LlmError, UpstreamTimeout):
    code = "provider_timeout"


class StreamInterrupted(ProviderUnavailable):
    """The provider stopped in the middle of a streamed answer."""

    code = "stream_interrupted"


class BadLlmRequest(LlmError):
    """The provider refused the request as malformed; retrying it elsewhere will not help."""

    code = "bad_request"


class ContextTooLong(BadLlmRequest):
    code = "context_length_exceeded"


class Unsupported(BadLlmRequest):
    """The provider cannot do this at all (embeddings from a chat-only engine, tools)."""

    code = "unsupported"


class AccessDenied(LlmError):
    """The service refused who is calling: a credential it does not accept, or a permission the
    caller (or the user it acts for) lacks. Retrying will not help until that changes."""

    code = "access_denied"


class LlmProviders(dict[str, LlmProvider]):
    """The configured providers by name (``local``, ``groq``, ...), as routes name them."""
