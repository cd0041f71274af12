"""OllamaProvider against a loopback server speaking Ollama's native API."""

from collections.abc import AsyncIterator

import msgspec
import pytest

from adapters.llm.ollama import OllamaProvider
from adapters.llm.settings import OllamaSettings
from core.ports.llm import (
    BadLlmRequest,
    ChatMessage,
    ChatRequest,
    EmbeddingRequest,
    FunctionCall,
    FunctionSpec,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    ResponseFormat,
    StreamInterrupted,
    ToolCall,
    ToolSpec,
    Unsupported,
)
from tests.contracts.llm_provider_kit import Sleeps, collect
from tests.support.llm_servers import (
    ANSWER,
    TOOL_ARGUMENTS,
    USAGE,
    WORDS,
    CutAfter,
    Fail,
    Hold,
    OllamaServer,
    Raw,
)

QUESTION = ChatRequest(model="llama3.2", messages=(ChatMessage(role="user", content="What is the answer?"),))
WEATHER = ToolSpec(function=FunctionSpec(name="weather", parameters={"type": "object"}))


@pytest.fixture
async def server() -> AsyncIterator[OllamaServer]:
    async with OllamaServer() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def provider_for(server: OllamaServer, sleeps: Sleeps, **settings: object) -> OllamaProvider:
    return OllamaProvider(
        OllamaSettings(base_url=server.base_url, **settings),  # type: ignore[arg-type]
        sleep=sleeps,
        jitter=lambda ceiling: ceiling,
    )


@pytest.fixture
async def provider(server: OllamaServer, sleeps: Sleeps) -> AsyncIterator[OllamaProvider]:
    chosen = provider_for(server, sleeps)
    yield chosen
    await chosen.aclose()


async def test_a_plain_answer_takes_its_usage_from_the_eval_counts(provider: OllamaProvider) -> None:
    answer = await provider.chat(QUESTION)
    assert (answer.content, answer.finish_reason, answer.engine) == (ANSWER, "stop", "generative")
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == tuple(USAGE.values())
    assert not answer.usage.estimated


async def test_the_request_goes_out_in_ollamas_shape(server: OllamaServer, provider: OllamaProvider) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}}}
    earlier_call = ToolCall(id="call_0", function=FunctionCall(name="weather", arguments='{"city": "Pune"}'))
    request = ChatRequest(
        model="llama3.2",
        messages=(
            ChatMessage(role="user", content="Weather?"),
            ChatMessage(role="assistant", tool_calls=(earlier_call,)),
            ChatMessage(role="tool", name="weather", content="sunny", tool_call_id="call_0"),
        ),
        temperature=0.1,
        max_tokens=64,
        stop=("END",),
        seed=3,
        response_format=ResponseFormat(type="json_schema", json_schema={"name": "a", "schema": schema}),
        tools=(WEATHER,),
    )
    await provider.chat(request)
    assert server.chats()[0].body == {
        "model": "llama3.2",
        "messages": [
            {"role": "user", "content": "Weather?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"function": {"name": "weather", "arguments": {"city": "Pune"}}}],
            },
            {"role": "tool", "content": "sunny", "tool_name": "weather"},
        ],
        "stream": False,
        "options": {"temperature": 0.1, "num_predict": 64, "stop": ["END"], "seed": 3},
        "format": schema,
        "tools": [{"function": {"name": "weather", "parameters": {"type": "object"}}, "type": "function"}],
    }


async def test_a_json_object_format_is_asked_for_as_json(
    server: OllamaServer, provider: OllamaProvider
) -> None:
    await provider.chat(msgspec.structs.replace(QUESTION, response_format=ResponseFormat(type="json_object")))
    assert server.chats()[0].body["format"] == "json"


async def test_a_tool_call_comes_back_with_its_arguments_as_json_text(provider: OllamaProvider) -> None:
    answer = await provider.chat(msgspec.structs.replace(QUESTION, tools=(WEATHER,)))
    assert answer.finish_reason == "tool_calls"
    assert answer.tool_calls is not None
    [call] = answer.tool_calls
    assert (call.id, call.function.name) == ("call_0", "weather")
    assert msgspec.json.decode(call.function.arguments) == msgspec.json.decode(TOOL_ARGUMENTS)


async def test_naming_the_tool_to_call_is_unsupported_and_nothing_is_sent(
    server: OllamaServer, provider: OllamaProvider
) -> None:
    forced = msgspec.structs.replace(QUESTION, tools=(WEATHER,), tool_choice="required")
    with pytest.raises(Unsupported):
        await provider.chat(forced)
    assert server.chats() == []


async def test_a_stream_yields_each_ndjson_line_and_ends_with_the_counts(provider: OllamaProvider) -> None:
    deltas = await collect(provider, QUESTION)
    assert [delta.content for delta in deltas[:-1]] == WORDS
    assert deltas[-1].finish_reason == "stop"


async def test_streamed_and_plain_answers_report_the_same_usage(provider: OllamaProvider) -> None:
    plain = await provider.chat(QUESTION)
    last = (await collect(provider, QUESTION))[-1]
    assert last.usage == plain.usage


async def test_a_streamed_tool_call_arrives_whole(provider: OllamaProvider) -> None:
    deltas = await collect(provider, msgspec.structs.replace(QUESTION, tools=(WEATHER,)))
    [call] = [call for delta in deltas for call in delta.tool_calls or ()]
    assert (call.index, call.id, call.name) == (0, "call_0", "weather")
    assert msgspec.json.decode(call.arguments or "") == msgspec.json.decode(TOOL_ARGUMENTS)
    assert deltas[-1].finish_reason == "tool_calls"


async def test_without_eval_counts_the_usage_is_the_estimate_and_says_so(
    server: OllamaServer, provider: OllamaProvider
) -> None:
    server.reports_usage = False
    plain = await provider.chat(QUESTION)
    last = (await collect(provider, QUESTION))[-1]
    assert plain.usage.estimated
    assert plain.usage.completion_tokens > 0
    assert last.usage == plain.usage


async def test_a_stream_cut_half_way_raises_stream_interrupted_after_the_deltas_it_had(
    server: OllamaServer, sleeps: Sleeps, provider: OllamaProvider
) -> None:
    server.then(CutAfter(deltas=3))
    had: list[str | None] = []

    async def read_to_the_end() -> None:
        async for delta in provider.stream(QUESTION):
            had.append(delta.content)

    with pytest.raises(StreamInterrupted):
        await read_to_the_end()
    assert had == WORDS[:3]
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_an_error_line_half_way_raises_stream_interrupted_with_its_message(
    server: OllamaServer, provider: OllamaProvider
) -> None:
    server.then(CutAfter(deltas=2, error="an error was encountered while running the model"))
    with pytest.raises(StreamInterrupted, match="while running the model"):
        await collect(provider, QUESTION)


async def test_a_429_is_retried_after_the_retry_after_it_names(
    server: OllamaServer, sleeps: Sleeps, provider: OllamaProvider
) -> None:
    server.then(Fail(429, "too many requests", retry_after="1.5"))
    assert (await provider.chat(QUESTION)).content == ANSWER
    assert sleeps == [1.5]
    assert len(server.chats()) == 2


async def test_a_5xx_on_a_stream_is_retried_before_the_first_delta(
    server: OllamaServer, sleeps: Sleeps, provider: OllamaProvider
) -> None:
    server.then(Fail(500, "llama runner process has terminated"))
    deltas = await collect(provider, QUESTION)
    assert "".join(delta.content or "" for delta in deltas) == ANSWER
    assert sleeps == [0.5]


async def test_rate_limited_names_the_wait_when_the_retries_run_out(
    server: OllamaServer, sleeps: Sleeps
) -> None:
    server.then(*[Fail(429, "too many requests", retry_after="1")] * 2)
    provider = provider_for(server, sleeps, max_retries=1)
    with pytest.raises(RateLimited) as raised:
        await provider.chat(QUESTION)
    await provider.aclose()
    assert raised.value.retry_after == 1.0
    assert len(server.chats()) == 2


async def test_an_unknown_model_is_a_bad_request_with_ollamas_message_and_is_not_retried(
    server: OllamaServer, sleeps: Sleeps, provider: OllamaProvider
) -> None:
    server.then(Fail(404, "model 'llama9' not found, try pulling it first"))
    with pytest.raises(BadLlmRequest, match="model 'llama9' not found"):
        await provider.chat(QUESTION)
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_a_first_byte_slower_than_the_read_timeout_raises_provider_timeout(
    server: OllamaServer, sleeps: Sleeps
) -> None:
    server.then(Hold())
    provider = provider_for(server, sleeps, read_timeout_seconds=0.2)
    with pytest.raises(ProviderTimeout):
        await collect(provider, QUESTION)
    await provider.aclose()
    assert len(server.chats()) == 1


async def test_an_answer_that_is_not_ollamas_is_provider_unavailable_and_not_retried(
    server: OllamaServer, sleeps: Sleeps, provider: OllamaProvider
) -> None:
    server.then(Raw(b"<html>Sign in to the hotel wifi</html>"))
    with pytest.raises(ProviderUnavailable, match="unreadable"):
        await provider.chat(QUESTION)
    assert len(server.chats()) == 1
    assert sleeps == []


async def test_embeddings_are_of_unit_length_with_the_counted_usage(provider: OllamaProvider) -> None:
    embeddings = await provider.embed(EmbeddingRequest(model="nomic-embed-text", inputs=("a", "b")))
    assert embeddings.vectors == ((0.6, 0.8), (0.0, 1.0))
    assert (embeddings.usage.prompt_tokens, embeddings.usage.estimated) == (6, False)


async def test_models_come_from_the_tags_with_what_each_is_for(provider: OllamaProvider) -> None:
    models = {model.id: model.kind for model in await provider.models()}
    assert models == {"llama3.2:latest": "chat", "nomic-embed-text:latest": "embedding"}
