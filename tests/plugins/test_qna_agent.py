"""The QnA agent answers with the sentence that holds the answer, cites its document, and says
it does not know when the knowledge base does not hold the answer."""

import pytest

from core.ports.agents import AgentTask
from plugins.agents.qna import QnaAgent
from plugins.agents.qna.agent import DONT_KNOW, THRESHOLD
from plugins.agents.qna.questions import question_type
from plugins.testing import FakeContext, FakeLlm
from tests.plugins.conftest import MakeContext

HANDBOOK = {
    "refunds": (
        "Refunds are paid back to the original card within 14 days. Opened software cannot be "
        "returned.\n\nShipping is free on orders above 500 rupees."
    ),
    "warehouses": (
        "The Pune warehouse opens at 9 am on weekdays. It is closed on Sundays. "
        "Asha Rao manages the Pune warehouse."
    ),
}


async def ask(question: str, context_of: MakeContext) -> tuple[str, float, list[str], dict]:
    result = await QnaAgent().run(AgentTask(text=question), context_of(documents=HANDBOOK))
    return result.answer, result.confidence, [s.id for s in result.sources], result.data or {}


@pytest.mark.parametrize(
    ("question", "holds", "document"),
    [
        ("How long do refunds take?", "within 14 days", "refunds"),
        ("Who manages the Pune warehouse?", "Asha Rao manages the Pune warehouse.", "warehouses"),
        ("When does the Pune warehouse open?", "opens at 9 am on weekdays", "warehouses"),
    ],
)
async def test_answers_with_the_sentence_that_holds_the_answer_and_cites_its_document(
    question: str, holds: str, document: str, make_context: MakeContext
) -> None:
    answer, confidence, sources, _ = await ask(question, make_context)

    assert holds in answer
    assert sources == [document]
    assert confidence >= THRESHOLD


@pytest.mark.parametrize("question", ["Who is the chief executive?", "Which courier delivers to Nagpur?"])
async def test_says_it_does_not_know_when_the_material_lacks_the_answer(
    question: str, make_context: MakeContext
) -> None:
    answer, confidence, sources, _ = await ask(question, make_context)

    assert answer == DONT_KNOW
    assert confidence < THRESHOLD
    assert sources == []


async def test_follow_up_questions_come_from_the_material_not_yet_used(make_context: MakeContext) -> None:
    _, _, _, data = await ask("Who manages the Pune warehouse?", make_context)

    assert data["follow_ups"]
    assert all(q.startswith("What does the material say about ") for q in data["follow_ups"])
    topics = " ".join(q.removeprefix("What does the material say about ") for q in data["follow_ups"])
    assert "sunday" in topics.casefold() or "weekdays" in topics


async def test_the_knowledge_is_given_to_the_llm_as_system_context() -> None:
    llm = FakeLlm(["Refunds are paid back to the original card within 14 days."])
    context = FakeContext(documents=HANDBOOK, llm=llm)

    result = await QnaAgent().run(AgentTask(text="How long do refunds take?"), context)

    (request,) = llm.requests
    assert [m.role for m in request.messages] == ["system", "system", "user"]
    assert request.messages[1].content == HANDBOOK["refunds"].split("\n\n")[0]
    assert result.sources[0].id == "refunds"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is BHIV?", "definition"),
        ("What does SLA mean?", "definition"),
        ("What is the refund period?", "what"),
        ("Who approves purchase orders?", "who"),
        ("When does the warehouse open?", "when"),
        ("What year was the company founded?", "when"),
        ("Where is the Pune warehouse?", "where"),
        ("Why was my order held?", "why"),
        ("How do I reset my password?", "how"),
        ("Is shipping free?", "yes-no"),
        ("Can I return opened software?", "yes-no"),
        ("कंपनी की स्थापना कब हुई?", "when"),
        ("क्या शिपिंग मुफ़्त है?", "yes-no"),
    ],
)
def test_the_question_type_is_classified_by_rules(question: str, kind: str) -> None:
    assert question_type(question) == kind
