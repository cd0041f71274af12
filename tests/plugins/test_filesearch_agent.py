"""The FileSearch agent lists the caller's files that match by name, content type or text, with
the input filters, and never anyone else's."""

from pathlib import Path

import pytest

from adapters.files.local import LocalFileStore
from adapters.files.settings import FileStoreSettings
from core.domain.agents.bound import OwnFiles
from core.ports.agents import AgentTask
from plugins.agents.filesearch import FileSearchAgent
from plugins.agents.filesearch.agent import NO_FILES, NOTHING
from plugins.inputs import InvalidAgentInput
from plugins.testing import FakeContext, FixedClock, MemoryFileStore
from tests.plugins.conftest import MakeContext


def _store() -> tuple[MemoryFileStore, dict[str, str]]:
    store = MemoryFileStore()
    ids = {
        "invoice": store.add("Invoice 42: 3 chairs, paid by card.", content_type="text/plain"),
        "budget": store.add("# Budget 2026\n\nTravel budget is 5000 rupees.", content_type="text/markdown"),
        "image": store.add(b"\x89PNG not really", content_type="image/png"),
        "theirs": store.add("Invoice 99 of someone else.", content_type="text/plain", owner="someone-else"),
    }
    return store, ids


async def test_finds_the_files_whose_text_holds_the_words_and_cites_them(make_context: MakeContext) -> None:
    store, ids = _store()
    result = await FileSearchAgent().run(
        AgentTask(text="Find my files that mention invoices"), make_context(files=store)
    )

    assert [source.id for source in result.sources] == [ids["invoice"]]
    assert result.sources[0].kind == "file"
    assert result.sources[0].excerpt is not None
    assert "Invoice 42" in result.sources[0].excerpt
    assert ids["invoice"] in result.answer
    assert ids["theirs"] not in result.answer


async def test_lists_every_file_when_the_question_names_nothing_and_filters_by_content_type() -> None:
    store, ids = _store()
    context = FakeContext(files=store)

    everything = await FileSearchAgent().run(AgentTask(text="List my files"), context)
    text_only = await FileSearchAgent().run(
        AgentTask(text="List my files", inputs={"content_type": "text/"}), context
    )
    images = await FileSearchAgent().run(
        AgentTask(text="show my files", inputs={"content_type": "image"}), context
    )

    assert {s.id for s in everything.sources} == {ids["invoice"], ids["budget"], ids["image"]}
    assert {s.id for s in text_only.sources} == {ids["invoice"], ids["budget"]}
    assert [s.id for s in images.sources] == [ids["image"]]


async def test_matches_content_type_and_name_and_filters_by_name() -> None:
    store, ids = _store()
    context = FakeContext(files=store)

    markdown = await FileSearchAgent().run(AgentTask(text="markdown"), context)
    named = await FileSearchAgent().run(
        AgentTask(text="budget invoice", inputs={"name_contains": ids["budget"].upper()}), context
    )

    assert [s.id for s in markdown.sources] == [ids["budget"]]
    assert "content type" in markdown.answer
    assert [s.id for s in named.sources] == [ids["budget"]]


async def test_says_so_when_nothing_matches_or_there_are_no_files() -> None:
    store, _ = _store()

    nothing = await FileSearchAgent().run(AgentTask(text="find the cricket scores"), FakeContext(files=store))
    empty = await FileSearchAgent().run(AgentTask(text="find budget"), FakeContext())

    assert (nothing.answer, nothing.sources, nothing.confidence) == (NOTHING, (), 0.1)
    assert empty.answer == NO_FILES


async def test_rejects_unknown_inputs() -> None:
    with pytest.raises(InvalidAgentInput):
        await FileSearchAgent().run(AgentTask(text="find", inputs={"path": "/etc"}), FakeContext())


async def test_searches_the_local_file_store_bound_to_the_caller(tmp_path: Path) -> None:
    class Ids:
        def __init__(self) -> None:
            self.n = 0

        def new_id(self) -> str:
            self.n += 1
            return f"00000000-0000-4000-8000-{self.n:012d}"

    settings = FileStoreSettings(directory=str(tmp_path), allowed_types=("text/plain", "image/png"))
    local = LocalFileStore(settings, Ids(), FixedClock())
    mine = await local.put(b"Minutes: the budget was approved.", content_type="text/plain", owner="tester")
    await local.put(b"The budget of another user.", content_type="text/plain", owner="other")
    (tmp_path / "stray.json").write_text("{}")  # not an id: never read

    result = await FileSearchAgent().run(
        AgentTask(text="search my files for the budget"), FakeContext(files=OwnFiles(local, "tester"))
    )

    assert [s.id for s in result.sources] == [mine.id]
    assert "approved" in (result.sources[0].excerpt or "")
