"""The Orchestrator: the router exposed as an agent. Asked by name, it says which agent would
take the message, how sure it is and why, among the agents the caller may use; the
orchestration service routes every unaddressed query the same way. It is never a routing target.
"""

from core.domain.agents.intents import CLARIFY, DECLINE
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, QueryRouting


class OrchestratorAgent(Agent):
    name = "orchestrator"
    title = "Orchestrator"
    description = (
        "Says which agent would take a message and why (the router's decision, its confidence and "
        "the runners-up), among the agents you may use."
    )
    version = "0.1.0"

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        try:
            routing: QueryRouting = context.port(QueryRouting)
        except LookupError:
            return AgentResult(
                answer="No router is available here, so I cannot say which agent would answer.",
                engine="rules",
                confidence=0.0,
            )
        decision = await routing.route(task.text)
        if decision.by in (CLARIFY, DECLINE):
            verdict = {CLARIFY: "I would ask what you mean", DECLINE: "I would decline it"}[decision.by]
            answer = f"{verdict}: {decision.why}."
        elif decision.by == "plan":
            answer = f"The planner would run it as several steps ({decision.why})."
        else:
            sure = f"confidence {decision.confidence:.2f}"
            answer = f"The {decision.agent} agent would answer ({sure}): {decision.why}."
        return AgentResult(
            answer=answer,
            engine="rules",
            confidence=decision.confidence,
            data={"route": decision.as_route()},
        )
