"""Supportive, non-clinical self-care guidance, and the helplines in a crisis."""

from plugins.agents.wellness.agent import WellnessAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["WellnessAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(WellnessAgent())
