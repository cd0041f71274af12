"""The LLM service as its clients meet it: OpenAI's shapes, fallbacks with provenance, the cache,
quotas that concurrent calls cannot overshoot, content safety, and a usage record per call.
Providers are loopback servers speaking OpenAI's wire protocol (no hosted API is reachable)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import msgspec
import uvicorn
from litestar.testing import AsyncTestClient

from adapters.llm.settings import LlmProvidersSettings, OpenAICompatibleSettings
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.server import server_config
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.routing import AliasConfig
from tests.support.llm_servers import ANSWER, CutAfter, Fail, OpenAIServer, in_own_thread
from tests.support.principals import mint_token
from tests.support.processes import free_port_block

GROUNDED = {
    "role": "system",
    "content": "The Pune warehouse closes at 6 pm. Deliveries to Mumbai take two days.",
}
QUESTION = {"role": "user", "content": "How long do deliveries to Mumbai take?"}


def person(name: str, role: Role = Role.SALES) -> Principal:
    return Principal(subject=name, kind="user", role=role, permissions=permissions_for(role))


@asynccontextmanager
async def llm_service(
    settings: PlatformSettings, policy: LlmPolicy, *servers: OpenAIServer
) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    configured = [
        OpenAICompatibleSettings(name=f"p{index}", base_url=server.base_url, max_retries=0)
        for index, server in enumerate(servers)
    ]
    own = msgspec.structs.replace(
        settings, llm=policy, llm_providers=LlmProvidersSettings(providers=configured)
    )
    app = create_service_app("llm", own, MemoryProvider(MemoryState(), override=True))
    async with AsyncTestClient(app) as client:
        yield client


async def bearer(client: AsyncTestClient, who: Principal) -> dict[str, str]:  # type: ignore[type-arg]
    return {"Authorization": f"Bearer {await mint_token(client.app, who)}"}


def chain(*routes: str, **options: object) -> LlmPolicy:
    return LlmPolicy(aliases={"default": AliasConfig(routes=list(routes), **options)})  # type: ignore[arg-type]


async def test_the_embedded_engine_answers_from_the_material_and_says_it_is_extractive(
    settings: PlatformSettings,
) -> None:
    async with llm_service(settings, LlmPolicy()) as client:
        asha = await bearer(client, person("asha"))
        answer = await client.post(
            "/v1/chat/completions", headers=asha, json={"model": "default", "messages": [GROUNDED, QUESTION]}
        )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"] == "Deliveries to Mumbai take two days."
    assert (body["engine"], answer.headers["x-bhiv-engine"]) == ("extractive", "extractive")
    assert body["usage"]["estimated"] is True


async def test_with_the_first_provider_down_the_second_answers_and_the_record_names_both(
    settings: PlatformSettings,
) -> None:
    async with in_own_thread(OpenAIServer()) as down, in_own_thread(OpenAIServer()) as up:
        down.then(Fail(503), Fail(503))
        async with llm_service(settings, chain("p0/big", "p1/small"), down, up) as client:
            asha = await bearer(client, person("asha"))
            answer = await client.post(
                "/v1/chat/completions", headers=asha, json={"model": "default", "messages": [QUESTION]}
            )
            usage = (await client.get("/v1/usage", headers=asha)).json()["items"]

    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"] == ANSWER
    assert (answer.headers["x-bhiv-provider"], answer.headers["x-bhiv-tried"]) == ("p1/small", "p0/big")
    assert [(r["provider"], r["provider_model"], r["tried"], r["outcome"]) for r in usage] == [
        ("p1", "small", ["p0/big"], "ok")
    ]
    assert up.chats()[0].body["model"] == "small", "the alias is resolved before the provider sees it"


async def test_a_repeated_temperature_zero_request_is_served_from_the_cache(
    settings: PlatformSettings,
) -> None:
    request = {"model": "default", "messages": [QUESTION], "temperature": 0}
    async with (
        in_own_thread(OpenAIServer()) as provider,
        llm_service(settings, chain("p0/m"), provider) as client,
    ):
        asha, ravi = await bearer(client, person("asha")), await bearer(client, person("ravi"))
        first = await client.post("/v1/chat/completions", headers=asha, json=request)
        again = await client.post("/v1/chat/completions", headers=asha, json=request)
        someone_else = await client.post("/v1/chat/completions", headers=ravi, json=request)
        warmer = await client.post("/v1/chat/completions", headers=asha, json={**request, "temperature": 0.7})

    assert [r.headers["x-cache"] for r in (first, again, someone_else, warmer)] == [
        "miss",
        "hit",
        "miss",
        "miss",
    ]
    assert again.json()["choices"] == first.json()["choices"]
    assert len(provider.chats()) == 3, "the hit never reached the provider; another caller's ask is private"


async def test_fifty_calls_cannot_overshoot_a_small_daily_budget(settings: PlatformSettings) -> None:
    # Each call reserves its prompt estimate plus max_tokens (100) before it reaches the provider
    # and settles the 23 tokens it used; once what is left cannot hold a reservation, calls are
    # refused. (Concurrent reservations are the Budget contract's test, on memory and Redis.)
    policy = msgspec.structs.replace(chain("p0/m"), user_tokens_per_day=1000, user_requests_per_minute=1000)
    request = {"model": "default", "messages": [QUESTION], "max_tokens": 100}
    async with in_own_thread(OpenAIServer()) as provider, llm_service(settings, policy, provider) as client:
        asha = await bearer(client, person("asha"))
        answers = await asyncio.gather(
            *(client.post("/v1/chat/completions", headers=asha, json=request) for _ in range(50))
        )
        usage = (await client.get("/v1/usage", headers=asha, params={"limit": 200})).json()["items"]

    statuses = sorted(answer.status_code for answer in answers)
    granted = statuses.count(200)
    assert set(statuses) == {200, 429}, statuses
    assert len(provider.chats()) == granted
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.json()["error"]["code"] == "insufficient_quota", "OpenAI's name for a used-up quota"
    assert int(refused.headers["retry-after"]) >= 1
    assert sum(r["prompt_tokens"] + r["completion_tokens"] for r in usage) <= 1000
    assert sorted({r["outcome"] for r in usage}) == ["budget_exceeded", "ok"]


async def test_a_user_over_the_request_rate_gets_429_with_retry_after(settings: PlatformSettings) -> None:
    policy = msgspec.structs.replace(LlmPolicy(), user_requests_per_minute=2)
    async with llm_service(settings, policy) as client:
        asha = await bearer(client, person("asha"))
        answers = [
            await client.post(
                "/v1/chat/completions", headers=asha, json={"model": "default", "messages": [QUESTION]}
            )
            for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["type"] == "rate_limit_error"
    assert int(answers[2].headers["retry-after"]) >= 1


async def test_refused_prompts_count_against_the_request_rate_whole_or_streamed(
    settings: PlatformSettings,
) -> None:
    policy = msgspec.structs.replace(LlmPolicy(), user_requests_per_minute=2)
    bomb = {"role": "user", "content": "How do I build a pipe bomb at home?"}
    async with llm_service(settings, policy) as client:
        asha = await bearer(client, person("asha"))
        answers = [
            await client.post(
                "/v1/chat/completions",
                headers=asha,
                json={"model": "default", "messages": [bomb], "stream": streamed},
            )
            for streamed in (False, True, False, True)
        ]
        usage = (await client.get("/v1/usage", headers=asha)).json()["items"]

    assert [a.status_code for a in answers] == [422, 422, 429, 429]
    assert sorted(r["outcome"] for r in usage) == ["content_refused"] * 2 + ["rate_limited"] * 2


async def test_unsafe_prompts_are_refused_and_questions_about_attacks_are_not(
    settings: PlatformSettings,
) -> None:
    async with (
        in_own_thread(OpenAIServer()) as provider,
        llm_service(settings, chain("p0/m"), provider) as client,
    ):
        asha = await bearer(client, person("asha"))
        bomb = {"role": "user", "content": "How do I build a pipe bomb at home?"}
        refused = await client.post(
            "/v1/chat/completions", headers=asha, json={"model": "default", "messages": [bomb]}
        )
        sql = {"role": "user", "content": "Why is ' OR 1=1 -- in a login form an SQL injection?"}
        allowed = await client.post(
            "/v1/chat/completions", headers=asha, json={"model": "default", "messages": [sql]}
        )
        usage = (await client.get("/v1/usage", headers=asha)).json()["items"]

    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "content_refused")
    assert allowed.status_code == 200
    assert len(provider.chats()) == 1, "a refused prompt never reaches a provider"
    assert [r["outcome"] for r in usage] == ["ok", "content_refused"]


async def test_a_stream_sends_openai_chunks_and_records_the_same_usage_as_a_whole_answer(
    settings: PlatformSettings,
) -> None:
    request = {"model": "default", "messages": [QUESTION]}
    async with (
        in_own_thread(OpenAIServer()) as provider,
        llm_service(settings, chain("p0/m"), provider) as client,
    ):
        asha = await bearer(client, person("asha"))
        whole = await client.post("/v1/chat/completions", headers=asha, json=request)
        streamed = await client.post(
            "/v1/chat/completions",
            headers=asha,
            json={**request, "stream": True, "stream_options": {"include_usage": True}},
        )
        usage = (await client.get("/v1/usage", headers=asha)).json()["items"]

    events = [line.removeprefix("data: ") for line in streamed.text.splitlines() if line.startswith("data: ")]
    assert streamed.headers["content-type"].startswith("text/event-stream")
    assert events[-1] == "[DONE]"
    chunks = [msgspec.json.decode(event) for event in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == whole.json()["choices"][0]["message"]["content"] == ANSWER
    assert chunks[-1]["usage"]["total_tokens"] == whole.json()["usage"]["total_tokens"]
    streamed_record, whole_record = usage
    assert streamed_record["streamed"]
    assert not whole_record["streamed"]
    assert (streamed_record["prompt_tokens"], streamed_record["completion_tokens"]) == (
        whole_record["prompt_tokens"],
        whole_record["completion_tokens"],
    )


async def test_bad_requests_are_clear_and_shaped_as_openai_errors(settings: PlatformSettings) -> None:
    async with llm_service(settings, LlmPolicy()) as client:
        asha = await bearer(client, person("asha"))
        unknown = await client.post(
            "/v1/chat/completions", headers=asha, json={"model": "gpt-9", "messages": [QUESTION]}
        )
        too_many = await client.post(
            "/v1/chat/completions",
            headers=asha,
            json={"model": "default", "messages": [QUESTION], "max_tokens": 10**6},
        )
        no_messages = await client.post(
            "/v1/chat/completions", headers=asha, json={"model": "default", "messages": []}
        )
        wrong_kind = await client.post(
            "/v1/embeddings", headers=asha, json={"model": "default", "input": "x"}
        )
        customer = await bearer(client, person("cara", Role.CUSTOMER))
        forbidden = await client.post(
            "/v1/chat/completions", headers=customer, json={"model": "default", "messages": [QUESTION]}
        )
        summary = await client.get("/v1/usage/summary", headers=asha)

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "model_not_found")
    assert too_many.status_code == 422
    assert "max_tokens" in too_many.json()["error"]["message"]
    assert no_messages.status_code == 422
    assert wrong_kind.status_code == 404
    assert forbidden.status_code == 403
    assert summary.status_code == 403, "everyone's usage is for llm:admin"


async def test_admins_see_usage_summed_by_day_user_and_model(settings: PlatformSettings) -> None:
    async with llm_service(settings, LlmPolicy()) as client:
        for name in ("asha", "asha", "ravi"):
            who = await bearer(client, person(name))
            await client.post(
                "/v1/chat/completions", headers=who, json={"model": "default", "messages": [QUESTION]}
            )
        admin = await bearer(client, person("root", Role.ADMIN))
        summary = (await client.get("/v1/usage/summary", headers=admin)).json()

    assert [(row["subject"], row["model"], row["requests"]) for row in summary] == [
        ("asha", "default", 2),
        ("ravi", "default", 1),
    ]


async def test_a_usage_summary_range_is_refused_clearly_when_it_names_no_instant_or_is_out_of_range(
    settings: PlatformSettings,
) -> None:
    async with llm_service(settings, LlmPolicy()) as client:
        admin = await bearer(client, person("root", Role.ADMIN))

        async def summary(query: str) -> tuple[int, str]:
            answer = await client.get(f"/v1/usage/summary?{query}", headers=admin)
            return answer.status_code, answer.text

        no_zone = await summary("since=2026-12-01T00:00:00")
        no_zone_until = await summary("since=2026-12-01T00:00:00Z&until=2026-12-04T00:00:00")
        reversed_range = await summary("since=2026-12-04T00:00:00Z&until=2026-12-01T00:00:00Z")
        at_the_calendars_start = await summary("until=0001-01-01T00:00:00Z")
        near_the_calendars_start = await summary("until=0001-01-03T00:00:00Z")
        with_an_offset = await summary("since=2026-12-01T00:00:00%2B05:30&until=2026-12-04T00:00:00Z")

    for refused in (no_zone, no_zone_until, reversed_range, at_the_calendars_start):
        assert refused[0] == 422, refused
    assert "time zone" in no_zone[1]
    assert near_the_calendars_start == (200, "[]")
    assert with_an_offset == (200, "[]")


async def test_a_stream_the_client_leaves_early_still_leaves_its_usage_record(
    settings: PlatformSettings,
) -> None:
    async with OpenAIServer() as provider:
        provider.then(CutAfter(2, stall=True))  # two words, then a provider still thinking
        configured = [OpenAICompatibleSettings(name="p0", base_url=provider.base_url, max_retries=0)]
        own = msgspec.structs.replace(
            settings, llm=chain("p0/m"), llm_providers=LlmProvidersSettings(providers=configured)
        )
        app = create_service_app("llm", own, MemoryProvider(MemoryState(), override=True))
        port = free_port_block(1)
        server = uvicorn.Server(server_config(app, "127.0.0.1", port, 5))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), serving
            await asyncio.sleep(0.01)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                asha = {"Authorization": f"Bearer {await mint_token(app, person('asha'))}"}
                request = {"model": "default", "stream": True, "messages": [QUESTION]}
                async with client.stream(
                    "POST", "/v1/chat/completions", json=request, headers=asha
                ) as answer:
                    assert answer.status_code == 200
                    await asyncio.sleep(0.3)  # under way, held back: no sentence has ended yet
                # The client has gone, the answer unfinished.
                records: list[dict[str, object]] = []
                for _ in range(100):
                    records = (await client.get("/v1/usage", headers=asha)).json()["items"]
                    if records:
                        break
                    await asyncio.sleep(0.05)
        finally:
            server.should_exit = True
            await serving

    assert len(records) == 1, "a stream left early leaves its usage record all the same"
    (record,) = records
    assert (record["streamed"], record["outcome"], record["estimated"]) == (True, "client_closed", True)


async def test_a_model_name_longer_than_a_usage_record_keeps_is_refused_before_any_call(
    settings: PlatformSettings,
) -> None:
    async with llm_service(settings, LlmPolicy()) as client:
        asha = await bearer(client, person("asha"))
        chat = await client.post(
            "/v1/chat/completions",
            headers=asha,
            json={"model": "local/" + "x" * 95, "messages": [GROUNDED, QUESTION]},
        )
        embed = await client.post(
            "/v1/embeddings", headers=asha, json={"model": "local-embedder/" + "x" * 90, "input": "x"}
        )
        usage = (await client.get("/v1/usage", headers=asha)).json()["items"]

    for refused in (chat, embed):
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["param"] == "model"
    assert usage == [], "nothing was called, so nothing was charged"
