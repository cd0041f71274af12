"""Summaries of a text or a stored text file, in the source's own language."""

from plugins.agents.summarizer.agent import SummarizerAgent, SummaryOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["SummarizerAgent", "SummaryOptions"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(SummarizerAgent())
