"""Plans: a goal into steps with dependencies, estimates and owners; several asks into agent calls."""

from plugins.agents.planner.agent import PlannerAgent, PlanOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["PlanOptions", "PlannerAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(PlannerAgent())
