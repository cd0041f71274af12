"""Orchestration's knowledge base: documents, their chunks with offsets and embeddings, and
full-text search over the chunks per backend (written by hand, as CRM's in 0011).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(text, content='kb_chunks',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER kb_chunks_ai AFTER INSERT ON kb_chunks BEGIN"
    " INSERT INTO kb_chunks_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER kb_chunks_ad AFTER DELETE ON kb_chunks BEGIN"
    " INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER kb_chunks_au AFTER UPDATE ON kb_chunks BEGIN"
    " INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);"
    " INSERT INTO kb_chunks_fts(rowid, text) VALUES (new.id, new.text); END",
]


def upgrade() -> None:
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("owner", sa.String(64), nullable=False, comment="the subject who added it"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False, comment="private (owner only) or shared"),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False, comment="characters of text"),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_documents")),
    )
    op.create_index("ix_kb_documents_owner", "kb_documents", ["owner"])
    op.create_index("ix_kb_documents_visibility", "kb_documents", ["visibility"])
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chunk_id", sa.String(36), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column(
            "start_offset", sa.Integer(), nullable=False, comment="the chunk is text[start_offset:end_offset]"
        ),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True, comment="float32, unit length"),
        sa.Column("embedding_model", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_chunks_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_chunks")),
        sa.UniqueConstraint("chunk_id", name=op.f("uq_kb_chunks_chunk_id")),
    )
    op.create_index("ix_kb_chunks_document_id", "kb_chunks", ["document_id", "ordinal"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_kb_chunks_fts",
            "kb_chunks",
            [sa.text("to_tsvector('simple'::regconfig, text)")],
            postgresql_using="gin",
        )
    else:
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_kb_chunks_fts", table_name="kb_chunks")
    else:
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER kb_chunks_{trigger}")
        op.execute("DROP TABLE kb_chunks_fts")
    op.drop_index("ix_kb_chunks_document_id", table_name="kb_chunks")
    op.drop_table("kb_chunks")
    op.drop_index("ix_kb_documents_visibility", table_name="kb_documents")
    op.drop_index("ix_kb_documents_owner", table_name="kb_documents")
    op.drop_table("kb_documents")
