"""OpenAICompatibleProvider against a loopback server speaking OpenAI's chat completions."""

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime

import msgspec
import pytest

from adapters.llm.openai_compatible import OpenAICompatibleProvider
from adapters.llm.settings import OpenAICompatibleSettings
from core.ports.llm import (
    BadLlmRequest,
    ChatMessage,
    ChatRequest,
    ContextTooLong,
    EmbeddingRequest,
    FunctionSpec,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    ResponseFormat,
    StreamInterrupted,
    ToolSpec,
)
from tests.contracts.llm_provider_kit import Sleeps, collect
from tests.support.llm_servers import (
    ANSWER,
    TOOL_ARGUMENTS,
    USAGE,
    WORDS,
    CutAfter,
    Delay,
    Fail,
    Hold,
    OpenAIServer,
    Raw,
    unused_port,
)

API_KEY = "sk-test-0123456789abcdef"
SECRET_QUESTION = "my passport number is Z1234567"
QUESTION = ChatRequest(model="gpt-4o-mini", messages=(ChatMessage(role="user", content=SECRET_QUESTION),))
WEATHER = ToolSpec(function=FunctionSpec(name="weather", parameters={"type": "object"}))
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
async def server() -> AsyncIterator[OpenAIServer]:
    async with OpenAIServer() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def provider_for(server_url: str, sleeps: Sleeps, **settings: object) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        OpenAICompatibleSettings(base_url=server_url, api_key=API_KEY, **settings),  # type: ignore[arg-type]
        sleep=sleeps,
        jitter=lambda ceiling: ceiling,  # the longest wait full jitter allows
        now=NOW.timestamp,
    )


@pytest.fixture
async def provider(server: OpenAIServer, sleeps: Sleeps) -> AsyncIterator[OpenAICompatibleProvider]:
    chosen = provider_for(server.base_url, sleeps)
    yield chosen
    await chosen.aclose()


# Answers


async def test_a_plain_answer_carries_the_content_finish_reason_and_the_providers_usage(
    provider: OpenAICompatibleProvider,
) -> None:
    answer = await provider.chat(QUESTION)
    assert (answer.content, answer.finish_reason, answer.engine) == (ANSWER, "stop", "generative")
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == tuple(USAGE.values())
    assert not answer.usage.estimated


async def test_an_answer_claiming_negative_usage_is_unreadable_not_a_credit(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    body = {
        "id": "x",
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": -500, "completion_tokens": 3},
    }
    server.then(Raw(msgspec.json.encode(body), content_type="application/json"))

    with pytest.raises(ProviderUnavailable):
        await provider.chat(QUESTION)


async def test_the_request_goes_out_in_openais_shape_with_the_key_and_extra_headers(
    server: OpenAIServer, sleeps: Sleeps
) -> None:
    provider = provider_for(server.base_url, sleeps, extra_headers={"OpenAI-Organization": "org-1"})
    schema = {"name": "answer", "schema": {"type": "object"}, "strict": True}
    request = msgspec.structs.replace(
        QUESTION,
        temperature=0.2,
        max_tokens=50,
        stop=("\n\n",),
        seed=7,
        response_format=ResponseFormat(type="json_schema", json_schema=schema),
        tools=(WEATHER,),
        tool_choice={"type": "function", "function": {"name": "weather"}},
    )
    await provider.chat(request)
    await provider.aclose()
    seen = server.chats()[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {API_KEY}"
    assert seen.headers["openai-organization"] == "org-1"
    assert seen.body == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": SECRET_QUESTION}],
        "temperature": 0.2,
        "max_tokens": 50,
        "stop": ["\n\n"],
        "seed": 7,
        "response_format": {"type": "json_schema", "json_schema": schema},
        "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}],
        "tool_choice": {"type": "function", "function": {"name": "weather"}},
        "stream": False,
    }


async def test_a_tool_call_comes_back_with_its_id_and_arguments(provider: OpenAICompatibleProvider) -> None:
    answer = await provider.chat(msgspec.structs.replace(QUESTION, tools=(WEATHER,)))
    assert answer.finish_reason == "tool_calls"
    assert answer.tool_calls is not None
    [call] = answer.tool_calls
    assert (call.id, call.function.name, call.function.arguments) == ("call_abc", "weather", TOOL_ARGUMENTS)


async def test_without_usage_from_the_provider_the_usage_is_the_estimate_and_says_so(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    server.reports_usage = False
    plain = await provider.chat(QUESTION)
    streamed = (await collect(provider, QUESTION))[-1].usage
    assert plain.usage.estimated
    assert plain.usage.prompt_tokens > 0
    assert plain.usage.completion_tokens > 0
    assert streamed == plain.usage


# Streams


async def test_a_stream_yields_the_words_as_they_come_and_asks_for_usage(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    deltas = await collect(provider, QUESTION)
    assert [delta.content for delta in deltas[:-1]] == WORDS
    assert deltas[-1].finish_reason == "stop"
    assert server.chats()[0].body["stream_options"] == {"include_usage": True}


async def test_streamed_and_plain_answers_report_the_same_usage(provider: OpenAICompatibleProvider) -> None:
    plain = await provider.chat(QUESTION)
    last = (await collect(provider, QUESTION))[-1]
    assert last.usage == plain.usage
    assert last.usage is not None
    assert not last.usage.estimated


async def test_a_streamed_tool_call_arrives_in_fragments_that_join_into_its_arguments(
    provider: OpenAICompatibleProvider,
) -> None:
    deltas = await collect(provider, msgspec.structs.replace(QUESTION, tools=(WEATHER,)))
    fragments = [call for delta in deltas for call in delta.tool_calls or ()]
    assert fragments[0].id == "call_abc"
    assert fragments[0].name == "weather"
    assert "".join(fragment.arguments or "" for fragment in fragments) == TOOL_ARGUMENTS
    assert deltas[-1].finish_reason == "tool_calls"


async def test_a_stream_cut_half_way_raises_stream_interrupted_after_the_deltas_it_had(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(CutAfter(deltas=2))
    had: list[str | None] = []

    async def read_to_the_end() -> None:
        async for delta in provider.stream(QUESTION):
            had.append(delta.content)

    with pytest.raises(StreamInterrupted):
        await read_to_the_end()
    assert had == WORDS[:2]
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_an_error_event_half_way_raises_stream_interrupted_with_its_message(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(CutAfter(deltas=1, error="The server had an error while processing your request."))
    had: list[str | None] = []

    async def read_to_the_end() -> None:
        async for delta in provider.stream(QUESTION):
            had.append(delta.content)

    with pytest.raises(StreamInterrupted, match="had an error while processing"):
        await read_to_the_end()
    assert had == WORDS[:1]
    assert sleeps == []


async def test_an_error_event_before_the_first_delta_is_retried(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(CutAfter(deltas=0, error="The server had an error while processing your request."))
    deltas = await collect(provider, QUESTION)
    assert "".join(delta.content or "" for delta in deltas) == ANSWER
    assert len(server.chats()) == 2
    assert len(sleeps) == 1


async def test_a_stream_refused_before_its_first_delta_is_retried(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(Fail(503, "overloaded"))
    deltas = await collect(provider, QUESTION)
    assert "".join(delta.content or "" for delta in deltas) == ANSWER
    assert len(server.chats()) == 2
    assert len(sleeps) == 1


# Retries


async def test_a_429_is_retried_after_the_retry_after_it_names(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(Fail(429, "slow down", code="rate_limit_exceeded", retry_after="2"))
    answer = await provider.chat(QUESTION)
    assert answer.content == ANSWER
    assert sleeps == [2.0]
    assert len(server.chats()) == 2


async def test_a_retry_after_given_as_an_http_date_is_honoured(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    in_three_seconds = format_datetime(datetime.fromtimestamp(NOW.timestamp() + 3, UTC), usegmt=True)
    server.then(Fail(429, "slow down", retry_after=in_three_seconds))
    await provider.chat(QUESTION)
    assert sleeps == [3.0]


async def test_5xx_answers_are_retried_with_waits_that_grow_exponentially(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(Fail(502, "bad gateway"), Fail(503, "overloaded"))
    assert (await provider.chat(QUESTION)).content == ANSWER
    assert sleeps == [0.5, 1.0]  # the ceilings of full jitter: base * 2**attempt
    assert len(server.chats()) == 3


async def test_when_the_retries_run_out_a_5xx_raises_provider_unavailable(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(*[Fail(500, "boom")] * 3)
    with pytest.raises(ProviderUnavailable, match="boom"):
        await provider.chat(QUESTION)
    assert len(server.chats()) == 3  # the first attempt and max_retries (2) more


async def test_a_wait_beyond_the_retry_budget_is_not_made_and_rate_limited_names_it(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(Fail(429, "come back in an hour", retry_after="3600"))
    with pytest.raises(RateLimited) as raised:
        await provider.chat(QUESTION)
    assert raised.value.retry_after == 3600.0
    assert sleeps == []
    assert len(server.chats()) == 1


async def test_a_400_is_not_retried_and_carries_the_providers_message(
    server: OpenAIServer, sleeps: Sleeps, provider: OpenAICompatibleProvider
) -> None:
    server.then(
        Fail(400, "temperature must be at most 2", code="invalid_value", type="invalid_request_error")
    )
    with pytest.raises(BadLlmRequest, match="temperature must be at most 2") as raised:
        await provider.chat(QUESTION)
    assert not isinstance(raised.value, ContextTooLong)
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_a_context_length_exceeded_raises_context_too_long(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    message = "This model's maximum context length is 128000 tokens."
    server.then(Fail(400, message, code="context_length_exceeded", type="invalid_request_error"))
    with pytest.raises(ContextTooLong, match="maximum context length"):
        await provider.chat(QUESTION)
    assert len(server.chats()) == 1


async def test_the_api_key_never_travels_on_in_an_error(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    server.then(Fail(401, f"Incorrect API key provided: {API_KEY}.", code="invalid_api_key"))
    with pytest.raises(BadLlmRequest) as raised:
        await provider.chat(QUESTION)
    assert API_KEY not in str(raised.value)
    assert "Incorrect API key provided" in str(raised.value)


async def test_a_refused_connection_is_retried_then_raises_provider_unavailable(sleeps: Sleeps) -> None:
    provider = provider_for(f"http://127.0.0.1:{await unused_port()}/v1", sleeps)
    with pytest.raises(ProviderUnavailable):
        await provider.chat(QUESTION)
    await provider.aclose()
    assert len(sleeps) == 2


async def test_a_first_byte_slower_than_the_read_timeout_raises_provider_timeout_without_a_retry(
    server: OpenAIServer, sleeps: Sleeps
) -> None:
    server.then(Hold())
    provider = provider_for(server.base_url, sleeps, read_timeout_seconds=0.2)
    with pytest.raises(ProviderTimeout):
        await provider.chat(QUESTION)
    await provider.aclose()
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_a_slow_first_byte_within_the_read_timeout_is_waited_for(
    server: OpenAIServer, provider: OpenAICompatibleProvider
) -> None:
    server.then(Delay(0.3), Delay(0.3))
    assert (await provider.chat(QUESTION)).content == ANSWER
    assert "".join(delta.content or "" for delta in await collect(provider, QUESTION)) == ANSWER


async def test_neither_the_api_key_nor_the_messages_are_logged(
    server: OpenAIServer, provider: OpenAICompatibleProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.then(Fail(503, f"cannot serve {SECRET_QUESTION}"), Fail(429, "slow down", retry_after="1"))
    await provider.chat(QUESTION)
    assert "retrying" in caplog.text.lower() or "attempt" in caplog.text
    assert API_KEY not in caplog.text
    assert SECRET_QUESTION not in caplog.text


# Embeddings and models


async def test_embeddings_come_back_in_input_order_at_unit_length(provider: OpenAICompatibleProvider) -> None:
    embeddings = await provider.embed(EmbeddingRequest(model="text-embedding-3-small", inputs=("a", "b")))
    assert embeddings.vectors == ((0.6, 0.8), (0.0, 1.0))
    assert (embeddings.usage.prompt_tokens, embeddings.usage.estimated) == (6, False)


async def test_models_are_listed_with_what_each_is_for(provider: OpenAICompatibleProvider) -> None:
    models = {model.id: model.kind for model in await provider.models()}
    assert models == {"gpt-4o-mini": "chat", "text-embedding-3-small": "embedding"}
