"""The ports an agent sees, bound to the caller it serves (``AgentContext``)."""

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from core.domain.agents.bound import NoKnowledgeBase, OwnFiles
from core.ports.agent_runs import AgentContexts
from core.ports.agents import (
    AgentContext,
    BoundContext,
    Caller,
    KnowledgeSearch,
    QueryRouting,
    SessionMemory,
)
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


class PortsAgentContext(BoundContext):
    """The context the platform binds to one request's caller."""


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

    def bind(self, caller: Caller, memory: SessionMemory, routing: QueryRouting) -> AgentContext:
        return PortsAgentContext(
            caller=caller,
            llm=self._llm,
            knowledge=NoKnowledgeBase() if self._knowledge is None else self._knowledge(caller),
            files=OwnFiles(self._files, caller.subject),
            memory=memory,
            clock=self._clock,
            ports={**self._ports, QueryRouting: routing},
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
