"""Questions answered from the knowledge base, citing the passages used."""

from plugins.agents.qna.agent import QnaAgent
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["QnaAgent"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(QnaAgent())
