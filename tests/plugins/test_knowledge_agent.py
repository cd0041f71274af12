"""The Knowledge agent answers from the passages retrieval found, cites each document with the
passage's offsets, and says "not found in the knowledge base" when retrieval is weak."""

from core.ports.agents import AgentTask
from plugins.agents.knowledge import KnowledgeAgent
from plugins.agents.knowledge.agent import NOT_FOUND, NOT_FOUND_HINDI
from tests.plugins.conftest import MakeContext

HANDBOOK = {
    "refunds": (
        "Refunds are paid back to the original card within 14 days. Opened software cannot be "
        "returned.\n\nShipping is free on orders above 500 rupees."
    ),
    "warehouse": "गोदाम सुबह नौ बजे खुलता है। रविवार को गोदाम बंद रहता है।",
}


async def test_answers_from_the_passage_and_cites_its_document_and_offsets(make_context: MakeContext) -> None:
    result = await KnowledgeAgent().run(
        AgentTask(text="How many days do refunds take?"), make_context(documents=HANDBOOK)
    )

    assert "14 days" in result.answer
    assert [source.id for source in result.sources] == ["refunds"]
    assert result.sources[0].kind == "document"
    assert result.sources[0].reference is not None
    assert result.sources[0].reference.startswith("refunds, characters ")
    assert result.confidence >= 0.5


async def test_says_not_found_with_low_confidence_when_no_passage_holds_the_question(
    make_context: MakeContext,
) -> None:
    english = await KnowledgeAgent().run(
        AgentTask(text="Who won the cricket world cup?"), make_context(documents=HANDBOOK)
    )
    hindi = await KnowledgeAgent().run(AgentTask(text="क्रिकेट विश्व कप किसने जीता?"), make_context(documents={}))

    assert english.answer == NOT_FOUND
    assert english.sources == ()
    assert english.confidence < 0.35
    assert hindi.answer == NOT_FOUND_HINDI


async def test_answers_a_hindi_question_from_a_hindi_document(make_context: MakeContext) -> None:
    result = await KnowledgeAgent().run(AgentTask(text="गोदाम कब खुलता है?"), make_context(documents=HANDBOOK))

    assert "नौ बजे" in result.answer
    assert [source.id for source in result.sources] == ["warehouse"]
