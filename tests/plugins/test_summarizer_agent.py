"""The summariser's summary is made of the source's sentences, as long as asked, laid out in the
asked style, in the source's language; bad options are refused by its input schema."""

import pytest

from core.ports.agents import AgentTask
from plugins.agents.summarizer import SummarizerAgent
from plugins.inputs import InvalidAgentInput
from plugins.testing import MemoryFileStore
from plugins.text import sentences
from tests.plugins.conftest import MakeContext

REPORT = " ".join(
    [
        "The Pune warehouse shipped 12,400 orders in March, its busiest month so far.",
        "Late deliveries fell to 2 percent after the second sorting line opened.",
        "Two forklifts were out of service for a week, which slowed inbound receiving.",
        "The team hired eight seasonal pickers for the festival rush.",
        "Returns rose slightly, mostly for electronics bought during the sale.",
        "Energy costs were flat because the new solar panels covered the peak hours.",
        "The Nagpur route now runs daily instead of three times a week.",
        "Customer complaints about damaged parcels dropped by a third.",
        "Next quarter the warehouse will pilot barcode scanning at the loading dock.",
        "Management expects volumes to grow by a fifth before the end of the year.",
    ]
)
HINDI = (
    "पुणे गोदाम ने मार्च में बारह हज़ार ऑर्डर भेजे। देर से डिलीवरी घटकर दो प्रतिशत रह गई। "
    "त्योहार के लिए आठ नए कर्मचारी रखे गए। अगली तिमाही में बारकोड स्कैनिंग शुरू होगी।"
)


async def summarise(text: str, context_of: MakeContext, **inputs: object):  # type: ignore[no-untyped-def]
    return await SummarizerAgent().run(AgentTask(text=text, inputs=inputs), context_of())


@pytest.mark.parametrize(("length", "most"), [("short", 2), ("medium", 4), ("long", 5)])
async def test_the_summary_is_made_of_source_sentences_and_respects_the_length(
    length: str, most: int, make_context: MakeContext
) -> None:
    result = await summarise(REPORT, make_context, length=length)

    picked = sentences(result.answer)
    assert 1 <= len(picked) <= most
    assert all(sentence in REPORT for sentence in picked)
    assert result.data is not None
    assert result.data["length"] == length
    assert result.engine == result.data["engine"] == "extractive"


@pytest.mark.parametrize(
    "request_words", ["Summarise this: ", "Please summarize the following text - ", "TL;DR: "]
)
async def test_the_request_typed_before_the_text_is_not_part_of_it(
    request_words: str, make_context: MakeContext
) -> None:
    result = await summarise(request_words + REPORT, make_context, length="long")

    assert all(sentence in REPORT for sentence in sentences(result.answer))
    assert request_words.strip() not in result.answer


async def test_longer_summaries_say_more(make_context: MakeContext) -> None:
    short = await summarise(REPORT, make_context, length="short")
    long = await summarise(REPORT, make_context, length="long")

    assert len(sentences(long.answer)) > len(sentences(short.answer))


async def test_bullets_put_one_source_sentence_on_each_line(make_context: MakeContext) -> None:
    result = await summarise(REPORT, make_context, style="bullets", length="medium")

    lines = result.answer.splitlines()
    assert len(lines) >= 2
    assert all(line.startswith("- ") and line[2:] in REPORT for line in lines)


async def test_a_stored_text_file_is_summarised_by_its_id(make_context: MakeContext) -> None:
    files = MemoryFileStore()
    file_id = files.add(REPORT, content_type="text/plain; charset=utf-8")

    result = await SummarizerAgent().run(
        AgentTask(text="summarise my report", inputs={"file_id": file_id}), make_context(files=files)
    )

    assert all(sentence in REPORT for sentence in sentences(result.answer))
    assert result.sources[0].kind == "file"
    assert result.sources[0].id == file_id


async def test_a_hindi_text_is_summarised_in_hindi(embedded_context: MakeContext) -> None:
    result = await SummarizerAgent().run(
        AgentTask(text=HINDI, inputs={"length": "short"}), embedded_context()
    )

    assert result.language == "hi"
    assert all(sentence in HINDI for sentence in sentences(result.answer))


@pytest.mark.parametrize("inputs", [{"length": "huge"}, {"style": "poem"}, {"colour": "blue"}])
async def test_options_outside_the_input_schema_are_refused(inputs: dict, make_context: MakeContext) -> None:
    with pytest.raises(InvalidAgentInput, match="invalid inputs"):
        await summarise(REPORT, make_context, **inputs)


async def test_nothing_to_summarise_is_said_plainly(make_context: MakeContext) -> None:
    result = await summarise("   ", make_context)

    assert result.confidence == 0.0
    assert "no text" in result.answer


async def test_in_a_plan_the_previous_step_s_answer_is_what_is_summarised(make_context: MakeContext) -> None:
    result = await SummarizerAgent().run(AgentTask(text="summarise it", previous=REPORT), make_context())

    assert set(sentences(result.answer)) <= set(sentences(REPORT))
    assert result.sources[0].excerpt == REPORT[:200]
