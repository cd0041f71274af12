"""The router without an embedder (by words: keywords and example overlap) among the agents a
caller may use; qna below the threshold; never the orchestrator. And ``bhiv agents route``."""

import io

from adapters.agents.catalog import StaticAgentCatalog
from apps.agents_route_cli import route_lines
from apps.cli import main
from core.domain.agents.routing import AgentRouter
from tests.http.agents_kit import EVERY_AGENT, EchoAgent, StockAgent

CATALOG = StaticAgentCatalog(EVERY_AGENT)
EVERYONE = list(CATALOG.agents())


def router() -> AgentRouter:
    return AgentRouter(CATALOG.info())


async def test_keywords_and_examples_choose_the_agent_and_say_why() -> None:
    decision = await router().route("How much inventory is in the warehouse?", EVERYONE)
    assert decision is not None
    assert decision.agent == "stock"
    assert decision.by == "classifier"
    assert "inventory" in decision.why
    assert decision.confidence > 0.5


async def test_only_agents_the_caller_may_use_are_candidates() -> None:
    decision = await router().route(
        "please tell me the big secret", [name for name in EVERYONE if name != "secret"]
    )
    assert decision is not None
    assert decision.agent == "qna"
    assert decision.by == "fallback"


async def test_the_orchestrator_is_never_a_target_and_without_qna_nobody_is() -> None:
    decision = await router().route("plan everything for all of us", EVERYONE)
    assert decision is not None
    assert decision.agent == "qna"
    alone = AgentRouter(StaticAgentCatalog([EchoAgent(), StockAgent()]).info())
    assert await alone.route("what will the weather be like", ["echo"]) is None


async def test_two_words_with_nothing_to_go_on_get_a_clarifying_question() -> None:
    decision = await router().route("do it", EVERYONE)
    assert decision is not None
    assert (decision.agent, decision.by) == ("orchestrator", "clarify")


def test_route_reads_json_lines_and_keeps_their_other_keys() -> None:
    out = io.StringIO()
    lines = [
        '{"text": "stock in the warehouse", "id": 7}',
        "please repeat this",
        '{"text": "मैं मरना चाहता हूँ"}',
    ]
    assert route_lines(lines, out, CATALOG, 0.3) == 3
    decided = out.getvalue().splitlines()
    assert decided[0].startswith('{"text":"stock in the warehouse","id":7,"agent":"stock","confidence":')
    assert '"agent":"echo"' in decided[1]
    assert '"agent":"wellness","confidence":1.0' in decided[2]


def test_the_command_prints_a_decision(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["agents", "route", "I want to end my life"]) == 0
    assert capsys.readouterr().out.strip() == '{"agent":"wellness","confidence":1.0,"by":"crisis"}'
