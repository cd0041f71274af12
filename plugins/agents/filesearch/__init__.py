"""Searches the caller's stored files by name, metadata and text content."""

from plugins.agents.filesearch.agent import FileSearchAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["FileSearchAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(FileSearchAgent())
