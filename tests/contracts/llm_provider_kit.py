"""What any ``LlmProvider`` must do, whoever runs the model: assertions a test of an adapter calls
with a provider and a request its model can answer."""

from core.ports.llm import ChatDelta, ChatRequest, EmbeddingRequest, LlmProvider

FINISH_REASONS = {"stop", "length", "tool_calls", "content_filter"}


class Sleeps(list[float]):
    """Stands in for ``asyncio.sleep`` in a provider: records each wait and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def collect(provider: LlmProvider, request: ChatRequest) -> list[ChatDelta]:
    return [delta async for delta in provider.stream(request)]


async def assert_answers_in_its_engine(provider: LlmProvider, request: ChatRequest) -> None:
    answer = await provider.chat(request)
    assert answer.content
    assert answer.finish_reason in FINISH_REASONS
    assert answer.engine == provider.engine
    assert answer.usage.prompt_tokens > 0
    assert answer.usage.completion_tokens > 0


async def assert_stream_adds_up_to_the_plain_answer(provider: LlmProvider, request: ChatRequest) -> None:
    """The deltas' text is the plain answer's; only the last delta has a finish reason and usage,
    and that usage is the plain answer's."""
    plain = await provider.chat(request)
    deltas = await collect(provider, request)
    assert "".join(delta.content or "" for delta in deltas) == plain.content
    *before, last = deltas
    assert all(delta.finish_reason is None and delta.usage is None for delta in before)
    assert last.finish_reason == plain.finish_reason
    assert last.usage == plain.usage


async def assert_embeds_each_input_at_unit_length(provider: LlmProvider, request: EmbeddingRequest) -> None:
    embeddings = await provider.embed(request)
    assert len(embeddings.vectors) == len(request.inputs)
    for vector in embeddings.vectors:
        assert abs(sum(x * x for x in vector) - 1.0) < 1e-9
    assert embeddings.usage.completion_tokens == 0


async def assert_lists_its_models(provider: LlmProvider) -> None:
    models = await provider.models()
    assert models
    assert all(model.id and model.kind in ("chat", "embedding") for model in models)
    assert len({model.id for model in models}) == len(models)
