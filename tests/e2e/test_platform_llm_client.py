"""Orchestration's client of the LLM service against a running ``bhiv up``: the platform makes the
client itself (and keeps it across restarts), and ``PlatformLlmClient`` reaches the models with
its own token, charging the user it acts for (decision 0033)."""

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from adapters.llm.platform_client import PlatformLlmClient
from adapters.llm.settings import PlatformLlmClientSettings
from apps.internal_clients import CREDENTIALS_FILE
from apps.services import SERVICES
from core.ports.llm import (
    AccessDenied,
    ChatMessage,
    ChatRequest,
    EmbeddingRequest,
    StreamInterrupted,
)
from tests.support.llm_servers import CutAfter, OpenAIServer
from tests.support.processes import ADMIN, PATIENCE, bhiv_up

MATERIAL = ChatMessage(
    role="system", content="The Pune warehouse closes at 6 pm. Deliveries to Mumbai take two days."
)
ASK = ChatRequest(
    model="default",
    messages=(MATERIAL, ChatMessage(role="user", content="How long do deliveries to Mumbai take?")),
)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    data = tmp_path_factory.mktemp("platform") / "data"
    with bhiv_up(data, len(SERVICES)) as base:
        yield base, data


def client_settings(platform: tuple[int, Path], base_url: str | None = None) -> PlatformLlmClientSettings:
    base, data = platform
    kept = msgspec.json.decode((data / CREDENTIALS_FILE).read_bytes())
    return PlatformLlmClientSettings(
        base_url=base_url or f"http://127.0.0.1:{base + SERVICES.index('llm')}/v1",
        token_url=f"http://127.0.0.1:{base}/auth/token",
        client_id=kept["client_id"],
        client_secret=kept["secret"],
        read_timeout_seconds=PATIENCE,
    )


def admin_token(base: int) -> str:
    answer = httpx.post(
        f"http://127.0.0.1:{base}/auth/token",
        data={
            "grant_type": "password",
            "username": ADMIN["BHIV_ADMIN_EMAIL"],
            "password": ADMIN["BHIV_ADMIN_PASSWORD"],
        },
        timeout=PATIENCE,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_bhiv_up_keeps_the_client_credentials_for_its_owner_only(platform: tuple[int, Path]) -> None:
    kept = platform[1] / CREDENTIALS_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert set(msgspec.json.decode(kept.read_bytes())) == {"client_id", "secret"}


async def test_the_client_chats_streams_embeds_and_lists_models_for_a_user_with_one_token(
    platform: tuple[int, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bhiv.llm")
    base, _ = platform
    user = admin_token(base)
    client = PlatformLlmClient(client_settings(platform))
    try:
        llm = client.acting_for(user)
        answer = await llm.chat(ASK)
        deltas = [delta async for delta in llm.stream(ASK)]
        vectors = await llm.embed(EmbeddingRequest(model="embed", inputs=("Pune", "Mumbai")))
        models = await llm.models()
        own = await client.chat(ASK)
    finally:
        await client.aclose()

    assert answer.content == "Deliveries to Mumbai take two days."
    assert answer.engine == "extractive"
    # The service's content safety holds a sentence back until it ends, so a one-sentence answer
    # comes in the last delta.
    assert [d.finish_reason for d in deltas] == [None] * (len(deltas) - 1) + ["stop"]
    assert deltas[-1].usage is not None
    assert "".join(d.content or "" for d in deltas) == answer.content
    assert len(vectors.vectors) == 2
    assert {"default", "embed"} <= {model.id for model in models}
    assert own.content == answer.content
    fetched = [r for r in caplog.records if "got a token" in r.getMessage()]
    assert len(fetched) == 1, "one token for all six calls"
    assert client_settings(platform).client_secret not in caplog.text

    async with httpx.AsyncClient(timeout=PATIENCE) as http:
        answered = await http.get(
            f"http://127.0.0.1:{base}/api/llm/v1/usage",
            headers={"Authorization": f"Bearer {user}"},
            params={"limit": 200},
        )
    usage = answered.json()["items"]
    client_id = client_settings(platform).client_id
    assert len(usage) == 3, "chat, stream and embeddings were the user's; the client's own call was not"
    assert {(r["client_id"], r["streamed"]) for r in usage} == {(client_id, False), (client_id, True)}


async def test_a_refused_user_token_is_access_denied(platform: tuple[int, Path]) -> None:
    client = PlatformLlmClient(client_settings(platform))
    try:
        with pytest.raises(AccessDenied, match="X-BHIV-On-Behalf-Of"):
            await client.acting_for("not-a-token").chat(ASK)
    finally:
        await client.aclose()


async def test_an_error_event_in_the_middle_of_a_stream_is_stream_interrupted(
    platform: tuple[int, Path],
) -> None:
    async with OpenAIServer() as service:
        service.then(CutAfter(2, error="the provider stopped"))
        client = PlatformLlmClient(client_settings(platform, base_url=service.base_url))
        received = []

        async def read_all() -> None:
            async for delta in client.acting_for("user-token").stream(ASK):
                received.append(delta)

        try:
            with pytest.raises(StreamInterrupted):
                await read_all()
        finally:
            await client.aclose()

    assert len(received) == 2
    assert service.requests[0].headers["x-bhiv-on-behalf-of"] == "user-token"
    assert service.requests[0].headers["authorization"].startswith("Bearer ey")


def test_a_restart_keeps_the_client(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with bhiv_up(data, len(SERVICES)):
        first = (data / CREDENTIALS_FILE).read_bytes()
    with bhiv_up(data, len(SERVICES)):
        again = (data / CREDENTIALS_FILE).read_bytes()
    assert again == first
