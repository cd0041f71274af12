"""Answering a query with an agent, from the crisis screen to the run record."""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from core.domain.access import Permission, Principal, require
from core.domain.agents.crisis import Helpline, crisis_answer, screen
from core.domain.agents.errors import (
    AgentFailed,
    AgentForbidden,
    AgentNotFound,
    AgentTimedOut,
    InvalidAgentInput,
    NoAgent,
    SessionNotFound,
)
from core.domain.agents.routing import AgentRouter, RouteDecision
from core.domain.agents.sessions import Sessions, SessionState
from core.domain.agents.slots import RunSlots
from core.domain.events import publish
from core.domain.orchestration.events import OrchestrationCrisisEscalated
from core.ports.agent_runs import AgentContexts, AgentInvoker, AgentsUnitOfWork
from core.ports.agents import Agent, AgentCatalog, AgentResult, AgentTask, Caller, RunRecord
from core.ports.clock import Clock, IdGenerator

WELLNESS = "wellness"
_FIELD = re.compile(r"at `\$\.([^`]+)`|required field `([^`]+)`")


class AgentRequest(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    agent: str | None = None
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    session_id: str | None = None
    language: str | None = None
    correlation_id: str | None = None


class AgentAnswer(msgspec.Struct, frozen=True, kw_only=True):
    agent: str
    result: AgentResult
    run_id: str
    session_id: str
    flagged: bool


class CrisisPolicy(msgspec.Struct, frozen=True, kw_only=True):
    helplines: tuple[Helpline, ...]


class AgentRunner:
    """Shared by the query and the explicit run; the use cases below say the rules."""

    def __init__(
        self,
        catalog: AgentCatalog,
        router: AgentRouter,
        crisis: CrisisPolicy,
        sessions: Sessions,
        slots: RunSlots,
        contexts: AgentContexts,
        invoker: AgentInvoker,
        uow: AgentsUnitOfWork,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._catalog, self._router, self._crisis = catalog, router, crisis
        self._sessions, self._slots, self._contexts, self._invoker = sessions, slots, contexts, invoker
        self._uow, self._clock, self._ids = uow, clock, ids

    async def answer(self, request: AgentRequest, by: Principal) -> AgentAnswer:
        require(by, Permission.AGENTS_USE)
        began = self._clock.now()
        finding = screen(request.text, request.language)
        if finding is not None:
            try:  # the helplines first, whatever else is wrong with the request
                session = await self._session(request.session_id, by.subject)
            except SessionNotFound:
                session = await self._sessions.start(by.subject)
            result = AgentResult(
                answer=crisis_answer(self._crisis.helplines, finding.language),
                engine="rules",
                confidence=1.0,
                language=finding.language,
                data={"crisis": True, "helplines": msgspec.to_builtins(self._crisis.helplines)},
            )
            decision = RouteDecision(
                agent=WELLNESS,
                confidence=1.0,
                by="crisis",
                why=f"crisis screen: {', '.join(finding.categories)}",
            )
            run = await self._record(by, decision, session, began, 0, "ok", result.engine, flagged=True)
            event = OrchestrationCrisisEscalated(
                run_id=run.id, subject=by.subject, categories=finding.categories, language=finding.language
            )
            await self._commit(run, request, event)
            await self._sessions.add_exchange(session, request.text, result.answer, WELLNESS)
            return AgentAnswer(
                agent=WELLNESS, result=result, run_id=run.id, session_id=session.id, flagged=True
            )

        session = await self._session(request.session_id, by.subject)
        agents = self._catalog.agents()
        agent, decision = self._choose(request, agents, by)
        _validate(agent, request.inputs)
        task = AgentTask(
            text=request.text, language=request.language, inputs=request.inputs, session_id=session.id
        )
        caller = Caller(subject=by.subject, role=str(by.role), permissions=by.permissions)
        started = self._clock.monotonic()
        async with self._slots.held(by.subject, agent.timeout_seconds):
            context = self._contexts.bind(caller, self._sessions.memory(session, agent.name))
            try:
                result = await self._invoker.invoke(agent, task, context)
            except (AgentTimedOut, AgentFailed) as error:
                latency = _ms(self._clock.monotonic() - started)
                run = await self._record(
                    by, decision, session, began, latency, error.code, None, error=error.code
                )
                await self._commit(run, request)
                raise
        latency = _ms(self._clock.monotonic() - started)
        run = await self._record(by, decision, session, began, latency, "ok", result.engine)
        await self._commit(run, request)
        await self._sessions.add_exchange(session, request.text, result.answer, agent.name)
        return AgentAnswer(
            agent=agent.name, result=result, run_id=run.id, session_id=session.id, flagged=False
        )

    async def _session(self, session_id: str | None, owner: str) -> SessionState:
        if session_id is None:
            return await self._sessions.start(owner)
        return await self._sessions.open(session_id, owner)

    def _choose(
        self, request: AgentRequest, agents: Mapping[str, Agent], by: Principal
    ) -> tuple[Agent, RouteDecision]:
        if request.agent is not None:
            agent = agents.get(request.agent)
            if agent is None:
                raise AgentNotFound(request.agent)
            if not by.has(agent.permission):
                raise AgentForbidden(agent.name, str(agent.permission))
            return agent, RouteDecision(
                agent=agent.name, confidence=1.0, by="explicit", why="named by the caller"
            )
        allowed = [name for name, agent in agents.items() if by.has(agent.permission)]
        decision = self._router.route(request.text, allowed)
        if decision is None:
            raise NoAgent("no agent you may use fits this query; name one (GET /v1/agents lists them)")
        return agents[decision.agent], decision

    async def _record(
        self,
        by: Principal,
        decision: RouteDecision,
        session: SessionState,
        started_at: datetime,
        latency_ms: int,
        status: str,
        engine: str | None,
        *,
        flagged: bool = False,
        error: str | None = None,
    ) -> RunRecord:
        return RunRecord(
            id=self._ids.new_id(),
            subject=by.subject,
            agent=decision.agent,
            started_at=started_at,
            latency_ms=latency_ms,
            status=status,
            engine=engine,
            route=decision.as_route(),
            flagged=flagged,
            session_id=session.id,
            error=error,
        )

    async def _commit(
        self, run: RunRecord, request: AgentRequest, event: OrchestrationCrisisEscalated | None = None
    ) -> None:
        async with self._uow as uow:
            await uow.runs.add(run)
            if event is not None:
                publish(uow, event, self._ids.new_id(), run.started_at, request.correlation_id)
            await uow.commit()


def _validate(agent: Agent, inputs: dict[str, Any]) -> None:
    if agent.input_schema is None:
        return
    try:
        msgspec.convert(inputs, agent.input_schema)
    except msgspec.ValidationError as error:
        found = _FIELD.search(str(error))
        field = next((g for g in found.groups() if g), None) if found else None
        name = f"inputs.{field}" if field else "inputs"
        raise InvalidAgentInput(f"{name}: {error}", name) from None


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))
