"""The text agent finds a text's language, keywords, readability, sentiment and entities, and
transliterates or translates it on request."""

import pytest

from core.ports.agents import AgentTask
from core.ports.translation import Translation, TranslationUnavailable, Translator
from core.ports.vaani import Capability
from plugins.agents.text import TextAgent
from plugins.agents.text.entities import find_entities
from plugins.agents.text.readability import readability, syllables
from plugins.testing import FakeContext
from tests.plugins.conftest import MakeContext

MESSAGE = (
    "Thank you for the wonderful service, the delivery was quick and the staff were lovely! "
    "Please write to priya.sharma@example.in or call +91 98765 43210 before 15 March 2026. "
    "Our help pages are at https://help.example.com/returns."
)
COMPLAINT = "The parcel arrived broken and late. Support was rude and useless. I am very disappointed."


async def analyse(text: str, context: FakeContext, **inputs: object) -> dict:
    result = await TextAgent().run(AgentTask(text=text, inputs=inputs), context)
    assert result.data is not None
    return result.data | {"answer": result.answer}


async def test_language_keywords_and_entities_come_out_of_a_message(embedded_context: MakeContext) -> None:
    data = await analyse(MESSAGE, embedded_context())

    assert data["language"]["language"] == "en"
    assert any("service" in keyword for keyword in data["keywords"])
    assert data["entities"]["emails"] == ["priya.sharma@example.in"]
    assert data["entities"]["phones"] == ["+91 98765 43210"]
    assert data["entities"]["dates"] == ["15 March 2026"]
    assert data["entities"]["urls"] == ["https://help.example.com/returns"]
    assert "priya.sharma@example.in" in data["answer"]


@pytest.mark.parametrize(("text", "sign"), [(MESSAGE, 1), (COMPLAINT, -1)])
async def test_the_sentiment_has_a_sensible_sign(text: str, sign: int, embedded_context: MakeContext) -> None:
    data = await analyse(text, embedded_context())

    assert data["sentiment"]["compound"] * sign > 0.3
    assert data["sentiment"]["label"] == ("positive" if sign > 0 else "negative")


async def test_readability_is_scored_for_english(embedded_context: MakeContext) -> None:
    plain = await analyse("The cat sat on the mat. It was warm. We fed it.", embedded_context())
    dense = await analyse(
        "Notwithstanding considerable organisational complexity, interdepartmental communication "
        "necessitates comprehensive documentation.",
        embedded_context(),
    )

    assert plain["readability"]["flesch_reading_ease"] > 90
    assert dense["readability"]["flesch_reading_ease"] < 10
    assert plain["readability"]["flesch_kincaid_grade"] < dense["readability"]["flesch_kincaid_grade"]


async def test_a_hindi_text_is_recognised_and_transliterated_when_asked(
    embedded_context: MakeContext,
) -> None:
    data = await analyse("मेरा नाम प्रिया है और मैं पुणे में रहती हूँ।", embedded_context(), transliterate_to="iast")

    assert data["language"]["language"] == "hi"
    assert data["readability"] is None  # Flesch is defined for English only
    assert data["transliteration"]["source"] == "devanagari"
    assert data["transliteration"]["text"].startswith("merā nāma priyā hai aura maiṃ puṇe")


async def test_without_vaani_ports_the_rest_still_works() -> None:
    data = await analyse(MESSAGE, FakeContext(), keywords=3)

    assert data["language"] is None
    assert data["entities"]["emails"] == ["priya.sharma@example.in"]


@pytest.mark.parametrize(
    "phone",
    ["+91 98765 43210", "+91-98765-43210", "9876543210", "09876543210", "98765 43210", "022-24567890",
     "+91 80 2345 6789", "+1 415 555 0100"],
)  # fmt: skip
def test_phone_numbers_in_indian_and_international_formats_are_found(phone: str) -> None:
    assert find_entities(f"Call me on {phone} today.").phones == [phone]


@pytest.mark.parametrize(
    "date", ["2026-03-15", "15/03/2026", "15.03.26", "15th March 2026", "March 15, 2026"]
)
def test_dates_in_common_formats_are_found(date: str) -> None:
    assert find_entities(f"Due on {date}, please.").dates == [date]


def test_an_order_number_or_a_year_is_not_a_phone_number() -> None:
    assert find_entities("Order 12345 shipped in 2026 to PIN 411001.").phones == []


@pytest.mark.parametrize(("word", "count"), [("cat", 1), ("table", 2), ("jumped", 1), ("wonderful", 3)])
def test_syllables_are_counted_by_vowel_groups(word: str, count: int) -> None:
    assert syllables(word) == count


def test_no_english_words_means_no_readability_score() -> None:
    assert readability("१२३ ४५६") is None


class Dictionary:
    """A ``Translator`` speaking the port's protocol over a fixed phrasebook."""

    def __init__(self, phrases: dict[str, str]) -> None:
        self.phrases = phrases
        self.asked: list[tuple[str, str, str]] = []

    async def capabilities(self) -> list[Capability]:
        return []

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        self.asked.append((text, source, target))
        return Translation(text=self.phrases[text], source=source, target=target, engine="phrasebook")


@pytest.mark.parametrize(
    "ask",
    [
        "Translate this into Hindi: 'Where is the station?'",
        "isko hindi me translate kar do: Where is the station?",
    ],
)
async def test_the_words_ask_for_a_translation_through_the_translator_port(ask: str) -> None:
    translator = Dictionary({"Where is the station?": "स्टेशन कहाँ है?"})
    data = await analyse(ask, FakeContext(ports={Translator: translator}))

    assert data["translation"] == {"target": "hi", "text": "स्टेशन कहाँ है?", "engine": "phrasebook"}
    assert data["answer"].startswith("Translation (hi): स्टेशन कहाँ है?")
    assert translator.asked[0][0] == "Where is the station?", "the material, not the request"


async def test_without_a_generative_translator_it_says_so_and_never_passes_the_text_off() -> None:
    class Unavailable(Dictionary):
        async def translate(self, text: str, *, source: str, target: str) -> Translation:
            raise TranslationUnavailable("no generative provider is configured")

    data = await analyse("Translate to Hindi: good morning", FakeContext(ports={Translator: Unavailable({})}))
    alone = await analyse("Translate to Hindi: good morning", FakeContext(), translate_to="hi")

    assert data["translation"]["available"] is False
    assert data["translation"]["reason"] == "no generative model is configured to translate"
    assert alone["translation"] == {
        "target": "hi",
        "available": False,
        "reason": "this platform offers no translator",
    }
    assert "No translation into hi" in alone["answer"]


async def test_in_a_plan_the_previous_step_s_answer_is_the_text_analysed(
    embedded_context: MakeContext,
) -> None:
    result = await TextAgent().run(
        AgentTask(text="what is its sentiment", previous=COMPLAINT), embedded_context()
    )

    assert result.data is not None
    assert result.data["sentiment"]["compound"] < 0
    assert result.sources[0].excerpt == COMPLAINT
