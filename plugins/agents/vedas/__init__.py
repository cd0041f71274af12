"""Answers from scripture (the Bhagavad Gita) with references, Devanagari and IAST side by side."""

from plugins.agents.vedas.agent import VedasAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["VedasAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(VedasAgent())
