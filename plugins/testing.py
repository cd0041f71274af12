"""A test kit for agent authors: an ``AgentContext`` made of in-memory ports, no platform needed.

    from plugins.testing import FakeContext

    async def test_answers_from_the_knowledge_base():
        context = FakeContext(documents={"refunds": "Refunds take 14 days. Shipping is free."})
        result = await MyAgent().run(AgentTask(text="How long do refunds take?"), context)
        assert "14 days" in result.answer

Every double is simple on purpose, so a test can predict what it does; ``docs/plugins.md``
describes each one.
"""

import re
import zlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec

from core.domain.access import Permission
from core.ports.agents import (
    BoundContext,
    Caller,
    KnowledgeHit,
    KnowledgeSearch,
    QueryRouting,
    RouteDecision,
    SessionMemory,
)
from core.ports.clock import Clock
from core.ports.files import FileContent, FileNotFound, FileStore, StoredFile, TooLarge, UnsupportedType
from core.ports.llm import (
    ChatCompletion,
    ChatDelta,
    ChatRequest,
    EmbeddingRequest,
    Embeddings,
    LlmProvider,
    ModelInfo,
    Usage,
)
from plugins.text import content_words, sentences

NOT_FOUND = "The material I was given does not answer this."
MAX_ANSWER_SENTENCES = 2
DEFAULT_SUMMARY_SENTENCES = 3
_SUMMARISE = re.compile(r"summar|sum up|tl;?dr|overview|सारांश", re.IGNORECASE)
_COUNT = re.compile(r"\b(\d{1,2})\s+(?:sentences?|points?|bullets?)", re.IGNORECASE)


class FakeLlm(LlmProvider):
    """An LLM double. Given ``answers``, it replies with them in turn (the last one repeats).
    Otherwise it answers extractively from the other messages of the conversation (the material):
    asked to summarise, their first sentences (as many as "N sentences" in the ask says, else 3);
    asked anything else, the sentences that share the most content words with the ask (at most
    two), or ``NOT_FOUND`` when none shares one. Every request is kept in ``requests``."""

    def __init__(
        self, answers: Sequence[str] = (), *, engine: Literal["generative", "extractive"] = "extractive"
    ) -> None:
        self._answers = list(answers)
        self._engine: Literal["generative", "extractive"] = engine
        self.requests: list[ChatRequest] = []

    @property
    def name(self) -> str:
        return "fake"

    @property
    def engine(self) -> Literal["generative", "extractive"]:
        return self._engine

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        self.requests.append(request)
        if self._answers:
            content = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
        else:
            content = _extract(request)
        usage = Usage(prompt_tokens=0, completion_tokens=len(content.split()), estimated=True)
        return ChatCompletion(
            id=f"fake-{len(self.requests)}",
            model=request.model,
            content=content,
            finish_reason="stop",
            usage=usage,
            engine=self._engine,
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        completion = await self.chat(request)
        for word in (completion.content or "").split(" "):
            yield ChatDelta(content=word + " ")
        yield ChatDelta(finish_reason="stop", usage=completion.usage)

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        """Hashed bags of words (64 dimensions): texts sharing words come out close."""
        return Embeddings(
            model=request.model,
            vectors=tuple(_bag_of_words(text) for text in request.inputs),
            usage=Usage(prompt_tokens=0, completion_tokens=0, estimated=True),
        )

    async def models(self) -> list[ModelInfo]:
        return [ModelInfo(id="fake", kind="chat", owned_by="tests")]


def _extract(request: ChatRequest) -> str:
    messages = list(request.messages)
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    ask = messages[last_user].content or "" if last_user >= 0 else ""
    material = [s for i, m in enumerate(messages) if i != last_user for s in sentences(m.content or "")]
    if not material:
        return NOT_FOUND
    if _SUMMARISE.search(ask):
        count = _COUNT.search(ask)
        return " ".join(material[: int(count[1]) if count else DEFAULT_SUMMARY_SENTENCES])
    asked = content_words(ask)
    scored = [(len(asked & content_words(s)), -i, s) for i, s in enumerate(material)]
    best = sorted((t for t in scored if t[0] > 0), reverse=True)[:MAX_ANSWER_SENTENCES]
    return " ".join(s for _, _, s in sorted(best, key=lambda t: -t[1])) or NOT_FOUND


def _bag_of_words(text: str) -> tuple[float, ...]:
    vector = [0.0] * 64
    for word in content_words(text):
        vector[zlib.crc32(word.encode()) % 64] += 1.0
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return tuple(v / norm for v in vector)


class Document(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    text: str
    title: str | None = None


class MemoryKnowledge(KnowledgeSearch):
    """Documents cut into paragraphs (blank lines); a paragraph's score is the share of the
    query's content words it holds. Only paragraphs holding at least one come back."""

    def __init__(self, documents: Mapping[str, str] | Iterable[Document] = ()) -> None:
        docs = (
            [Document(id=key, text=text) for key, text in documents.items()]
            if isinstance(documents, Mapping)
            else list(documents)
        )
        self.chunks: list[KnowledgeHit] = [chunk for doc in docs for chunk in _chunks(doc)]

    async def search(self, query: str, *, limit: int = 5) -> list[KnowledgeHit]:
        asked = content_words(query)
        if not asked:
            return []
        scored = [
            msgspec.structs.replace(chunk, score=len(asked & content_words(chunk.text)) / len(asked))
            for chunk in self.chunks
        ]
        return sorted((hit for hit in scored if hit.score > 0), key=lambda hit: -hit.score)[:limit]


def _chunks(document: Document) -> Iterable[KnowledgeHit]:
    for number, paragraph in enumerate(re.finditer(r"\S(?:.|\n(?!\s*\n))*", document.text)):
        yield KnowledgeHit(
            document_id=document.id,
            chunk_id=f"{document.id}#{number}",
            title=document.title or document.id,
            text=paragraph.group(),
            score=0.0,
            start=paragraph.start(),
            end=paragraph.end(),
        )


class MemoryFileStore(FileStore):
    def __init__(
        self,
        *,
        max_bytes: int = 10_000_000,
        allowed_types: Iterable[str] = ("text/plain", "text/markdown", "text/csv", "application/json"),
        clock: Clock | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.allowed_types = frozenset(allowed_types)
        self._clock = clock or FixedClock()
        self._files: dict[str, FileContent] = {}

    def add(self, data: bytes | str, *, content_type: str = "text/plain", owner: str = "tester") -> str:
        """Synchronous setup for tests: stores the file (no limits checked) and returns its id."""
        raw = data.encode() if isinstance(data, str) else data
        stored = self._stored(raw, content_type, owner)
        self._files[stored.id] = FileContent(file=stored, data=raw)
        return stored.id

    async def put(self, data: bytes, *, content_type: str, owner: str) -> StoredFile:
        if len(data) > self.max_bytes:
            raise TooLarge("the file", len(data), self.max_bytes)
        if content_type.split(";")[0].strip() not in self.allowed_types:
            raise UnsupportedType(content_type, sorted(self.allowed_types))
        return self._files[self.add(data, content_type=content_type, owner=owner)].file

    async def get(self, file_id: str) -> FileContent:
        if file_id not in self._files:
            raise FileNotFound(file_id)
        return self._files[file_id]

    async def delete(self, file_id: str) -> bool:
        return self._files.pop(file_id, None) is not None

    async def owned(self, owner: str, *, limit: int = 1000) -> list[StoredFile]:
        """Newest first; files added at the same instant, the last added first."""
        mine = [content.file for content in self._files.values() if content.file.owner == owner][::-1]
        return sorted(mine, key=lambda file: file.created_at, reverse=True)[:limit]

    def _stored(self, data: bytes, content_type: str, owner: str) -> StoredFile:
        file_id = f"file-{len(self._files) + 1}"
        return StoredFile(
            id=file_id, content_type=content_type, owner=owner, size=len(data), created_at=self._clock.now()
        )


class MemorySessionMemory(SessionMemory):
    def __init__(self, history: Iterable[Mapping[str, str]] = ()) -> None:
        self.turns = [dict(turn) for turn in history]
        self.notes: dict[str, Any] = {}

    async def history(self) -> list[dict[str, str]]:
        return [dict(turn) for turn in self.turns]

    async def remember(self, key: str, value: Any) -> None:
        self.notes[key] = value

    async def recall(self, key: str) -> Any | None:
        return self.notes.get(key)


class FixedClock(Clock):
    """Always ``at``; ``monotonic`` advances by one second per call, so durations are positive."""

    def __init__(self, at: datetime = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)) -> None:
        self.at = at
        self._ticks = 0.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        self._ticks += 1.0
        return self._ticks


TEST_CALLER = Caller(subject="tester", role="user", permissions=frozenset({Permission.AGENTS_USE}))


class WordRouting(QueryRouting):
    """A router double for agents that ask one (``context.port(QueryRouting)``): the first agent
    one of whose words the text holds, else ``qna`` as a fallback. Every text is kept in ``asked``."""

    def __init__(self, agents: Mapping[str, Iterable[str]]) -> None:
        self._agents = {name: tuple(word.lower() for word in found) for name, found in agents.items()}
        self.asked: list[str] = []

    async def route(self, text: str) -> RouteDecision:
        self.asked.append(text)
        lowered = text.lower()
        for name, found in self._agents.items():
            if any(word in lowered for word in found):
                return RouteDecision(agent=name, confidence=0.9, by="classifier", why="a word")
        return RouteDecision(agent="qna", confidence=0.1, by="fallback", why="no word")


class FakeContext(BoundContext):
    """Every port in memory; pass any of them to replace it (``llm=ExtractiveEngine()`` to test
    against a real engine), ``documents`` for the knowledge base, ``ports`` for ``port(T)``."""

    def __init__(
        self,
        *,
        documents: Mapping[str, str] | Iterable[Document] = (),
        answers: Sequence[str] = (),
        llm: LlmProvider | None = None,
        knowledge: KnowledgeSearch | None = None,
        files: FileStore | None = None,
        history: Iterable[Mapping[str, str]] = (),
        clock: Clock | None = None,
        caller: Caller = TEST_CALLER,
        ports: Mapping[type[Any], Any] | None = None,
    ) -> None:
        clock = clock or FixedClock()
        super().__init__(
            caller=caller,
            llm=llm or FakeLlm(answers),
            knowledge=knowledge or MemoryKnowledge(documents),
            files=files or MemoryFileStore(clock=clock),
            memory=MemorySessionMemory(history),
            clock=clock,
            ports=ports or {},
        )
