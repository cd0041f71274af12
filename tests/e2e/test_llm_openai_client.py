"""The official ``openai`` client pointed at the gateway of a real ``bhiv up``, with a platform
token or an LLM API key as its key, on the embedded default: a grounded chat, a stream whose
deltas arrive before its end, the model list, embeddings, and OpenAI's error shapes."""

import math
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.support.processes import ADMIN, bhiv_up

MATERIAL = (
    "The Pune warehouse opens at 9 am. Orders placed before noon ship the same day. "
    "Deliveries to Mumbai take two days. Deliveries to Delhi take four days. "
    "Returns are accepted within thirty days of delivery."
)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with bhiv_up(tmp_path_factory.mktemp("llm") / "data", 6) as base:
        yield f"http://127.0.0.1:{base}"


@pytest.fixture(scope="module")
def token(gateway: str) -> str:
    form = {
        "grant_type": "password",
        "username": ADMIN["BHIV_ADMIN_EMAIL"],
        "password": ADMIN["BHIV_ADMIN_PASSWORD"],
    }
    return str(httpx.post(f"{gateway}/auth/token", data=form, timeout=30).json()["access_token"])


def client(gateway: str, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway}/api/llm/v1", api_key=key, max_retries=0, timeout=60)


def test_a_chat_is_answered_from_the_system_message(gateway: str, token: str) -> None:
    answer = client(gateway, token).chat.completions.create(
        model="default",
        messages=[
            {"role": "system", "content": MATERIAL},
            {"role": "user", "content": "How long do deliveries to Delhi take?"},
        ],
    )

    assert answer.choices[0].message.content == "Deliveries to Delhi take four days."
    assert answer.model_extra is not None
    assert answer.model_extra["engine"] == "extractive", "never mistaken for a generative model"
    assert answer.usage is not None
    assert answer.usage.total_tokens > 0


def test_a_stream_delivers_deltas_before_its_end(gateway: str, token: str) -> None:
    stream = client(gateway, token).chat.completions.create(
        model="default",
        messages=[
            {"role": "system", "content": MATERIAL},
            {"role": "user", "content": "Summarise this in three sentences."},
        ],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)

    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(texts) >= 2, "each checked sentence goes out as soon as it is checked"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0
    finished = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finished == ["stop"]


def test_models_list_the_aliases_first(gateway: str, token: str) -> None:
    models = [model.id for model in client(gateway, token).models.list()]

    assert models[:3] == ["default", "fast", "embed"]


def test_embeddings_match_a_hindi_sentence_to_its_english_translation(gateway: str, token: str) -> None:
    texts = ["मेरा ऑर्डर कब पहुँचेगा?", "When will my order arrive?", "The temple bells rang at dawn."]
    vectors = [
        item.embedding for item in client(gateway, token).embeddings.create(model="embed", input=texts).data
    ]

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
            sum(x * x for x in a) * sum(y * y for y in b)
        )

    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])


def test_an_llm_api_key_works_as_the_key_and_errors_are_openai_errors(gateway: str, token: str) -> None:
    created = httpx.post(
        f"{gateway}/auth/me/llm-keys",
        json={"name": "notebook"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    key = created.json()["api_key"]
    assert key.startswith("bhiv_sk_")

    answer = client(gateway, key).chat.completions.create(
        model="default", messages=[{"role": "user", "content": "Hello?"}]
    )
    assert answer.choices[0].message.content

    with pytest.raises(openai.AuthenticationError) as refused:
        client(gateway, "bhiv_sk_not-a-key").models.list()
    assert refused.value.code == "invalid_api_key"
    with pytest.raises(openai.NotFoundError) as unknown:
        client(gateway, key).chat.completions.create(
            model="gpt-9", messages=[{"role": "user", "content": "Hi"}]
        )
    assert unknown.value.code == "model_not_found"
