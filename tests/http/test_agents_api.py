"""Orchestration's agents over HTTP: the catalog, routing, explicit runs, and what a caller is
told when an agent is missing, forbidden, slow or broken."""

import asyncio
import json
import logging
from pathlib import Path

import httpx
import pytest

from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from core.domain.errors import RuleViolated
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask
from core.ports.llm import RateLimited
from plugins.agents.planner import PlannerAgent
from tests.http.agents_kit import (
    EVERY_AGENT,
    EchoAgent,
    GateAgent,
    StockAgent,
    TellerAgent,
    orchestration_app,
    orchestration_with,
    serving,
)
from tests.http.vaani_kit import person
from tests.support.principals import mint_token


async def test_the_catalog_lists_what_the_caller_may_use_with_version_and_distribution(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        mine = (await client.get("/v1/agents", headers=await auth("asha"))).json()["items"]
        admins = (await client.get("/v1/agents", headers=await auth("root", Role.ADMIN))).json()["items"]

    names = [agent["name"] for agent in mine]
    assert "secret" not in names
    assert "echo" in names
    assert "secret" in [agent["name"] for agent in admins]
    echo = next(agent for agent in mine if agent["name"] == "echo")
    assert echo["version"] == "0.1.0"
    assert echo["distribution"] == "echo-agent-tests"
    assert echo["keywords"] == ["echo", "repeat"]
    assert echo["permission"] == "agents:use"


async def test_a_query_goes_to_the_agent_whose_keywords_and_examples_it_matches(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        stock = await client.post(
            "/v1/query", json={"text": "How much stock is in the warehouse?"}, headers=headers
        )
        echo = await client.post("/v1/query", json={"text": "please repeat: namaste"}, headers=headers)
        runs = (await client.get("/v1/runs", headers=headers)).json()["items"]

    assert stock.status_code == 200, stock.text
    body = stock.json()
    assert body["agent"] == "stock"
    assert body["answer"] == "42 units"
    assert body["engine"] == "rules"
    assert body["run_id"]
    assert body["session_id"]
    assert body["sources"] == []
    assert echo.json()["agent"] == "echo"
    assert echo.json()["sources"] == [{"kind": "input", "id": "text"}]
    routed = next(run for run in runs if run["id"] == body["run_id"])
    assert routed["route"]["by"] == "classifier"
    assert "stock" in routed["route"]["why"]
    assert routed["status"] == "ok"
    assert routed["engine"] == "rules"
    assert routed["latency_ms"] >= 0


async def test_a_vague_query_gets_a_question_back_from_the_router_not_an_agent_run(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        answer = await client.post("/v1/query", json={"text": "plan everything"}, headers=headers)
        runs = (await client.get("/v1/runs", headers=headers)).json()["items"]

    body = answer.json()
    assert answer.status_code == 200
    assert body["agent"] == "orchestrator"
    assert body["answer"].startswith("Could you say a little more about what you need?")
    assert "Stock" in body["answer"], "it names what the caller's agents can do"
    assert body["answer"] != "planned", "the orchestrator agent itself never runs for a routed query"
    assert runs[0]["route"]["by"] == "clarify"


async def test_a_request_outside_the_platform_is_declined_by_the_router(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, agents=[EchoAgent(), StockAgent()]) as (client, auth):
        answer = await client.post(
            "/v1/query", json={"text": "book me a flight to Paris for tomorrow"}, headers=await auth("asha")
        )

    assert answer.status_code == 200
    assert answer.json()["agent"] == "orchestrator"
    assert answer.json()["data"] == {"decline": True, "agents": ["echo", "stock"]}


async def test_an_agent_named_in_the_query_or_the_path_answers_whatever_the_words(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        named = await client.post(
            "/v1/query", json={"text": "stock please", "agent": "echo"}, headers=headers
        )
        path = await client.post("/v1/agents/echo/run", json={"text": "warehouse stock"}, headers=headers)
        runs = (await client.get("/v1/runs?agent=echo", headers=headers)).json()["items"]

    assert named.json()["agent"] == "echo"
    assert named.json()["answer"] == "stock please"
    assert path.json()["agent"] == "echo"
    assert {run["route"]["by"] for run in runs} == {"explicit"}
    assert len(runs) == 2


async def test_an_unknown_agent_is_404_and_one_the_caller_may_not_use_is_403(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        unknown = await client.post("/v1/agents/nobody/run", json={"text": "hi"}, headers=headers)
        unknown_in_query = await client.post(
            "/v1/query", json={"text": "hi", "agent": "nobody"}, headers=headers
        )
        secret = await client.post("/v1/agents/secret/run", json={"text": "hi"}, headers=headers)
        routed = await client.post("/v1/query", json={"text": "secret secret"}, headers=headers)
        admin = await client.post(
            "/v1/agents/secret/run", json={"text": "hi"}, headers=await auth("r", Role.ADMIN)
        )

    assert unknown.status_code == 404
    assert unknown.json()["code"] == "agent_not_found"
    assert unknown_in_query.status_code == 404
    assert secret.status_code == 403
    assert secret.json()["code"] == "agent_forbidden"
    assert routed.json()["agent"] != "secret", "routing only chooses among agents the caller may use"
    assert admin.status_code == 200
    assert admin.json()["answer"] == "classified"


async def test_inputs_are_checked_against_the_agents_schema(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        wrong = await client.post(
            "/v1/agents/form/run", json={"text": "x", "inputs": {"count": "3"}}, headers=headers
        )
        missing = await client.post("/v1/agents/form/run", json={"text": "x"}, headers=headers)
        right = await client.post(
            "/v1/agents/form/run", json={"text": "x", "inputs": {"count": 3}}, headers=headers
        )
        no_text = await client.post("/v1/query", json={"agent": "echo"}, headers=headers)

    assert wrong.status_code == 422
    assert wrong.json()["code"] == "invalid_input"
    assert wrong.json()["errors"][0]["field"] == "inputs.count"
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "inputs.count"
    assert right.json()["answer"] == "counted 3"
    assert no_text.status_code == 422
    assert no_text.json()["errors"][0]["field"] == "text"


async def test_an_agent_past_its_time_is_504_and_the_service_answers_the_next_request(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        slow = await client.post("/v1/agents/sleepy/run", json={"text": "hello"}, headers=headers)
        after = await client.post("/v1/agents/echo/run", json={"text": "still here?"}, headers=headers)
        runs = (await client.get("/v1/runs?agent=sleepy", headers=headers)).json()["items"]

    assert slow.status_code == 504
    assert slow.json()["code"] == "agent_timeout"
    assert slow.headers["content-type"].startswith("application/problem+json")
    assert after.status_code == 200
    assert after.json()["answer"] == "still here?"
    assert runs[0]["status"] == "agent_timeout"
    assert runs[0]["error"] == "agent_timeout"


async def test_an_agent_that_raises_is_502_logged_without_the_users_words(
    settings: PlatformSettings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        async with orchestration_with(settings, tmp_path) as (client, auth):
            headers = await auth("asha")
            failed = await client.post(
                "/v1/agents/broken/run", json={"text": "my secret words"}, headers=headers
            )
            after = await client.post("/v1/agents/echo/run", json={"text": "ok"}, headers=headers)

    assert failed.status_code == 502
    assert failed.json()["code"] == "agent_failed"
    assert "secret words" not in failed.text
    assert after.status_code == 200
    assert any("RuntimeError" in record.getMessage() for record in caplog.records), "the failure is logged"
    assert "my secret words" not in caplog.text


async def test_a_user_runs_at_most_four_agents_at_once(settings: PlatformSettings, tmp_path: Path) -> None:
    GateAgent.gate, GateAgent.all_in, GateAgent.expected = asyncio.Event(), asyncio.Event(), 4
    app = orchestration_app(settings, tmp_path)
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as client:
        asha = {"Authorization": f"Bearer {await mint_token(app, person('asha'))}"}
        ravi = {"Authorization": f"Bearer {await mint_token(app, person('ravi'))}"}
        held = [
            asyncio.create_task(client.post("/v1/agents/gate/run", json={"text": "wait"}, headers=asha))
            for _ in range(4)
        ]
        await asyncio.wait_for(GateAgent.all_in.wait(), 10)
        fifth = await client.post("/v1/agents/gate/run", json={"text": "me too"}, headers=asha)
        someone_else = await client.post("/v1/agents/echo/run", json={"text": "hi"}, headers=ravi)
        GateAgent.gate.set()
        finished = await asyncio.gather(*held)
        again = await client.post("/v1/agents/echo/run", json={"text": "hi"}, headers=asha)

    assert fifth.status_code == 429
    assert fifth.json()["code"] == "too_many_runs"
    assert int(fifth.headers["retry-after"]) >= 1
    assert someone_else.status_code == 200, "the limit is per user"
    assert [answer.status_code for answer in finished] == [200] * 4
    assert again.status_code == 200, "finished runs free their slots"


async def test_a_message_asking_two_agents_runs_as_a_plan_each_step_given_the_answer_before(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    agents = [*EVERY_AGENT, PlannerAgent()]
    async with orchestration_with(settings, tmp_path, agents) as (client, auth):
        headers = await auth("asha")
        text = "how much stock is left in the warehouse and then repeat it back to me"
        answer = await client.post("/v1/query", json={"text": text}, headers=headers)
        runs = (await client.get("/v1/runs", headers=headers)).json()["items"]

    body = answer.json()
    assert answer.status_code == 200, body
    assert body["agent"] == "planner"
    steps = body["data"]["steps"]
    assert [(step["agent"], step["answer"]) for step in steps] == [
        ("stock", "42 units"),
        ("echo", "42 units"),
    ]
    assert body["answer"].endswith("(echo):\n42 units")
    assert [(run["agent"], run["route"]["by"]) for run in runs] == [("planner", "plan")], (
        "one run for the plan"
    )


def events_of(body: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    found = []
    for block in body.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        found.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return found


async def test_a_streamed_query_sends_the_partial_answers_then_the_whole_answer(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, [*EVERY_AGENT, TellerAgent()]) as (client, auth):
        headers = await auth("asha")
        streamed = await client.post(
            "/v1/query", json={"text": "a story", "agent": "teller", "stream": True}, headers=headers
        )
        at_once = await client.post(
            "/v1/query", json={"text": "stock?", "agent": "stock", "stream": True}, headers=headers
        )

    assert streamed.status_code == 200, streamed.text
    assert streamed.headers["content-type"].startswith("text/event-stream"), streamed.text
    events = events_of(streamed.text)
    assert [name for name, _ in events] == ["delta", "delta", "delta", "delta", "done"]
    assert "".join(data["text"] for name, data in events if name == "delta") == "once upon a time"
    done = events[-1][1]
    assert (done["agent"], done["answer"]) == ("teller", "once upon a time")
    assert done["run_id"]
    assert done["session_id"]
    assert events_of(at_once.text) == [
        ("delta", {"text": "42 units"}),
        ("done", events_of(at_once.text)[1][1]),
    ]


async def test_a_stream_fails_as_a_problem_before_its_first_part_and_as_an_error_event_after(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    agents = [*EVERY_AGENT, TellerAgent(stumble=True)]
    async with orchestration_with(settings, tmp_path, agents) as (client, auth):
        headers = await auth("asha")
        unknown = await client.post(
            "/v1/query", json={"text": "x", "agent": "nobody", "stream": True}, headers=headers
        )
        slow = await client.post(
            "/v1/query", json={"text": "x", "agent": "sleepy", "stream": True}, headers=headers
        )
        stumbled = await client.post(
            "/v1/query", json={"text": "x", "agent": "teller", "stream": True}, headers=headers
        )
        runs = (await client.get("/v1/runs", params={"agent": "teller"}, headers=headers)).json()["items"]

    assert (unknown.status_code, unknown.json()["code"]) == (404, "agent_not_found")
    assert (slow.status_code, slow.json()["code"]) == (504, "agent_timeout")
    assert stumbled.status_code == 200
    assert events_of(stumbled.text) == [
        ("delta", {"text": "once "}),
        ("delta", {"text": "upon "}),
        ("error", {"code": "agent_failed", "detail": "the teller agent failed"}),
    ]
    assert [run["status"] for run in runs] == ["agent_failed"]


class PickyAgent(Agent):
    name = "picky"
    title = "Picky"
    description = "Reads only images."

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        raise RuleViolated("the picky agent reads images only")


async def test_an_agent_refusing_the_caller_s_input_answers_its_4xx_not_a_failure(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, [*EVERY_AGENT, PickyAgent()]) as (client, auth):
        headers = await auth("asha")
        refused = await client.post("/v1/query", json={"text": "x", "agent": "picky"}, headers=headers)
        runs = (await client.get("/v1/runs", params={"agent": "picky"}, headers=headers)).json()["items"]

    assert (refused.status_code, refused.json()["code"]) == (422, "rule_violated")
    assert refused.json()["detail"] == "the picky agent reads images only"
    assert [(run["status"], run["error"]) for run in runs] == [("rule_violated", "rule_violated")]


class ThrottledAgent(Agent):
    name = "throttled"
    title = "Throttled"
    description = "Its LLM calls are over the caller's quota."

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        raise RateLimited("too many LLM requests for now", retry_after=7.0)


async def test_the_caller_s_llm_quota_running_out_in_an_agent_is_a_429_to_retry_not_a_failure(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, [*EVERY_AGENT, ThrottledAgent()]) as (client, auth):
        answer = await client.post(
            "/v1/query", json={"text": "x", "agent": "throttled"}, headers=await auth("asha")
        )

    assert (answer.status_code, answer.json()["code"]) == (429, "llm_rate_limited")
    assert answer.headers["retry-after"] == "7"
