"""The agent contract: what a plugin agent declares, what it is given, and what it answers.

An agent is a plugin (``bhiv.agents`` entry point, registered through the ``register_agents``
hook in ``plugins/``). It sees ports only, through ``AgentContext``: never the database, the
network or the file system of the server. A third-party package ships one as an ``Agent``
subclass and tests it with ``plugins.testing``'s in-memory context, without a running platform.
"""

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

import msgspec

from core.domain.access import Permission
from core.ports.clock import Clock
from core.ports.files import FileStore
from core.ports.llm import LlmProvider


class AgentTask(msgspec.Struct, frozen=True, kw_only=True):
    """One request to an agent."""

    text: str
    """The user's words (a question, a text to summarise, a goal)."""
    language: str | None = None
    """The language the user writes in (ISO 639-1), when known."""
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    """Structured inputs, validated against the agent's ``input_schema`` (file ids, options)."""
    session_id: str | None = None
    previous: str | None = None
    """In a plan, the answer of the step before this one: what "it" in "then summarise it" means."""


class Source(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Where an answer comes from: a knowledge-base chunk, a file, a verse, the user's own text."""

    kind: str
    """``document``, ``file``, ``verse``, ``input``, ``web``..."""
    id: str
    title: str | None = None
    excerpt: str | None = None
    reference: str | None = None
    """Human-readable locator: ``Bhagavad Gita 2.47``, ``page 3``."""


class AgentResult(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    answer: str
    engine: str
    """What produced the answer: ``extractive``, ``generative``, ``rules``, or an engine's name."""
    confidence: float
    """0 to 1; an agent with nothing to go on says so and answers with a low confidence."""
    sources: tuple[Source, ...] = ()
    data: dict[str, Any] | None = None
    """Structured output (a quiz, a plan, readability scores)."""
    language: str | None = None
    attachments: tuple[str, ...] = ()
    """File ids the agent stored (speech audio), served by ``GET /v1/files/{id}``."""


class RouteCandidate(msgspec.Struct, frozen=True, kw_only=True):
    agent: str
    """An agent's name, or ``decline`` / ``clarify``."""
    confidence: float
    keywords: list[str]
    """The agent's own keywords found in the query."""
    similarity: float
    """How close the query is to the nearest of the agent's examples (cosine; 0 without an embedder)."""


class RouteDecision(msgspec.Struct, frozen=True, kw_only=True):
    agent: str
    """The agent that answers; ``orchestrator`` when the router itself answers (clarify, decline)."""
    confidence: float
    by: str
    """``explicit``, ``classifier``, ``plan`` (several intents: the planner), ``fallback`` (handed to
    qna), ``clarify``, ``decline`` or ``crisis``."""
    why: str
    candidates: list[RouteCandidate] = msgspec.field(default_factory=list)

    def as_route(self) -> dict[str, object]:
        """What a run record keeps: the catalog's words and the scores, never the query."""
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]


class PlanStep(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    title: str
    """What to do, in the user's words."""
    depends_on: tuple[str, ...] = ()
    """Ids of the steps that must finish first: the plan is a DAG."""
    agent: str | None = None
    """The agent that does this step, when one can; the orchestration service runs such steps."""
    estimate_minutes: int | None = None
    estimated: bool = True
    """False when the user gave the duration, True when it is the planner's guess."""
    owner: str | None = None


class AgentPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A Planner's answer (``AgentResult.data["plan"]``); when ``runs_agents`` is true, every
    step names an agent and the orchestration service runs them in order, each step given the
    answer of the one before (``AgentTask.previous``)."""

    goal: str
    steps: tuple[PlanStep, ...]
    runs_agents: bool = False


class QueryRouting(Protocol):
    """The router as a port: what the Orchestrator and Planner agents ask (``context.port``)."""

    async def route(self, text: str) -> RouteDecision:
        """The decision for ``text`` among the agents the caller may use."""
        ...


class QueryEmbedder(Protocol):
    """Unit vectors for short queries and the examples they are compared with (one space)."""

    async def embed_queries(self, texts: Sequence[str]) -> list[tuple[float, ...]]: ...


class KnowledgeHit(msgspec.Struct, frozen=True, kw_only=True):
    document_id: str
    chunk_id: str
    title: str
    text: str
    score: float
    start: int
    end: int


class KnowledgeSearch(Protocol):
    async def search(self, query: str, *, limit: int = 5) -> list[KnowledgeHit]:
        """Only what the caller may read (the context binds the caller)."""
        ...


class SessionMemory(Protocol):
    """The conversation so far and an agent's own notes, per session, kept for a while."""

    async def history(self) -> list[dict[str, str]]:
        """``{"role", "content"}`` turns, oldest first."""
        ...

    async def remember(self, key: str, value: Any) -> None: ...

    async def recall(self, key: str) -> Any | None: ...


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    """Who asked, as an agent may know it: never a token."""

    subject: str
    role: str
    permissions: frozenset[Permission]


class AgentContext(Protocol):
    """The ports an agent may use, bound to the caller."""

    @property
    def caller(self) -> Caller: ...

    @property
    def llm(self) -> LlmProvider:
        """Chat and embeddings, charged to the caller; the embedded default is extractive."""
        ...

    @property
    def knowledge(self) -> KnowledgeSearch: ...

    @property
    def files(self) -> FileStore:
        """Only the caller's own files (and shared ones) are readable."""
        ...

    @property
    def memory(self) -> SessionMemory: ...

    @property
    def clock(self) -> Clock: ...

    def port(self, kind: type[Any]) -> Any:
        """Further ports by type (the Vaani media ports: ``SpeechSynthesizer``, ``TextRecognizer``,
        ``Transliterator``...); raises ``LookupError`` for one the platform does not offer."""
        ...


class BoundContext(AgentContext):
    """An ``AgentContext`` over ports given to it: what the platform hands an agent for one
    caller, and what ``plugins.testing.FakeContext`` builds from in-memory ports."""

    def __init__(
        self,
        *,
        caller: Caller,
        llm: LlmProvider,
        knowledge: KnowledgeSearch,
        files: FileStore,
        memory: SessionMemory,
        clock: Clock,
        ports: Mapping[type[Any], Any],
    ) -> None:
        self._caller, self._llm, self._knowledge = caller, llm, knowledge
        self._files, self._memory, self._clock, self._ports = files, memory, clock, dict(ports)

    @property
    def caller(self) -> Caller:
        return self._caller

    @property
    def llm(self) -> LlmProvider:
        return self._llm

    @property
    def knowledge(self) -> KnowledgeSearch:
        return self._knowledge

    @property
    def files(self) -> FileStore:
        return self._files

    @property
    def memory(self) -> SessionMemory:
        return self._memory

    @property
    def clock(self) -> Clock:
        return self._clock

    def port(self, kind: type[Any]) -> Any:
        try:
            return self._ports[kind]
        except KeyError:
            raise LookupError(f"this context offers no {getattr(kind, '__name__', kind)} port") from None


class Agent(ABC):
    """Subclass and set the class attributes; implement ``run`` (and ``stream`` to send partial
    answers). Names are lowercase and stable: clients call agents by name."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[str] = "0.1.0"
    examples: ClassVar[tuple[str, ...]] = ()
    """Utterances the router learns this agent from (several phrasings, languages)."""
    keywords: ClassVar[tuple[str, ...]] = ()
    permission: ClassVar[Permission] = Permission.AGENTS_USE
    input_schema: ClassVar[type[msgspec.Struct] | None] = None
    timeout_seconds: ClassVar[float] = 30.0

    @abstractmethod
    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult: ...

    async def stream(self, task: AgentTask, context: AgentContext) -> AsyncIterator[str | AgentResult]:
        """Partial answers as they come (text to append), then the ``AgentResult`` last, which
        the caller keeps; by default ``run``'s answer at once, then its result."""
        result = await self.run(task, context)
        yield result.answer
        yield result


class AgentInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An agent as the catalog shows it."""

    name: str
    title: str
    description: str
    version: str
    distribution: str
    """The pip distribution it came from (``bhiv-core`` for the built-in ones)."""
    permission: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]


class AgentCatalog(Protocol):
    def agents(self) -> Mapping[str, Agent]: ...

    def info(self) -> list[AgentInfo]: ...


class RunRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    subject: str
    agent: str
    started_at: datetime
    latency_ms: int
    status: str
    """``ok``, ``agent_failed``, ``agent_timeout``, ``refused``..."""
    engine: str | None
    route: dict[str, Any]
    """How the agent was chosen: ``{"by": "explicit"|"classifier"|"crisis", "confidence", "why"}``."""
    flagged: bool = False
    """Set when the crisis screen fired."""
    session_id: str | None = None
    error: str | None = None
    """The error code the caller got (``agent_timeout``, ``agent_failed``), when not ``ok``."""
