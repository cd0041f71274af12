"""Every HTTP provider keeps the LLM port's promises against a server speaking its wire format."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from adapters.llm.ollama import OllamaProvider
from adapters.llm.openai_compatible import OpenAICompatibleProvider
from adapters.llm.settings import OllamaSettings, OpenAICompatibleSettings
from core.ports.llm import ChatMessage, ChatRequest, EmbeddingRequest, LlmProvider
from tests.contracts.llm_provider_kit import (
    assert_answers_in_its_engine,
    assert_embeds_each_input_at_unit_length,
    assert_lists_its_models,
    assert_stream_adds_up_to_the_plain_answer,
)
from tests.support.llm_servers import OllamaServer, OpenAIServer

QUESTION = ChatRequest(
    model="some-model", messages=(ChatMessage(role="user", content="What is the answer?"),)
)


@pytest.fixture(params=["openai", "ollama"])
async def provider(request: pytest.FixtureRequest) -> AsyncIterator[LlmProvider]:
    async with AsyncExitStack() as stack:
        if request.param == "openai":
            server = await stack.enter_async_context(OpenAIServer())
            chosen: OpenAICompatibleProvider | OllamaProvider = OpenAICompatibleProvider(
                OpenAICompatibleSettings(base_url=server.base_url, api_key="sk-test")
            )
        else:
            ollama = await stack.enter_async_context(OllamaServer())
            chosen = OllamaProvider(OllamaSettings(base_url=ollama.base_url))
        stack.push_async_callback(chosen.aclose)
        yield chosen


async def test_a_provider_answers_in_its_engine(provider: LlmProvider) -> None:
    await assert_answers_in_its_engine(provider, QUESTION)


async def test_a_provider_streams_what_it_would_answer_plainly(provider: LlmProvider) -> None:
    await assert_stream_adds_up_to_the_plain_answer(provider, QUESTION)


async def test_a_provider_embeds_each_input_at_unit_length(provider: LlmProvider) -> None:
    await assert_embeds_each_input_at_unit_length(
        provider, EmbeddingRequest(model="e", inputs=("a", "b", "c"))
    )


async def test_a_provider_lists_its_models(provider: LlmProvider) -> None:
    await assert_lists_its_models(provider)
