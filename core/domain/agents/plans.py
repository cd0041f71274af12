"""Running a Planner's plan of agent calls: its steps in order, each given the answer of the one
before, within the run the planner was called in (one slot, one run record)."""

from collections.abc import Mapping

import msgspec

from core.domain.agents.errors import AgentFailed, AgentForbidden
from core.domain.agents.routing import PLANNER
from core.domain.agents.sessions import Sessions, SessionState
from core.ports.agent_runs import AgentContexts, AgentInvoker
from core.ports.agents import (
    Agent,
    AgentPlan,
    AgentResult,
    AgentTask,
    Caller,
    PlanStep,
    QueryRouting,
    Source,
)

MAX_STEPS = 6
"""A plan runs at most this many agent calls: a message rarely asks for more, and each costs."""


class PlanSteps:
    def __init__(
        self,
        agents: Mapping[str, Agent],
        invoker: AgentInvoker,
        contexts: AgentContexts,
        sessions: Sessions,
        session: SessionState,
        routing: QueryRouting,
    ) -> None:
        self._agents, self._invoker, self._contexts = agents, invoker, contexts
        self._sessions, self._session, self._routing = sessions, session, routing

    async def follow(self, planned: AgentResult, task: AgentTask, caller: Caller) -> AgentResult:
        """The planner's own answer when its plan is data only; else every step's answer."""
        plan = _plan_of(planned)
        if plan is None or not plan.runs_agents:
            return planned
        outcomes: list[tuple[PlanStep, AgentResult]] = []
        previous: str | None = None
        for step in plan.steps[:MAX_STEPS]:
            agent = self._agent_for(step, caller)
            step_task = AgentTask(
                text=step.title, language=task.language, session_id=task.session_id, previous=previous
            )
            memory = self._sessions.memory(self._session, agent.name)
            context = self._contexts.bind(caller, memory, self._routing)
            result = await self._invoker.invoke(agent, step_task, context)
            outcomes.append((step, result))
            previous = result.answer
        return _combined(planned, plan, outcomes)

    def _agent_for(self, step: PlanStep, caller: Caller) -> Agent:
        agent = self._agents.get(step.agent or "")
        if agent is None or agent.name == PLANNER:
            raise AgentFailed(f"the plan names no agent that can run step {step.id}", agent=PLANNER)
        if agent.permission not in caller.permissions:
            raise AgentForbidden(agent.name, str(agent.permission))
        return agent


def _plan_of(result: AgentResult) -> AgentPlan | None:
    raw = (result.data or {}).get("plan")
    if raw is None:
        return None
    try:
        return msgspec.convert(raw, AgentPlan)
    except msgspec.ValidationError:
        return None


def _combined(
    planned: AgentResult, plan: AgentPlan, outcomes: list[tuple[PlanStep, AgentResult]]
) -> AgentResult:
    sections = [
        f"{n}. {step.title} ({step.agent}):\n{result.answer}" for n, (step, result) in enumerate(outcomes, 1)
    ]
    sources: list[Source] = [source for _, result in outcomes for source in result.sources]
    attachments = tuple(file_id for _, result in outcomes for file_id in result.attachments)
    steps = [
        {
            "id": step.id,
            "agent": step.agent,
            "answer": result.answer,
            "engine": result.engine,
            "confidence": result.confidence,
            "data": result.data,
        }
        for step, result in outcomes
    ]
    last = outcomes[-1][1] if outcomes else planned
    return AgentResult(
        answer="\n\n".join(sections) or planned.answer,
        engine=last.engine,
        confidence=min((result.confidence for _, result in outcomes), default=planned.confidence),
        sources=tuple(sources),
        data={"plan": msgspec.to_builtins(plan), "steps": steps},
        language=last.language,
        attachments=attachments,
    )
