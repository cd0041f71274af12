"""The ports an agent sees, bound to the caller it serves (``AgentContext``)."""

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from core.domain.agents.bound import NoKnowledgeBase, OwnFiles
from core.ports.agent_runs import AgentContexts
from core.ports.agents import AgentContext, Caller, KnowledgeSearch, SessionMemory
from core.ports.clock import Clock
from core.ports.files import FileStore
from core.ports.llm import (
    ChatCompletion,
    ChatDelta,
    ChatRequest,
    EmbeddingRequest,
    Embeddings,
    Engine,
    LlmProvider,
    ModelInfo,
    ProviderUnavailable,
)


class PortsAgentContext(AgentContext):
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
        self._files, self._memory, self._clock, self._ports = files, memory, clock, ports

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
            raise LookupError(f"the platform offers agents no {getattr(kind, '__name__', kind)}") from None


class RequestAgentContexts(AgentContexts):
    """Contexts for the caller of one request: ``llm`` already acts for that caller."""

    def __init__(
        self,
        *,
        llm: LlmProvider,
        files: FileStore,
        clock: Clock,
        ports: Mapping[type[Any], Any],
        knowledge: Callable[[Caller], KnowledgeSearch] | None = None,
    ) -> None:
        """``knowledge`` makes the caller's own view of the knowledge base (none: it is empty)."""
        self._llm, self._files, self._clock, self._ports = llm, files, clock, ports
        self._knowledge = knowledge

    def bind(self, caller: Caller, memory: SessionMemory) -> AgentContext:
        return PortsAgentContext(
            caller=caller,
            llm=self._llm,
            knowledge=NoKnowledgeBase() if self._knowledge is None else self._knowledge(caller),
            files=OwnFiles(self._files, caller.subject),
            memory=memory,
            clock=self._clock,
            ports=self._ports,
        )


class NoLanguageModel(LlmProvider):
    """Where no model is configured at all: every call says so."""

    name = "none"
    engine: Engine = "extractive"

    async def chat(self, request: ChatRequest) -> ChatCompletion:
        raise ProviderUnavailable("no language model is configured for agents")

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatDelta]:
        raise ProviderUnavailable("no language model is configured for agents")
        yield ChatDelta()  # pragma: no cover - makes this a generator

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        raise ProviderUnavailable("no language model is configured for agents")

    async def models(self) -> list[ModelInfo]:
        return []
