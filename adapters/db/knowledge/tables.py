"""Orchestration's knowledge base (migration 0017): documents and their chunks, each chunk with
its offsets into the document's text and, when an embedder is configured, its vector (float32).

Full text differs per backend as CRM's search does: PostgreSQL, a GIN index on
``to_tsvector('simple', text)`` (any language, unstemmed); SQLite, the FTS5 table
``kb_chunks_fts`` kept in step by triggers (``SQLITE_FTS_TABLE`` and its shadow tables)."""

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

documents = Table(
    "kb_documents",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("owner", String(64), nullable=False, comment="the subject who added it"),
    Column("title", String(200), nullable=False),
    Column("visibility", String(16), nullable=False, comment="private (owner only) or shared"),
    Column("content_type", String(64), nullable=False),
    Column("length", Integer, nullable=False, comment="characters of text"),
    Column("chunks", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
Index("ix_kb_documents_owner", documents.c.owner)
Index("ix_kb_documents_visibility", documents.c.visibility)

chunks = Table(
    "kb_chunks",
    metadata,
    # An integer key: SQLite's FTS5 table refers to its rows by an integer rowid that must not change.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chunk_id", String(36), nullable=False),
    Column("document_id", String(36), ForeignKey("kb_documents.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("start_offset", Integer, nullable=False, comment="the chunk is text[start_offset:end_offset]"),
    Column("end_offset", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("embedding", LargeBinary, nullable=True, comment="float32, unit length"),
    Column("embedding_model", String(100), nullable=True),
    UniqueConstraint("chunk_id"),
)
Index("ix_kb_chunks_document_id", chunks.c.document_id, chunks.c.ordinal)

SEARCH_CONFIG = "simple"
SEARCH_VECTOR = func.to_tsvector(literal_column(f"'{SEARCH_CONFIG}'::regconfig"), chunks.c.text)
SEARCH_INDEX_EXPRESSION = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, text)"
chunks.append_constraint(
    Index("ix_kb_chunks_fts", text(SEARCH_INDEX_EXPRESSION), postgresql_using="gin").ddl_if(
        dialect="postgresql"
    )
)

SQLITE_FTS_TABLE = "kb_chunks_fts"
"""The FTS5 table over ``kb_chunks`` on SQLite, made by migration 0017."""
SQLITE_FTS_SHADOW_TABLES = tuple(
    f"{SQLITE_FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")
)
