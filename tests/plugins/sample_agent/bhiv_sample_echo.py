"""A minimal third-party agent: it answers with the words it was given."""

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from plugins.spec import AgentRegistrar, hookimpl


class EchoAgent(Agent):
    name = "echo"
    title = "Echo"
    description = "Says back what it was told."
    version = "1.2.0"
    examples = ("echo hello", "say it back")
    keywords = ("echo", "repeat")

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(
            answer=task.text,
            engine="rules",
            confidence=1.0,
            sources=(Source(kind="input", id="text", excerpt=task.text),),
        )


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(EchoAgent())
