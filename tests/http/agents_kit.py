"""Orchestration with agents of the tests' own, called through HTTP with real tokens: the
service is tested without the real agents (they are plugins, tested on their own)."""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import uvicorn
from dishka import Provider, Scope
from litestar import Litestar
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.agents.catalog import StaticAgentCatalog
from adapters.files.settings import FileStoreSettings
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.server import server_config
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Permission, Role
from core.ports.agents import Agent, AgentCatalog, AgentContext, AgentResult, AgentTask, Source
from tests.http.vaani_kit import Auth, Client, person
from tests.support.principals import mint_token
from tests.support.processes import free_port_block


class EchoAgent(Agent):
    name = "echo"
    title = "Echo"
    description = (
        "Says back what it was told (in a plan, the step before's answer), and how long the conversation is."
    )
    keywords = ("echo", "repeat")
    examples = ("repeat after me", "say this back to me")

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        history = await context.memory.history()
        await context.memory.remember("last", task.text)
        return AgentResult(
            answer=task.previous or task.text,
            engine="rules",
            confidence=0.9,
            sources=(Source(kind="input", id="text"),),
            data={"turns_before": len(history), "caller": context.caller.subject},
        )


class StockAgent(Agent):
    name = "stock"
    title = "Stock"
    description = "Answers about stock levels."
    keywords = ("stock", "inventory", "warehouse")
    examples = ("how much stock is left in the warehouse", "inventory of rice")

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="42 units", engine="rules", confidence=0.8)


class QnaAgent(Agent):
    name = "qna"
    title = "Questions"
    description = "Answers whatever nobody else does."

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="I do not know much yet.", engine="extractive", confidence=0.1)


class OrchestratorAgent(Agent):
    name = "orchestrator"
    title = "Orchestrator"
    description = "Plans over the others."
    keywords = ("stock", "echo", "plan", "everything")

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="planned", engine="rules", confidence=1.0)


class SleepyAgent(Agent):
    name = "sleepy"
    title = "Sleepy"
    description = "Takes longer than it may."
    timeout_seconds = 0.2

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        await asyncio.sleep(5)
        return AgentResult(answer="too late", engine="rules", confidence=1.0)


class BrokenAgent(Agent):
    name = "broken"
    title = "Broken"
    description = "Raises, quoting the user."

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        raise RuntimeError(f"cannot handle {task.text}")


class AdminOnlyAgent(Agent):
    name = "secret"
    title = "Secret"
    description = "For agents' admins only."
    keywords = ("secret",)
    permission = Permission.AGENTS_ADMIN

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="classified", engine="rules", confidence=1.0)


class Count(msgspec.Struct, forbid_unknown_fields=True):
    count: int


class FormAgent(Agent):
    name = "form"
    title = "Form"
    description = "Needs a count."
    input_schema = Count

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer=f"counted {task.inputs['count']}", engine="rules", confidence=1.0)


class GateAgent(Agent):
    """Holds its run open until the test opens ``gate``; ``all_in`` is set once ``expected``
    runs are in (a test sets fresh events: each test has its own loop)."""

    name = "gate"
    title = "Gate"
    description = "Waits."
    gate = asyncio.Event()
    all_in = asyncio.Event()
    expected = 0

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        GateAgent.expected -= 1
        if GateAgent.expected == 0:
            GateAgent.all_in.set()
        await GateAgent.gate.wait()
        return AgentResult(answer="through", engine="rules", confidence=1.0)


class TellerAgent(Agent):
    """Streams its answer a word at a time, then its result; ``stumble`` fails after two words."""

    name = "teller"
    title = "Teller"
    description = "Tells a story slowly."

    def __init__(self, stumble: bool = False) -> None:
        self.stumble = stumble

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="once upon a time", engine="rules", confidence=1.0)

    async def stream(self, task: AgentTask, context: AgentContext) -> AsyncIterator[str | AgentResult]:
        for n, word in enumerate(["once ", "upon ", "a ", "time"]):
            if self.stumble and n == 2:
                raise RuntimeError("lost the thread")
            yield word
        yield await self.run(task, context)


EVERY_AGENT: tuple[Agent, ...] = (
    EchoAgent(),
    StockAgent(),
    QnaAgent(),
    OrchestratorAgent(),
    SleepyAgent(),
    BrokenAgent(),
    AdminOnlyAgent(),
    FormAgent(),
    GateAgent(),
)


def catalog_provider(agents: Iterable[Agent]) -> Provider:
    catalog = StaticAgentCatalog(agents, distribution={"echo": "echo-agent-tests"})
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: catalog, provides=AgentCatalog, override=True)
    return provider


def orchestration_app(
    settings: PlatformSettings, directory: Path, agents: Iterable[Agent] = EVERY_AGENT
) -> Litestar:
    own = msgspec.structs.replace(settings, files=FileStoreSettings(directory=str(directory)))
    return create_service_app(
        "orchestration", own, MemoryProvider(MemoryState(), override=True), catalog_provider(agents)
    )


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """``app`` served on loopback in this event loop (the test client serves one request at a
    time); its base URL."""
    port = free_port_block(1)
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, 5))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), task
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


@asynccontextmanager
async def orchestration_with(
    settings: PlatformSettings, directory: Path, agents: Iterable[Agent] = EVERY_AGENT
) -> AsyncIterator[tuple[Client, Auth]]:
    async with Client(orchestration_app(settings, directory, agents)) as client:

        async def auth(name: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
            return {"Authorization": f"Bearer {await mint_token(client.app, person(name, role))}"}

        yield client, auth


async def rows(settings: PlatformSettings, statement: Any) -> list[Any]:
    engine = create_async_engine(settings.database.url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(statement)).all())
    finally:
        await engine.dispose()
