"""The Wellness agent gives supportive, non-clinical self-care steps for the concern a message
names, in Hindi when the user writes Hindi, always says it is not a medical service, answers the
reviewed crisis template when the crisis screen fires, and declines diagnosis and medicine."""

import re

import pytest

from core.domain.agents.crisis import DEFAULT_HELPLINES, Helpline, crisis_answer, screen
from core.domain.agents.routing import AgentRouter
from core.domain.agents.running import CrisisPolicy
from core.ports.agents import AgentResult, AgentTask
from plugins.agents.wellness import WellnessAgent
from plugins.agents.wellness.guidance import NOT_MEDICAL_ENGLISH, NOT_MEDICAL_HINDI
from plugins.testing import FakeContext
from tests.plugins.conftest import MakeContext

DRUGS = (
    "xanax", "alprazolam", "clonazepam", "lorazepam", "diazepam", "valium", "zolpidem", "sertraline",
    "fluoxetine", "prozac", "escitalopram", "melatonin", "paracetamol", "ibuprofen", "sleeping pill",
)  # fmt: skip
WELLBEING = {
    "wellbeing": (
        "Staff wellbeing guide.\n\n"
        "If stress builds up at work, take a short walk and speak to your line manager. "
        "The employee assistance programme offers free counselling sessions.\n\n"
        "Some people take sleeping pills for insomnia, but only on a doctor's advice. "
        "Keep a regular bedtime to help your sleep."
    )
}


async def ask(text: str, context: FakeContext | None = None, language: str | None = None) -> AgentResult:
    return await WellnessAgent().run(AgentTask(text=text, language=language), context or FakeContext())


def devanagari(text: str) -> bool:
    return bool(re.search(r"[\u0900-\u097f]", text))


@pytest.mark.parametrize(
    "text", ["I want to end my life", "मैं आत्महत्या करना चाहता हूँ", "main mar jana chahta hoon"]
)
async def test_a_crisis_message_gets_exactly_the_reviewed_template(
    text: str, make_context: MakeContext
) -> None:
    finding = screen(text)
    assert finding is not None

    result = await WellnessAgent().run(AgentTask(text=text), make_context())

    assert result.answer == crisis_answer(DEFAULT_HELPLINES, finding.language)
    assert result.data is not None
    assert result.data["crisis"] is True
    assert result.confidence == 1.0
    assert result.engine == "rules"


async def test_the_hindi_crisis_template_comes_first_for_a_hindi_speaker() -> None:
    result = await ask("मैं आत्महत्या करना चाहता हूँ")

    assert result.language == "hi"
    assert result.answer.startswith("लगता है आप बहुत कठिन समय से गुज़र रहे हैं")
    assert "Tele-MANAS: 14416" in result.answer


async def test_the_platform_s_helplines_are_used_when_the_context_offers_them() -> None:
    local = (Helpline(name="City helpline", number="1234"),)
    context = FakeContext(ports={CrisisPolicy: CrisisPolicy(helplines=local)})

    result = await ask("I want to kill myself", context)

    assert result.answer == crisis_answer(local, None)


@pytest.mark.parametrize("text", ["This deadline is killing me", "I'm dying to see my exam results"])
async def test_everyday_figures_of_speech_are_not_a_crisis(text: str) -> None:
    result = await ask(text)

    assert result.data is not None
    assert result.data["crisis"] is False
    assert "going through something very painful" not in result.answer
    assert "pressure" in result.data["concerns"]


@pytest.mark.parametrize(
    ("text", "concern", "step"),
    [
        ("I'm so stressed about work", "stress", "breathe in gently for 4 counts and out for 6"),
        ("This deadline is killing me", "pressure", "25 minutes"),
        ("I can't sleep at night", "sleep", "Get up at the same time every day"),
        ("I keep worrying and feel anxious", "anxiety", "5-4-3-2-1"),
        ("I feel so lonely", "loneliness", "Reach out to one person today"),
        ("My grandmother passed away", "grief", "no right way or timetable"),
        ("I get so angry at my brother", "anger", "count slowly to ten"),
        ("I've been feeling really low", "low_mood", "thing you used to enjoy"),
    ],
)
async def test_a_concern_gets_practical_self_care_steps(
    text: str, concern: str, step: str, make_context: MakeContext
) -> None:
    result = await WellnessAgent().run(AgentTask(text=text), make_context())

    assert result.data is not None
    assert concern in result.data["concerns"]
    assert step in result.answer
    assert result.answer.endswith(NOT_MEDICAL_ENGLISH)
    assert not [drug for drug in DRUGS if drug in result.answer.casefold()]
    assert result.engine == "rules"


@pytest.mark.parametrize(
    ("text", "step"),
    [("मुझे रात को नींद नहीं आती", "रोज़ एक ही समय पर उठें"), ("मुझे बहुत तनाव है", "धीमी साँस")],
)
async def test_hindi_in_devanagari_is_answered_in_hindi(text: str, step: str) -> None:
    result = await ask(text)

    assert result.language == "hi"
    assert step in result.answer
    assert result.answer.endswith(NOT_MEDICAL_HINDI)
    assert not re.search(r"[A-Za-z]{4,}", result.answer.replace("Tele-MANAS", ""))


async def test_hindi_typed_in_latin_script_is_answered_in_hindi_and_english() -> None:
    result = await ask("neend nahi aati yaar, bahut pareshan hoon")

    assert result.data is not None
    assert set(result.data["concerns"]) == {"sleep", "stress"}
    assert result.language == "hi"
    assert "रोज़ एक ही समय पर उठें" in result.answer
    assert "Get up at the same time every day" in result.answer


@pytest.mark.parametrize(
    "text",
    [
        "What medicine should I take for anxiety?",
        "Do I have depression?",
        "Can you prescribe something for my insomnia?",
        "Is melatonin good for sleep?",
        "kya mujhe depression hai",
        "neend ki goli chahiye",
        "क्या मुझे डिप्रेशन है?",
        "मुझे नींद की दवा बताइए",
    ],
)
async def test_a_request_for_a_diagnosis_or_medicine_is_declined_without_naming_a_drug(
    text: str, make_context: MakeContext
) -> None:
    result = await WellnessAgent().run(AgentTask(text=text), make_context(documents=WELLBEING))

    assert result.data is not None
    assert result.data["declined"] == "medical"
    assert "doctor" in result.answer or "डॉक्टर" in result.answer
    assert not [drug for drug in DRUGS if drug in result.answer.casefold()]
    assert result.sources == ()


async def test_the_concern_behind_a_declined_request_still_gets_self_care_steps() -> None:
    result = await ask("What medicine should I take for anxiety?")

    assert result.data is not None
    assert result.data["declined"] == "medical"
    assert result.data["concerns"] == ["anxiety"]
    assert result.answer.startswith("I can't suggest medicines")
    assert "5-4-3-2-1" in result.answer


async def test_wellness_material_in_the_knowledge_base_is_cited_but_never_its_talk_of_medicine(
    make_context: MakeContext,
) -> None:
    context = make_context(documents=WELLBEING)

    stress = await WellnessAgent().run(AgentTask(text="I'm stressed at work"), context)
    sleep = await WellnessAgent().run(AgentTask(text="I can't sleep"), context)

    assert [s.id for s in stress.sources] == ["wellbeing"]
    assert "take a short walk and speak to your line manager" in stress.answer
    assert [s.excerpt for s in sleep.sources] == ["Keep a regular bedtime to help your sleep."]
    assert "pills" not in sleep.answer


async def test_without_a_named_concern_it_still_offers_support_and_the_reminder() -> None:
    result = await ask("I don't know, everything just feels off")

    assert result.data is not None
    assert result.data["concerns"] == []
    assert "slow breaths" in result.answer
    assert result.answer.endswith(NOT_MEDICAL_ENGLISH)
    assert result.confidence < 0.8


@pytest.mark.parametrize(
    "text",
    [
        "I'm so stressed these days",
        "I can't sleep",
        "This deadline is killing me",
        "Do I have depression?",
        "मुझे बहुत चिंता हो रही है",
        "neend nahi aati",
        "bahut tension hai yaar",
    ],
)
async def test_the_router_sends_wellbeing_concerns_to_wellness(
    text: str, built_in_router: tuple[AgentRouter, list[str]]
) -> None:
    router, names = built_in_router
    decision = await router.route(text, names)

    assert decision is not None
    assert decision.agent == "wellness"
