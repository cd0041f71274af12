"""Adding, reading, deleting and searching the knowledge base. Who may read a document is decided
in the store's query (``Reader``), never by filtering what a search already ranked."""

from core.domain.access import Permission, Principal
from core.domain.errors import Forbidden, NotFound, RuleViolated
from core.domain.knowledge.chunking import chunk_spans
from core.domain.knowledge.ranking import fuse
from core.ports.agents import Caller, KnowledgeHit, KnowledgeSearch
from core.ports.clock import Clock, IdGenerator
from core.ports.files import TooLarge, UnsupportedType
from core.ports.knowledge import (
    Chunk,
    KnowledgeDocument,
    KnowledgeUnitOfWork,
    Reader,
    TextEmbedder,
    Visibility,
)

TEXT_TYPES = ("text/plain", "text/markdown")
MAX_BYTES = 1_000_000
"""About a thousand passages, embedded within the gateway's minute on two cores."""
MAX_TITLE = 200
MAX_LIMIT = 50
CANDIDATES = 30
"""How many chunks each of the word and meaning searches offers the fusion."""


class DocumentNotFound(NotFound):
    def __init__(self, document_id: str) -> None:
        super().__init__(f"document {document_id!r} not found", document_id=document_id)


def reader_of(principal: Principal) -> Reader:
    return Reader(subject=principal.subject, everything=principal.has(Permission.AGENTS_ADMIN))


def reader_for(caller: Caller) -> Reader:
    """An agent's caller reads what they could read themselves, through any agent."""
    return Reader(subject=caller.subject, everything=Permission.AGENTS_ADMIN in caller.permissions)


def document_text(data: bytes, content_type: str) -> str:
    """The text of an upload: UTF-8 plain text or Markdown (other types, PDF included, 415)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in TEXT_TYPES:
        raise UnsupportedType(media_type, list(TEXT_TYPES))
    if len(data) > MAX_BYTES:
        raise TooLarge("the document", len(data), MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleViolated("the document is not UTF-8 text") from None
    if not text.strip():
        raise RuleViolated("the document has no text")
    return text


class IngestDocument:
    """- Text (`text/plain`, `text/markdown`, UTF-8, up to 1 MB; anything else 415) becomes a
      document of the caller's, cut into passages of about 500 to 1000 characters by paragraph
      and sentence, each searchable by its words and by its meaning.
    - `private`: only its owner (and admins) ever find it; `shared`: everyone who uses agents,
      so only a holder of `agents:admin` may share one (403): agents quote shared documents to
      everyone as the organisation's own."""

    def __init__(
        self, uow: KnowledgeUnitOfWork, embedder: TextEmbedder, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._embedder, self._clock, self._ids = uow, embedder, clock, ids

    async def execute(
        self,
        data: bytes,
        *,
        content_type: str,
        title: str,
        visibility: Visibility,
        owner: str,
        may_share: bool,
    ) -> KnowledgeDocument:
        """``may_share``: the uploader holds ``agents:admin`` (or is an operator at the console)."""
        if visibility == "shared" and not may_share:
            raise Forbidden("sharing a document with every user needs the agents:admin permission")
        text = document_text(data, content_type)
        title = " ".join(title.split())
        if not title or len(title) > MAX_TITLE:
            raise RuleViolated(f"a title of 1 to {MAX_TITLE} characters is required")
        spans = chunk_spans(text)
        vectors: list[tuple[float, ...] | None] = [None] * len(spans)
        if self._embedder.model is not None:
            vectors = list(await self._embedder.passages([text[s:e] for s, e in spans]))
        document = KnowledgeDocument(
            id=self._ids.new_id(),
            owner=owner,
            title=title,
            visibility=visibility,
            content_type=content_type.split(";")[0].strip().lower(),
            length=len(text),
            chunks=len(spans),
            created_at=self._clock.now(),
        )
        chunks = [
            Chunk(
                id=self._ids.new_id(),
                document_id=document.id,
                ordinal=n,
                start=s,
                end=e,
                text=text[s:e],
                embedding=vector,
            )
            for n, ((s, e), vector) in enumerate(zip(spans, vectors, strict=True))
        ]
        async with self._uow:
            await self._uow.knowledge.add(document, chunks, model=self._embedder.model)
            await self._uow.commit()
        return document


class GetDocument:
    """- A document the caller may read: their own, a shared one, or any for an admin; any other
    is 404, so its existence is not revealed."""

    def __init__(self, uow: KnowledgeUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, document_id: str, by: Principal) -> KnowledgeDocument:
        async with self._uow:
            found = await self._uow.knowledge.get(document_id, reader_of(by))
        if found is None:
            raise DocumentNotFound(document_id)
        return found


class DeleteDocument:
    """- Its owner or an admin deletes a document, and it leaves every search at once; anyone
    else is told it does not exist (404), shared or not."""

    def __init__(self, uow: KnowledgeUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, document_id: str, by: Principal) -> None:
        async with self._uow:
            found = await self._uow.knowledge.get(document_id, reader_of(by))
            if found is None or not (found.owner == by.subject or by.has(Permission.AGENTS_ADMIN)):
                raise DocumentNotFound(document_id)
            await self._uow.knowledge.delete(document_id)
            await self._uow.commit()


class ReadableKnowledge(KnowledgeSearch):
    """Hybrid search over what one reader may read: chunks found by their words and chunks
    nearest in meaning, fused by rank (``score`` 1.0: first by both)."""

    def __init__(self, uow: KnowledgeUnitOfWork, embedder: TextEmbedder, reader: Reader) -> None:
        self._uow, self._embedder, self._reader = uow, embedder, reader

    async def search(self, query: str, *, limit: int = 5) -> list[KnowledgeHit]:
        query = query.strip()
        limit = max(1, min(limit, MAX_LIMIT))
        if not query:
            return []
        model = self._embedder.model
        vector = await self._embedder.query(query) if model is not None else None
        async with self._uow:
            by_words = await self._uow.knowledge.by_words(query, self._reader, CANDIDATES)
            by_meaning = (
                await self._uow.knowledge.by_meaning(vector, model, self._reader, CANDIDATES)
                if vector is not None and model is not None
                else []
            )
        return fuse(by_words, by_meaning, limit=limit)


class SearchKnowledge:
    """- The passages best matching `q` by their words and meaning (any language), among the
      documents the caller may read only: their own, shared ones, every one for an admin.
    - `start` and `end` locate each passage in its document's text."""

    def __init__(self, uow: KnowledgeUnitOfWork, embedder: TextEmbedder) -> None:
        self._uow, self._embedder = uow, embedder

    async def execute(self, query: str, by: Principal, *, limit: int = 10) -> list[KnowledgeHit]:
        return await ReadableKnowledge(self._uow, self._embedder, reader_of(by)).search(query, limit=limit)
