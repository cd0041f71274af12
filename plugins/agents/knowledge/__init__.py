"""Answers from the caller's knowledge base, citing the documents and passages it used."""

from plugins.agents.knowledge.agent import KnowledgeAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["KnowledgeAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(KnowledgeAgent())
