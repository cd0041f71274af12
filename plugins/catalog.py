"""The agents the platform loaded, by name, with where each came from."""

from collections.abc import Mapping
from types import MappingProxyType

from core.ports.agents import Agent, AgentCatalog, AgentInfo


class PluginCatalog(AgentCatalog):
    """Built by ``plugins.manager.load_catalog``; immutable once built."""

    def __init__(self, agents: Mapping[str, Agent], distributions: Mapping[str, str]) -> None:
        self._agents = MappingProxyType(dict(sorted(agents.items())))
        self._distributions = dict(distributions)

    def agents(self) -> Mapping[str, Agent]:
        return self._agents

    def distribution(self, name: str) -> str:
        return self._distributions[name]

    def info(self) -> list[AgentInfo]:
        return [describe(agent, self._distributions[name]) for name, agent in self._agents.items()]


def describe(agent: Agent, distribution: str) -> AgentInfo:
    return AgentInfo(
        name=agent.name,
        title=agent.title,
        description=agent.description,
        version=agent.version,
        distribution=distribution,
        permission=str(agent.permission),
        examples=tuple(agent.examples),
        keywords=tuple(agent.keywords),
    )
