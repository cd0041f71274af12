"""Answering a query with an agent, from the crisis screen to the run record."""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from core.domain.access import Permission, Principal, require
from core.domain.agents.crisis import Helpline, crisis_answer, screen
from core.domain.agents.errors import (
    AgentForbidden,
    AgentNotFound,
    InvalidAgentInput,
    NoAgent,
    SessionNotFound,
)
from core.domain.agents.intents import CLARIFY, DECLINE, clarify_answer, decline_answer
from core.domain.agents.plans import MAX_STEPS, PlanSteps
from core.domain.agents.routing import ORCHESTRATOR, PLANNER, AgentRouter, CallerRouting
from core.domain.agents.sessions import Sessions, SessionState
from core.domain.agents.slots import RunSlots
from core.domain.errors import DomainError
from core.domain.events import publish
from core.domain.orchestration.events import OrchestrationCrisisEscalated
from core.ports.agent_runs import AgentContexts, AgentInvoker, AgentsUnitOfWork, DeltaSink
from core.ports.agents import (
    Agent,
    AgentCatalog,
    AgentResult,
    AgentTask,
    Caller,
    RouteDecision,
    RunRecord,
)
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

    async def answer(
        self, request: AgentRequest, by: Principal, send: DeltaSink | None = None
    ) -> AgentAnswer:
        """``send`` receives the agent's partial answers as it makes them (a streamed query)."""
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
        allowed = [name for name, agent in agents.items() if by.has(agent.permission)]
        decision = await self._choose(request, agents, by, allowed)
        if decision.agent == ORCHESTRATOR and decision.by in (CLARIFY, DECLINE):
            result = self._router_answer(decision, request.text, agents, allowed)
            run = await self._record(by, decision, session, began, 0, "ok", result.engine)
            await self._commit(run, request)
            await self._sessions.add_exchange(session, request.text, result.answer, ORCHESTRATOR)
            return AgentAnswer(
                agent=ORCHESTRATOR, result=result, run_id=run.id, session_id=session.id, flagged=False
            )
        agent = agents[decision.agent]
        _validate(agent, request.inputs)
        task = AgentTask(
            text=request.text, language=request.language, inputs=request.inputs, session_id=session.id
        )
        caller = Caller(subject=by.subject, role=str(by.role), permissions=by.permissions)
        routing = CallerRouting(self._router, allowed)
        started = self._clock.monotonic()
        async with self._slots.held(by.subject, _longest(agent, agents)):
            try:
                context = self._contexts.bind(caller, self._sessions.memory(session, agent.name), routing)
                if send is not None and agent.name != PLANNER:
                    result = await self._invoker.stream(agent, task, context, send)
                else:
                    result = await self._invoker.invoke(agent, task, context)
                if agent.name == PLANNER:
                    steps = PlanSteps(agents, self._invoker, self._contexts, self._sessions, session, routing)
                    result = await steps.follow(result, task, caller)
            except DomainError as error:  # timed out, failed, or the caller's mistake (a 4xx)
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

    def _router_answer(
        self, decision: RouteDecision, text: str, agents: Mapping[str, Agent], allowed: list[str]
    ) -> AgentResult:
        titles = [agents[name].title for name in sorted(allowed) if name != ORCHESTRATOR]
        answer = (clarify_answer if decision.by == CLARIFY else decline_answer)(titles, text)
        return AgentResult(
            answer=answer,
            engine="rules",
            confidence=decision.confidence,
            data={decision.by: True, "agents": sorted(name for name in allowed if name != ORCHESTRATOR)},
        )

    async def _session(self, session_id: str | None, owner: str) -> SessionState:
        if session_id is None:
            return await self._sessions.start(owner)
        return await self._sessions.open(session_id, owner)

    async def _choose(
        self, request: AgentRequest, agents: Mapping[str, Agent], by: Principal, allowed: list[str]
    ) -> RouteDecision:
        if request.agent is not None:
            agent = agents.get(request.agent)
            if agent is None:
                raise AgentNotFound(request.agent)
            if not by.has(agent.permission):
                raise AgentForbidden(agent.name, str(agent.permission))
            return RouteDecision(agent=agent.name, confidence=1.0, by="explicit", why="named by the caller")
        decision = await self._router.route(request.text, allowed)
        if decision is None:
            raise NoAgent("no agent you may use fits this query; name one (GET /v1/agents lists them)")
        return decision

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


def _longest(agent: Agent, agents: Mapping[str, Agent]) -> float:
    """How long a run may take: a planner's plan runs up to ``MAX_STEPS`` agents after it."""
    if agent.name != PLANNER:
        return agent.timeout_seconds
    slowest = max((other.timeout_seconds for other in agents.values()), default=0.0)
    return agent.timeout_seconds + MAX_STEPS * slowest
