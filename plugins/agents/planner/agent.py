"""The Planner: a goal into steps with dependencies (a DAG), estimates and owners, as data; and a
message that asks several things into a plan of agent calls the orchestration service runs.

On the embedded default the steps are the tasks the user wrote (or the list of a knowledge-base
document about the goal, cited); nothing is invented, and a goal with no tasks gets one step and
a request for them. A generative provider writes the steps (JSON, checked against the schema);
the rules remain the fallback when its answer does not fit.
"""

from typing import ClassVar

import msgspec

from core.domain.agents.plans import MAX_STEPS as MAX_RUN_STEPS
from core.ports.agents import (
    Agent,
    AgentContext,
    AgentPlan,
    AgentResult,
    AgentTask,
    PlanStep,
    QueryRouting,
    Source,
)
from core.ports.llm import ChatMessage, ChatRequest, LlmError, ResponseFormat
from plugins.agents.planner.rules import StepDraft, draft, goal_and_tasks
from plugins.inputs import read_inputs

MODEL = "default"
MAX_STEPS = 20
NOT_STEPS = frozenset({"planner", "orchestrator"})
"""Agents a step is never given: a plan does not plan again."""
AGENT_CONFIDENCE = 0.5
"""A step is given to an agent only when the router is at least this sure of it."""


class PlanOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    run_agents: bool = True
    """When every step names an agent, let the orchestration service run them."""


class _LlmStep(msgspec.Struct, frozen=True):
    title: str
    depends_on: list[int] = []
    estimate_minutes: int | None = None
    owner: str | None = None


class _LlmPlan(msgspec.Struct, frozen=True):
    steps: list[_LlmStep]


class PlannerAgent(Agent):
    name = "planner"
    title = "Planner"
    description = (
        "Turns a goal into a plan of steps with dependencies, estimates and owners; a message that "
        "asks for several things becomes a plan of agent calls, run in order."
    )
    version = "0.1.0"
    examples = (
        "Make a plan to launch our new product next month",
        "Plan the office move: book movers, pack the files, then set up the network",
        "Break this project into steps with owners and estimates",
        "Create a study plan for my exams in three weeks",
        "what are the steps to onboard a new employee",
        "Find the refund policy and then summarise it",
        "शादी की तैयारी के लिए योजना बनाओ",
        "परीक्षा की तैयारी का प्लान बनाइए",
        "mere project ka plan bana do steps ke saath",
        "event ki planning karni hai, steps batao",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "plan", "roadmap", "schedule", "milestones", "step by step", "steps", "योजना", "प्लान", "yojana",
    )  # fmt: skip
    input_schema = PlanOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, PlanOptions)
        goal, tasks = goal_and_tasks(task.text)
        sources: tuple[Source, ...] = ()
        if len(tasks) <= 1:
            listed, sources = await _listed_in_knowledge(goal, context)
            tasks = listed or tasks
        drafts = [draft(text) for text in tasks[:MAX_STEPS]] or [draft(goal)]
        steps, engine = await _steps(goal, drafts, context), "rules"
        if len(steps) <= 1 and context.llm.engine == "generative":
            written = await _written_plan(goal, context)
            if written:
                steps, engine = written, "generative"
        # Steps from a document are shown, never run: whoever wrote it must not act for the caller.
        runnable = 2 <= len(steps) <= MAX_RUN_STEPS and all(step.agent for step in steps)
        runs_agents = options.run_agents and not sources and runnable
        plan = AgentPlan(goal=goal, steps=tuple(steps), runs_agents=runs_agents)
        asks_for_tasks = len(steps) == 1 and steps[0].agent is None and not sources
        return AgentResult(
            answer=_layout(plan, asks_for_tasks),
            engine=engine,
            confidence=0.3 if asks_for_tasks else 0.8,
            sources=sources,
            data={"plan": msgspec.to_builtins(plan), **_totals(plan)},
            language=task.language,
        )


async def _steps(goal: str, drafts: list[StepDraft], context: AgentContext) -> list[PlanStep]:
    routing = _routing(context)
    steps: list[PlanStep] = []
    for n, step in enumerate(drafts, 1):
        agent = None
        if routing is not None and len(drafts) > 1:
            decision = await routing.route(step.title)
            sure = decision.by == "classifier" and decision.confidence >= AGENT_CONFIDENCE
            if sure and decision.agent not in NOT_STEPS:
                agent = decision.agent
        before = steps[-1] if steps else None
        depends_on: tuple[str, ...] = ()
        if before is not None:
            depends_on = before.depends_on if step.parallel else (before.id,)
        steps.append(
            PlanStep(
                id=f"s{n}",
                title=step.title,
                depends_on=depends_on,
                agent=agent,
                estimate_minutes=step.minutes,
                estimated=not step.given,
                owner=step.owner,
            )
        )
    return steps


def _routing(context: AgentContext) -> QueryRouting | None:
    try:
        routing: QueryRouting = context.port(QueryRouting)
    except LookupError:
        return None
    return routing


async def _listed_in_knowledge(goal: str, context: AgentContext) -> tuple[list[str], tuple[Source, ...]]:
    """The steps of a checklist in the knowledge base about the goal (its first hit that is a list)."""
    for hit in await context.knowledge.search(goal, limit=3):
        _, items = goal_and_tasks(hit.text)
        if len(items) >= 2 and any(mark in hit.text for mark in ("\n1.", "\n- ", "\n* ", "\n•")):
            source = Source(kind="document", id=hit.document_id, title=hit.title, excerpt=hit.text[:200])
            return items, (source,)
    return [], ()


async def _written_plan(goal: str, context: AgentContext) -> list[PlanStep]:
    schema = msgspec.json.schema(_LlmPlan)
    request = ChatRequest(
        model=MODEL,
        messages=(
            ChatMessage(role="system", content="Plan the user's goal as JSON: steps with titles, "
                        "dependencies (indexes of earlier steps), estimates in minutes and owners."),
            ChatMessage(role="user", content=goal),
        ),
        temperature=0.0,
        response_format=ResponseFormat(type="json_schema", json_schema={"name": "plan", "schema": schema}),
    )  # fmt: skip
    try:
        written = msgspec.json.decode((await context.llm.chat(request)).content or "", type=_LlmPlan)
    except (LlmError, msgspec.DecodeError, msgspec.ValidationError):
        return []
    steps = written.steps[:MAX_STEPS]
    return [
        PlanStep(
            id=f"s{n}",
            title=step.title,
            depends_on=tuple(f"s{i}" for i in step.depends_on if 1 <= i < n),
            estimate_minutes=step.estimate_minutes,
            owner=step.owner,
        )
        for n, step in enumerate(steps, 1)
    ]


def _totals(plan: AgentPlan) -> dict[str, int]:
    """Working minutes in all, and along the longest chain of dependencies (the critical path)."""
    finish: dict[str, int] = {}
    for step in plan.steps:  # steps only depend on earlier ones
        start = max((finish.get(dep, 0) for dep in step.depends_on), default=0)
        finish[step.id] = start + (step.estimate_minutes or 0)
    total = sum(step.estimate_minutes or 0 for step in plan.steps)
    return {"total_minutes": total, "critical_path_minutes": max(finish.values(), default=0)}


def _layout(plan: AgentPlan, asks_for_tasks: bool) -> str:
    lines = [f"Plan: {plan.goal}"]
    for n, step in enumerate(plan.steps, 1):
        facts = [_duration(step)]
        if step.owner:
            facts.append(f"owner {step.owner}")
        if step.agent:
            facts.append(f"agent {step.agent}")
        if step.depends_on:
            facts.append("after " + ", ".join(dep.lstrip("s") for dep in step.depends_on))
        lines.append(f"{n}. {step.title} ({'; '.join(facts)})")
    if asks_for_tasks:
        lines.append("List the tasks (one per line, or separated by commas) and I will order them, "
                     "estimate them and name their owners.")  # fmt: skip
    return "\n".join(lines)


def _duration(step: PlanStep) -> str:
    minutes = step.estimate_minutes or 0
    shown = f"{minutes} min" if minutes < 60 else f"{minutes / 60:g} h"
    return f"about {shown}" if step.estimated else shown
