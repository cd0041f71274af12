"""The crisis screen before any agent, conversations that belong to their user, and the record
of runs: one's own, or everyone's for the agents' admins."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.db.agents.tables import agent_runs
from adapters.db.tables import outbox
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from tests.http.agents_kit import orchestration_with, rows

CRISES = [
    ("I want to end my life", None),
    ("मैं मरना चाहता हूँ", "hi"),
    ("mujhe jeena nahi hai", "hi"),
]


@pytest.mark.parametrize(("text", "language"), CRISES)
async def test_a_crisis_gets_the_helplines_from_wellness_whatever_agent_was_named(
    settings: PlatformSettings, tmp_path: Path, text: str, language: str | None
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        body = {"text": text, "agent": "stock"} | ({"language": language} if language else {})
        answer = await client.post("/v1/query", json=body, headers=headers)
        explicit = await client.post("/v1/agents/broken/run", json={"text": text}, headers=headers)
        admin_view = await client.get("/v1/runs?flagged=true", headers=await auth("root", Role.ADMIN))

    assert answer.status_code == 200, answer.text
    assert answer.json()["agent"] == "wellness"
    assert "14416" in answer.json()["answer"]
    assert "1800-599-0019" in answer.json()["answer"]
    assert explicit.json()["agent"] == "wellness", "the screen runs before the named agent"
    flagged = admin_view.json()["items"]
    assert {run["id"] for run in flagged} == {answer.json()["run_id"], explicit.json()["run_id"]}
    assert all(run["flagged"] and run["route"]["by"] == "crisis" for run in flagged)
    events = await rows(
        settings, select(outbox.c.payload).where(outbox.c.event_type == "orchestration.crisis_escalated")
    )
    payloads = [json.loads(payload) for (payload,) in events]
    assert {p["run_id"] for p in payloads} == {answer.json()["run_id"], explicit.json()["run_id"]}
    assert payloads[0]["subject"] == "asha"
    assert payloads[0]["categories"] == ["suicidal_intent"]
    assert text not in json.dumps(payloads, ensure_ascii=False), "the event never carries the message"


async def test_ordinary_stress_goes_to_an_agent_and_is_not_flagged(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        headers = await auth("asha")
        answer = await client.post(
            "/v1/query",
            json={"text": "this deadline is killing me, repeat it", "agent": "echo"},
            headers=headers,
        )
        flagged = (await client.get("/v1/runs?flagged=true", headers=headers)).json()["items"]

    assert answer.json()["agent"] == "echo"
    assert flagged == []


async def test_a_session_keeps_the_conversation_for_its_user_only_until_it_is_ended(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        asha, ravi = await auth("asha"), await auth("ravi")
        first = (await client.post("/v1/agents/echo/run", json={"text": "one"}, headers=asha)).json()
        session = first["session_id"]
        second = await client.post(
            "/v1/query", json={"text": "two", "agent": "echo", "session_id": session}, headers=asha
        )
        kept = await client.get(f"/v1/sessions/{session}", headers=asha)
        theirs = await client.get(f"/v1/sessions/{session}", headers=ravi)
        theirs_in_query = await client.post(
            "/v1/query", json={"text": "three", "agent": "echo", "session_id": session}, headers=ravi
        )
        not_theirs_to_end = await client.delete(f"/v1/sessions/{session}", headers=ravi)
        ended = await client.delete(f"/v1/sessions/{session}", headers=asha)
        gone = await client.get(f"/v1/sessions/{session}", headers=asha)

    assert first["data"]["turns_before"] == 0
    assert second.json()["data"]["turns_before"] == 2
    assert second.json()["session_id"] == session
    turns = kept.json()["turns"]
    assert [(t["role"], t["content"]) for t in turns] == [
        ("user", "one"),
        ("assistant", "one"),
        ("user", "two"),
        ("assistant", "two"),
    ]
    assert 0 < kept.json()["expires_in"] <= 3600
    assert theirs.status_code == 404
    assert theirs_in_query.status_code == 404
    assert not_theirs_to_end.status_code == 404
    assert ended.status_code == 204
    assert gone.status_code == 404


async def test_runs_are_ones_own_and_everyones_for_admins_without_text_or_answer(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path) as (client, auth):
        asha, ravi = await auth("asha"), await auth("ravi")
        mine = (await client.post("/v1/agents/echo/run", json={"text": "private words"}, headers=asha)).json()
        await client.post("/v1/agents/stock/run", json={"text": "rice"}, headers=ravi)
        own = (await client.get("/v1/runs", headers=asha)).json()["items"]
        everyone = (await client.get("/v1/runs", headers=await auth("root", Role.ADMIN))).json()["items"]
        one = await client.get(f"/v1/runs/{mine['run_id']}", headers=asha)
        someone_elses = await client.get(f"/v1/runs/{mine['run_id']}", headers=ravi)

    assert [run["subject"] for run in own] == ["asha"]
    assert {run["subject"] for run in everyone} == {"asha", "ravi"}
    assert one.json()["agent"] == "echo"
    assert someone_elses.status_code == 404
    stored = await rows(settings, select(agent_runs))
    assert "private words" not in repr(stored)
