"""What orchestration needs to run agents: a log of runs, a way to call an agent within its
time, and contexts bound to the caller of the request being served."""

from typing import Protocol

import msgspec

from core.ports.agents import (
    Agent,
    AgentContext,
    AgentResult,
    AgentTask,
    Caller,
    QueryRouting,
    RunRecord,
    SessionMemory,
)
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class RunFilter(msgspec.Struct, frozen=True, kw_only=True):
    subject: str | None = None
    """None: everyone's runs."""
    agent: str | None = None
    flagged: bool | None = None


class AgentRunLog(Protocol):
    """Run records hold no query text and no answer."""

    async def add(self, record: RunRecord) -> None:
        """Visible to others once the unit of work commits."""
        ...

    async def list(self, where: RunFilter, page: PageRequest) -> Page[RunRecord]:
        """Newest first."""
        ...

    async def get(self, run_id: str) -> RunRecord | None: ...


class AgentsUnitOfWork(UnitOfWork, Protocol):
    runs: AgentRunLog


class DeltaSink(Protocol):
    async def __call__(self, text: str) -> None:
        """Pass on a partial answer (text to append) as the agent makes it."""
        ...


class AgentInvoker(Protocol):
    async def invoke(self, agent: Agent, task: AgentTask, context: AgentContext) -> AgentResult:
        """``agent.run`` within ``agent.timeout_seconds``: raises ``AgentTimedOut`` past it and
        ``AgentFailed`` for whatever the agent raises (logged, without the task's text)."""
        ...

    async def stream(
        self, agent: Agent, task: AgentTask, context: AgentContext, send: DeltaSink
    ) -> AgentResult:
        """``agent.stream``, each partial answer passed to ``send``, under the same deadline and
        isolation as ``invoke``; the result is the one the stream ends with."""
        ...


class AgentContexts(Protocol):
    """Makes the context an agent runs with, for the caller of the request being served (the
    maker knows that caller's credentials; the domain never sees them)."""

    def bind(self, caller: Caller, memory: SessionMemory, routing: QueryRouting) -> AgentContext:
        """``routing`` is offered as ``context.port(QueryRouting)`` (the Orchestrator and Planner
        agents use it)."""
        ...
