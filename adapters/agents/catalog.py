"""A catalog of agents given in code: the empty one orchestration starts with until the plugin
manager provides the real one, and the one tests fill with their own agents."""

from collections.abc import Iterable, Mapping

from core.ports.agents import Agent, AgentCatalog, AgentInfo

BUILT_IN = "bhiv-core"


class StaticAgentCatalog(AgentCatalog):
    def __init__(self, agents: Iterable[Agent] = (), distribution: Mapping[str, str] | None = None) -> None:
        self._agents = {agent.name: agent for agent in agents}
        self._distribution = dict(distribution or {})

    def agents(self) -> Mapping[str, Agent]:
        return dict(self._agents)

    def info(self) -> list[AgentInfo]:
        return [
            AgentInfo(
                name=agent.name,
                title=agent.title,
                description=agent.description,
                version=agent.version,
                distribution=self._distribution.get(agent.name, BUILT_IN),
                permission=str(agent.permission),
                examples=tuple(agent.examples),
                keywords=tuple(agent.keywords),
            )
            for agent in self._agents.values()
        ]
