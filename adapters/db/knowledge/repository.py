"""``KnowledgeRepository`` on SQLite (FTS5) and PostgreSQL (``to_tsvector('simple', ...)``).

Every read joins the chunk to its document and puts the reader's rights in the WHERE clause:
their own documents and shared ones (everything for an admin). Nothing the reader may not read
is loaded, so it cannot be ranked, counted or leaked by a later step.

What a person typed never becomes query syntax: FTS5 gets each word as a quoted string (joined
by OR: a question's words need not all be in a passage, bm25 ranks the ones with more); PostgreSQL
gets ``plainto_tsquery`` per word, joined with ``||``, as bound parameters. Vectors are compared
here, in the service, with numpy: the visible chunks' float32 blobs against the query's.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, column, delete, func, literal_column, or_, select, table, true
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.knowledge.tables import SEARCH_CONFIG, SEARCH_VECTOR, SQLITE_FTS_TABLE, chunks, documents
from core.ports.knowledge import Chunk, ChunkMatch, KnowledgeDocument, KnowledgeRepository, Reader, Visibility

MAX_QUERY_WORDS = 16
_EDGES = "\"'`.,;:!?()[]{}<>|*^~+=/\\\u00ab\u00bb\u201c\u201d\u2018\u2019\u0964\u0965-\u2014"
"""Punctuation trimmed from either end of a typed word (quotes of every kind, the danda)."""
_fts = table(SQLITE_FTS_TABLE, column("rowid"), column("rank"))


def query_words(typed: str) -> list[str]:
    """Distinct words with a letter or digit, at most ``MAX_QUERY_WORDS``, trimmed of punctuation."""
    found: dict[str, None] = {}
    # Control characters (a NUL ends an FTS5 string early) separate words like spaces.
    for raw in "".join(char if char.isprintable() else " " for char in typed).split():
        word = raw.strip(_EDGES).casefold()
        if any(char.isalnum() for char in word):
            found.setdefault(word, None)
    return list(found)[:MAX_QUERY_WORDS]


def readable(reader: Reader) -> ColumnElement[bool]:
    d = documents.c
    if reader.everything:
        return true()
    return or_(d.visibility == Visibility.SHARED.value, d.owner == reader.subject)


def _matches(reader: Reader) -> Select[Any]:
    c, d = chunks.c, documents.c
    return (
        select(c.chunk_id, c.document_id, d.title, c.text, c.start_offset, c.end_offset)
        .select_from(chunks.join(documents, c.document_id == d.id))
        .where(readable(reader))
    )


def _match(row: Any, strength: float) -> ChunkMatch:
    return ChunkMatch(
        chunk_id=row.chunk_id,
        document_id=row.document_id,
        title=row.title,
        text=row.text,
        start=row.start_offset,
        end=row.end_offset,
        strength=round(float(strength), 6),
    )


class SqlKnowledgeRepository(KnowledgeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"

    @translated
    async def add(self, document: KnowledgeDocument, chunks_: Sequence[Chunk], *, model: str | None) -> None:
        row = {name: getattr(document, name) for name in document.__struct_fields__}
        row["visibility"] = document.visibility.value
        await self._session.execute(documents.insert().values(row))
        if chunks_:
            await self._session.execute(
                chunks.insert(),
                [
                    {
                        "chunk_id": chunk.id,
                        "document_id": chunk.document_id,
                        "ordinal": chunk.ordinal,
                        "start_offset": chunk.start,
                        "end_offset": chunk.end,
                        "text": chunk.text,
                        "embedding": None
                        if chunk.embedding is None
                        else np.asarray(chunk.embedding, dtype=np.float32).tobytes(),
                        "embedding_model": None if chunk.embedding is None else model,
                    }
                    for chunk in chunks_
                ],
            )

    @translated
    async def get(self, document_id: str, reader: Reader) -> KnowledgeDocument | None:
        statement = select(documents).where(documents.c.id == document_id, readable(reader))
        row = (await self._session.execute(statement)).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["visibility"] = Visibility(values["visibility"])
        return KnowledgeDocument(**values)

    @translated
    async def delete(self, document_id: str) -> bool:
        # The chunks first, explicitly (SQLite's FTS5 index follows through its delete trigger).
        await self._session.execute(delete(chunks).where(chunks.c.document_id == document_id))
        result = await self._session.execute(delete(documents).where(documents.c.id == document_id))
        return bool(getattr(result, "rowcount", 0))

    @translated
    async def by_words(self, query: str, reader: Reader, limit: int) -> list[ChunkMatch]:
        words = query_words(query)
        if not words:
            return []
        if self._postgres:
            config: ColumnElement[Any] = literal_column(f"'{SEARCH_CONFIG}'::regconfig")
            tsquery: ColumnElement[Any] = func.plainto_tsquery(config, words[0])
            for word in words[1:]:
                tsquery = tsquery.op("||")(func.plainto_tsquery(config, word))
            rank = func.ts_rank(SEARCH_VECTOR, tsquery)
            statement = (
                _matches(reader)
                .add_columns(rank.label("strength"))
                .where(SEARCH_VECTOR.op("@@")(tsquery))
                .order_by(rank.desc(), chunks.c.id)
                .limit(limit)
            )
        else:
            fts_query = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
            statement = (
                _matches(reader)
                .add_columns((-_fts.c.rank).label("strength"))
                .join(_fts, _fts.c.rowid == chunks.c.id)
                .where(literal_column(SQLITE_FTS_TABLE).op("MATCH")(fts_query))
                .order_by(_fts.c.rank, chunks.c.id)
                .limit(limit)
            )
        rows = (await self._session.execute(statement)).all()
        return [_match(row, row.strength) for row in rows]

    @translated
    async def by_meaning(
        self, vector: Sequence[float], model: str, reader: Reader, limit: int
    ) -> list[ChunkMatch]:
        wanted = np.asarray(vector, dtype=np.float32)
        statement = (
            _matches(reader)
            .add_columns(chunks.c.embedding)
            .where(chunks.c.embedding_model == model, chunks.c.embedding.is_not(None))
        )
        rows = [
            row
            for row in (await self._session.execute(statement)).all()
            if len(row.embedding) == wanted.nbytes
        ]
        if not rows:
            return []
        matrix = np.frombuffer(b"".join(row.embedding for row in rows), dtype=np.float32)
        similarity = matrix.reshape(len(rows), wanted.size) @ wanted
        best = np.argsort(-similarity, kind="stable")[:limit]
        return [_match(rows[i], similarity[i]) for i in best]
