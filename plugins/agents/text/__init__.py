"""Text analysis: language, keywords, readability, sentiment, entities, transliteration."""

from plugins.agents.text.agent import TextAgent, TextOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["TextAgent", "TextOptions"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(TextAgent())
