"""The Orchestrator agent says which agent would take a message and why, through the router the
platform offers it; without one it says it cannot tell."""

from core.ports.agents import AgentTask, QueryRouting
from plugins.agents.orchestrator import OrchestratorAgent
from plugins.testing import FakeContext, WordRouting


async def test_says_which_agent_would_answer_and_why() -> None:
    context = FakeContext(ports={QueryRouting: WordRouting({"vedas": ("gita",)})})
    result = await OrchestratorAgent().run(AgentTask(text="Gita 2.47 please"), context)

    assert result.answer == "The vedas agent would answer (confidence 0.90): a word."
    assert result.data == {
        "route": {"agent": "vedas", "confidence": 0.9, "by": "classifier", "why": "a word", "candidates": []}
    }


async def test_without_a_router_it_says_it_cannot_tell() -> None:
    result = await OrchestratorAgent().run(AgentTask(text="Gita 2.47"), FakeContext())

    assert result.confidence == 0.0
    assert "No router" in result.answer
