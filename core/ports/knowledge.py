"""The knowledge base's storage and embeddings: documents cut into chunks, each findable by its
words and by its meaning, and only by those who may read the document."""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec

from core.ports.uow import UnitOfWork


class Visibility(StrEnum):
    PRIVATE = "private"
    """Its owner only (and admins)."""
    SHARED = "shared"
    """Everyone who may use agents."""


class Reader(msgspec.Struct, frozen=True, kw_only=True):
    """Whose reading rights a query applies: their own and shared documents, or all of them."""

    subject: str
    everything: bool = False


class KnowledgeDocument(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    owner: str
    title: str
    visibility: Visibility
    content_type: str
    length: int
    """Characters of text; chunk offsets index into it."""
    chunks: int
    created_at: datetime


class Chunk(msgspec.Struct, frozen=True, kw_only=True):
    """``text`` is exactly the document's text from ``start`` to ``end``."""

    id: str
    document_id: str
    ordinal: int
    start: int
    end: int
    text: str
    embedding: tuple[float, ...] | None = None


class ChunkMatch(msgspec.Struct, frozen=True, kw_only=True):
    chunk_id: str
    document_id: str
    title: str
    text: str
    start: int
    end: int
    strength: float
    """The store's own measure: bm25-like for words, cosine for meaning (best first either way)."""


class KnowledgeRepository(Protocol):
    """Every read takes the ``Reader`` and applies it in the query itself: a document the reader
    may not read is never loaded, ranked or counted."""

    async def add(self, document: KnowledgeDocument, chunks: Sequence[Chunk], *, model: str | None) -> None:
        """``model`` names the embedder of the chunks' embeddings (None: chunks have none)."""
        ...

    async def get(self, document_id: str, reader: Reader) -> KnowledgeDocument | None: ...

    async def delete(self, document_id: str) -> bool: ...

    async def by_words(self, query: str, reader: Reader, limit: int) -> list[ChunkMatch]:
        """Chunks holding any of the query's words, best first; the query is text, never syntax."""
        ...

    async def by_meaning(
        self, vector: Sequence[float], model: str, reader: Reader, limit: int
    ) -> list[ChunkMatch]:
        """Chunks embedded by ``model``, nearest first (cosine)."""
        ...


class KnowledgeUnitOfWork(UnitOfWork, Protocol):
    knowledge: KnowledgeRepository


class TextEmbedder(Protocol):
    """Vectors for the knowledge base; ``model`` None when no embedder is configured (search is
    then by words only)."""

    @property
    def model(self) -> str | None: ...

    async def passages(self, texts: Sequence[str]) -> list[tuple[float, ...]]: ...

    async def query(self, text: str) -> tuple[float, ...]: ...
