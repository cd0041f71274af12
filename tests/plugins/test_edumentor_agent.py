"""EduMentor explains a topic from the knowledge base at the learner's level, quizzes them with
questions made from the material's own sentences, keeps the key in session memory, grades their
answers quoting the source, and keeps their progress across quizzes."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from core.domain.agents.routing import AgentRouter
from core.ports.agents import AgentResult, AgentTask, BoundContext
from plugins.agents.edumentor import EduMentorAgent
from plugins.agents.edumentor.quiz import LETTERS
from plugins.testing import FakeContext, FakeLlm, FixedClock, MemorySessionMemory
from plugins.text import sentences
from tests.plugins.conftest import MakeContext

PHOTOSYNTHESIS = (
    "Photosynthesis is the process by which green plants make their own food from sunlight. "
    "It takes place in the chloroplasts, which contain a green pigment called chlorophyll. "
    "Chlorophyll absorbs light energy, mostly from the red and blue parts of the spectrum. "
    "The plant takes in carbon dioxide from the air through tiny pores called stomata. "
    "Water is drawn up from the soil through the roots and carried to the leaves by the xylem. "
    "Using the light energy, the plant turns carbon dioxide and water into glucose. "
    "Oxygen is released into the air as a by-product of photosynthesis. "
    "The glucose is stored as starch or used for energy in respiration."
)
LIBRARY = {
    "photosynthesis": PHOTOSYNTHESIS,
    "cells": "The nucleus holds the genetic material of the cell. Mitochondria release energy from food.",
}


async def ask(context: Any, text: str, **inputs: Any) -> AgentResult:
    return await EduMentorAgent().run(AgentTask(text=text, inputs=inputs), context)


def words_of(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"[\w-]+", text)}


async def test_explains_a_topic_with_the_material_s_sentences_and_cites_its_document(
    make_context: MakeContext,
) -> None:
    result = await ask(make_context(documents=LIBRARY), "Explain photosynthesis to me")

    assert result.data is not None
    assert result.data["mode"] == "explain"
    assert result.data["topic"] == "photosynthesis"
    assert result.data["explanation"]
    assert all(sentence in PHOTOSYNTHESIS for sentence in result.data["explanation"])
    assert [(s.kind, s.id) for s in result.sources] == [("document", "photosynthesis")]
    assert result.confidence >= 0.5


async def test_a_beginner_gets_fewer_sentences_than_an_advanced_learner(make_context: MakeContext) -> None:
    counts = {}
    for level in ("beginner", "intermediate", "advanced"):
        result = await ask(make_context(documents=LIBRARY), "Explain photosynthesis", level=level)
        assert result.data is not None
        counts[level] = len(result.data["explanation"])

    assert counts["beginner"] == 2
    assert counts["beginner"] < counts["intermediate"] < counts["advanced"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Explain photosynthesis simply", "beginner"),
        ("Teach me photosynthesis in depth", "advanced"),
        ("Give me a lesson on photosynthesis", "intermediate"),
    ],
)
async def test_the_level_is_read_from_the_text_when_not_given(text: str, level: str) -> None:
    result = await ask(FakeContext(documents=LIBRARY), text)

    assert result.data is not None
    assert result.data["level"] == level


async def test_the_passages_go_to_the_llm_as_system_context_and_a_written_explanation_is_kept() -> None:
    written = "Plants use sunlight to turn carbon dioxide and water into glucose and oxygen."
    llm = FakeLlm([written], engine="generative")

    result = await ask(FakeContext(documents=LIBRARY, llm=llm), "Explain photosynthesis", level="beginner")

    (request,) = llm.requests
    assert [m.role for m in request.messages] == ["system", "user"]
    assert request.messages[0].content == PHOTOSYNTHESIS
    assert "beginner" in (request.messages[-1].content or "")
    assert result.engine == "generative"
    assert result.answer.startswith(written)
    assert [s.id for s in result.sources] == ["photosynthesis"]


@pytest.mark.parametrize(
    ("text", "mode"), [("Explain quantum computing", "explain"), ("Quiz me on tides", "quiz")]
)
async def test_says_so_when_the_material_has_nothing_on_the_topic(
    text: str, mode: str, make_context: MakeContext
) -> None:
    result = await ask(make_context(documents=LIBRARY), text, mode=mode)

    assert "nothing on" in result.answer
    assert result.confidence <= 0.1
    assert result.sources == ()


async def quiz_on_photosynthesis(
    context: FakeContext, **inputs: Any
) -> tuple[AgentResult, list[dict[str, Any]]]:
    result = await ask(context, "Quiz me on photosynthesis", **inputs)
    kept = await context.memory.recall("quiz")
    assert kept is not None
    return result, kept["questions"]


async def test_each_question_blanks_a_key_term_of_a_real_sentence_and_the_key_is_that_term(
    make_context: MakeContext,
) -> None:
    _, keyed = await quiz_on_photosynthesis(make_context(documents=LIBRARY))

    assert len(keyed) == 5
    for question in keyed:
        assert question["sentence"] in sentences(PHOTOSYNTHESIS)
        assert "_____" in question["prompt"]
        spelled = re.search(rf"\b{re.escape(question['answer'])}\b", question["sentence"], re.IGNORECASE)
        assert spelled is not None, question
        assert question["prompt"].replace("_____", spelled.group()) == question["sentence"]
        assert question["answer"].casefold() not in words_of(question["prompt"])


async def test_distractors_are_other_terms_of_the_material_never_the_key_nor_shown_in_the_sentence(
    make_context: MakeContext,
) -> None:
    _, keyed = await quiz_on_photosynthesis(make_context(documents=LIBRARY), style="choice")

    material = words_of(PHOTOSYNTHESIS)
    for question in keyed:
        assert len(question["options"]) == len(LETTERS)
        assert question["options"].count(question["answer"]) == 1
        distractors = [o for o in question["options"] if o != question["answer"]]
        assert all(d.casefold() in material for d in distractors)
        assert all(d.casefold() not in words_of(question["sentence"]) for d in distractors)
        assert len({d.casefold() for d in distractors}) == len(distractors)


async def test_the_learner_sees_the_questions_but_the_key_stays_in_memory(make_context: MakeContext) -> None:
    result, keyed = await quiz_on_photosynthesis(make_context(documents=LIBRARY))

    assert result.data is not None
    shown = result.data["questions"]
    assert [q["prompt"] for q in shown] == [q["prompt"] for q in keyed]
    assert all(set(q) == {"number", "kind", "prompt", "options"} for q in shown)
    assert {q["kind"] for q in shown} == {"choice", "cloze"}, "mixed by default"
    assert all(q["prompt"] in result.answer for q in shown)
    assert result.engine == "rules"
    assert [s.id for s in result.sources] == ["photosynthesis"]


async def test_the_same_material_makes_the_same_quiz() -> None:
    _, first = await quiz_on_photosynthesis(FakeContext(documents=LIBRARY))
    _, again = await quiz_on_photosynthesis(FakeContext(documents=LIBRARY))

    assert first == again


@pytest.mark.parametrize(
    "text", ["Quiz me on photosynthesis", "Test me on photosynthesis", "photosynthesis par quiz lo"]
)
async def test_a_quiz_is_asked_for_in_words(text: str) -> None:
    result = await ask(FakeContext(documents=LIBRARY), text)

    assert result.data is not None
    assert result.data["mode"] == "quiz"
    assert result.data["topic"] == "photosynthesis"


async def test_test_me_quizzes_on_the_topic_just_explained() -> None:
    context = FakeContext(documents=LIBRARY)
    await ask(context, "Explain photosynthesis")

    result = await ask(context, "Test me")

    assert result.data is not None
    assert (result.data["mode"], result.data["topic"]) == ("quiz", "photosynthesis")


def right_answers(keyed: list[dict[str, Any]]) -> list[str]:
    """Choice questions by letter, cloze questions by the word."""
    return [LETTERS[q["options"].index(q["answer"])] if q["options"] else q["answer"].upper() for q in keyed]


async def test_grading_marks_right_and_wrong_answers_and_quotes_the_source(make_context: MakeContext) -> None:
    context = make_context(documents=LIBRARY)
    _, keyed = await quiz_on_photosynthesis(context)
    answers = right_answers(keyed)
    answers[1] = "banana"
    answers = answers[:-1]  # the last one left unanswered

    result = await ask(context, "", mode="grade", answers=answers)

    assert result.data is not None
    assert result.data["score"] == {"correct": 3, "total": 5}
    marks = result.data["marks"]
    assert [m["correct"] for m in marks] == [True, False, True, True, False]
    assert marks[1]["given"] == "banana"
    assert marks[1]["answer"] == keyed[1]["answer"]
    assert marks[4]["given"] is None
    for mark, question in zip(marks, keyed, strict=True):
        assert mark["source"] == question["sentence"]
        assert question["sentence"] in mark["feedback"]
    assert "Not quite: you said banana" in marks[1]["feedback"]
    assert "You got 3 of 5 right" in result.answer


async def test_grading_without_answers_keeps_the_quiz_open() -> None:
    context = FakeContext(documents=LIBRARY)
    _, keyed = await quiz_on_photosynthesis(context)

    empty = await ask(context, "", mode="grade")
    graded = await ask(context, "", answers=right_answers(keyed))

    assert empty.confidence <= 0.1
    assert "no answers yet" in empty.answer
    assert graded.data is not None
    assert graded.data["progress"]["quizzes_taken"] == 1


async def test_answers_can_be_typed_as_text() -> None:
    context = FakeContext(documents=LIBRARY)
    _, keyed = await quiz_on_photosynthesis(context)

    result = await ask(context, "answers: " + ", ".join(right_answers(keyed)))

    assert result.data is not None
    assert result.data["score"] == {"correct": 5, "total": 5}


async def test_progress_is_kept_in_the_session_across_quizzes() -> None:
    memory = MemorySessionMemory()
    monday, tuesday = (
        BoundContext(
            caller=base.caller,
            llm=base.llm,
            knowledge=base.knowledge,
            files=base.files,
            memory=memory,
            clock=FixedClock(datetime(2026, 3, day, 9, 0, tzinfo=UTC)),
            ports={},
        )
        for day, base in ((2, FakeContext(documents=LIBRARY)), (3, FakeContext(documents=LIBRARY)))
    )
    for context, wrong in ((monday, 2), (tuesday, 0)):
        quiz = await ask(context, "Quiz me on photosynthesis")
        assert quiz.data is not None
        keyed = (await memory.recall("quiz"))["questions"]
        answers = ["zzz"] * wrong + right_answers(keyed)[wrong:]
        graded = await ask(context, "", answers=answers)

    assert graded.data is not None
    progress = graded.data["progress"]
    assert progress["quizzes_taken"] == 2
    assert [(s["correct"], s["total"], s["at"][:10]) for s in progress["scores"]] == [
        (3, 5, "2026-03-02"),
        (5, 5, "2026-03-03"),
    ]
    assert "Quizzes taken: 2; scores so far: 3/5, 5/5." in graded.answer

    again = await ask(tuesday, "", answers=["A"])
    assert again.confidence <= 0.1, "a quiz is graded once"
    assert (await memory.recall("progress"))["quizzes_taken"] == 2


WATER_CYCLE = (
    "जल चक्र वह प्रक्रिया है जिसमें पानी लगातार पृथ्वी और वायुमंडल के बीच घूमता रहता है। "
    "सूरज की गर्मी से समुद्र और नदियों का पानी भाप बनकर ऊपर उठता है। "
    "इस प्रक्रिया को वाष्पीकरण कहते हैं। "
    "ऊपर जाकर भाप ठंडी होती है और बादल बनते हैं, जिसे संघनन कहते हैं। "
    "बादलों से पानी बारिश या बर्फ के रूप में गिरता है, जिसे वर्षण कहते हैं।"
)


async def test_a_hindi_learner_is_taught_quizzed_and_graded_in_hindi(make_context: MakeContext) -> None:
    context = make_context(documents={"jal-chakra": WATER_CYCLE})

    lesson = await ask(context, "मुझे जल चक्र के बारे में सिखाइए")
    quiz = await ask(context, "जल चक्र पर क्विज़ लीजिए")
    keyed = (await context.memory.recall("quiz"))["questions"]
    graded = await ask(context, "उत्तर: " + ", ".join(right_answers(keyed)))

    assert lesson.data is not None
    assert lesson.data["topic"] == "जल चक्र"
    assert all(sentence in WATER_CYCLE for sentence in lesson.data["explanation"])
    assert "मुख्य शब्द" in lesson.answer
    assert quiz.answer.startswith("जल चक्र पर क्विज़")
    assert all("।" not in q["answer"] and q["answer"] in q["sentence"] for q in keyed)
    assert graded.data is not None
    assert graded.data["score"]["correct"] == graded.data["score"]["total"] == len(keyed)
    assert graded.answer.startswith(f"जल चक्र पर {len(keyed)} में से {len(keyed)} उत्तर सही")


@pytest.mark.parametrize(
    "text",
    [
        "Explain the water cycle",
        "Teach me fractions",
        "Quiz me on the solar system",
        "test me on chapter 3",
        "गुरुत्वाकर्षण समझाइए",
        "fractions samjhao",
        "mujhe algebra sikhao",
    ],
)
async def test_the_router_sends_requests_to_learn_to_edumentor(
    text: str, built_in_router: tuple[AgentRouter, list[str]]
) -> None:
    router, names = built_in_router
    decision = await router.route(text, names)

    assert decision is not None
    assert decision.agent == "edumentor"
