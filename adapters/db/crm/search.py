"""``CrmSearch`` on each backend: SQLite FTS5 and PostgreSQL full-text search, over the one
``crm_search_documents`` table, written in the caller's transaction.

What a person typed never becomes query syntax. FTS5: each word becomes a quoted string (inner
quotes doubled), so ``OR``, ``NEAR(``, ``*`` and ``"`` are text. PostgreSQL:
``websearch_to_tsquery`` accepts any input without error. Either way the text is a bound
parameter, never part of the SQL.
"""

import json
from typing import Any

from sqlalchemy import ColumnElement, delete, func, literal_column, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.crm.tables import SEARCH_CONFIG, SEARCH_VECTOR, SQLITE_FTS_TABLE, search_documents
from adapters.db.errors import translated
from core.ports.crm import CrmSearch, SearchDocument, SearchHit

SNIPPET_WORDS = 16


# Angle brackets become spaces in the searchable copy (the record itself keeps them): PostgreSQL's
# parser reads "<script>" as markup and drops what follows it, so a ticket quoting HTML would lose
# its words; FTS5 splits on them anyway. Snippets come out free of markup on both engines.
_NO_MARKUP = str.maketrans("<>", "  ")


def _values(document: SearchDocument) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "entity_id": document.id,
        "title": document.title.translate(_NO_MARKUP),
        "body": document.body.translate(_NO_MARKUP),
    }


def fts5_query(typed: str) -> str | None:
    """Every word a quoted FTS5 string, all required; None when no word has a letter or digit
    (FTS5's tokenizer would find nothing to match, so there is nothing to search for)."""
    words = [word for word in typed.split() if any(char.isalnum() for char in word)]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


async def _remove(session: AsyncSession, kind: str, entity_id: str) -> None:
    # On SQLite the FTS5 index forgets it through the delete trigger of migration 0009.
    d = search_documents.c
    await session.execute(delete(search_documents).where(d.kind == kind, d.entity_id == entity_id))


class SqliteCrmSearch(CrmSearch):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def put(self, document: SearchDocument) -> None:
        # The FTS5 table follows through the triggers of migration 0009.
        statement = sqlite.insert(search_documents).values(**_values(document))
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["kind", "entity_id"],
                set_={"title": statement.excluded.title, "body": statement.excluded.body},
            )
        )

    @translated
    async def remove(self, kind: str, entity_id: str) -> None:
        await _remove(self._session, kind, entity_id)

    @translated
    async def search(self, text_: str, limit: int, kinds: frozenset[str] | None = None) -> list[SearchHit]:
        query = fts5_query(text_)
        if query is None:
            return []
        kind_filter = "" if kinds is None else "AND d.kind IN (SELECT value FROM json_each(:kinds))"
        # snippet(): column 1 is the body; plain text around the match, no markers (the caller
        # shows it as text, and the documents may contain markup of their own).
        statement = text(
            f"SELECT d.kind, d.entity_id, d.title, "  # noqa: S608 - names are constants, values bound
            f"snippet({SQLITE_FTS_TABLE}, 1, '', '', '…', {SNIPPET_WORDS}) AS snippet "
            f"FROM {SQLITE_FTS_TABLE} JOIN crm_search_documents AS d ON d.id = {SQLITE_FTS_TABLE}.rowid "
            f"WHERE {SQLITE_FTS_TABLE} MATCH :query {kind_filter} "
            f"ORDER BY rank, d.id LIMIT :limit"
        )
        params: dict[str, Any] = {"query": query, "limit": limit}
        if kinds is not None:
            params["kinds"] = json.dumps(sorted(kinds))
        rows = (await self._session.execute(statement, params)).all()
        return [SearchHit(kind=r.kind, id=r.entity_id, title=r.title, snippet=r.snippet) for r in rows]


class PostgresCrmSearch(CrmSearch):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def put(self, document: SearchDocument) -> None:
        statement = postgresql.insert(search_documents).values(**_values(document))
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["kind", "entity_id"],
                set_={"title": statement.excluded.title, "body": statement.excluded.body},
            )
        )

    @translated
    async def remove(self, kind: str, entity_id: str) -> None:
        await _remove(self._session, kind, entity_id)

    @translated
    async def search(self, text_: str, limit: int, kinds: frozenset[str] | None = None) -> list[SearchHit]:
        config: ColumnElement[Any] = literal_column(f"'{SEARCH_CONFIG}'::regconfig")
        query = func.websearch_to_tsquery(config, text_)
        d = search_documents.c
        snippet = func.ts_headline(
            config,
            func.coalesce(func.nullif(d.body, ""), d.title),
            query,
            f'StartSel="", StopSel="", MaxWords={SNIPPET_WORDS}, MinWords=4, FragmentDelimiter=" … "',
        )
        # The WHERE repeats the indexed expression exactly, so the GIN index serves it.
        statement = (
            select(d.kind, d.entity_id, d.title, snippet.label("snippet"))
            .where(SEARCH_VECTOR.op("@@")(query))
            .order_by(func.ts_rank(SEARCH_VECTOR, query).desc(), d.id)
            .limit(limit)
        )
        if kinds is not None:
            statement = statement.where(d.kind.in_(sorted(kinds)))
        rows = (await self._session.execute(statement)).all()
        return [SearchHit(kind=r.kind, id=r.entity_id, title=r.title, snippet=r.snippet) for r in rows]
