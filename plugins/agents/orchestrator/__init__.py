"""The router as an agent: which agent would take a message, and why."""

from plugins.agents.orchestrator.agent import OrchestratorAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["OrchestratorAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(OrchestratorAgent())
