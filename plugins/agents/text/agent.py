"""The text agent: what a text is (language, keywords, readability, sentiment, the emails, phone
numbers, URLs and dates in it) and, when asked, the text in another script or language.

Language, keywords and transliteration come from the platform's Vaani ports, when the context
offers them; readability and sentiment are computed here, for English, where they mean something.
"""

import re
from typing import Annotated, Any, ClassVar

import msgspec

from core.domain.errors import RuleViolated
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.vaani import DetectedLanguage, KeywordExtractor, LanguageDetector, Transliterator
from plugins.agents.text.entities import Entities, find_entities
from plugins.agents.text.readability import Readability, readability
from plugins.agents.text.sentiment import Sentiment, sentiment
from plugins.agents.text.translation import asked_language, translated
from plugins.inputs import read_inputs

MAX_TEXT_CHARS = 100_000


class TextOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    keywords: Annotated[int, msgspec.Meta(ge=0, le=30)] = 8
    transliterate_to: str | None = None
    """A scheme of the ``Transliterator`` port: ``iast``, ``itrans``, ``devanagari``, ``tamil``..."""
    transliterate_from: str | None = None
    """Default: the scheme of the text's own script, when it is an Indic one."""
    translate_to: str | None = None
    """A language code (``hi``, ``en``...); also read from the words ("translate it into Hindi")."""


class TextAgent(Agent):
    name = "text"
    title = "Text analysis"
    description = (
        "Finds a text's language, keywords, readability, sentiment and the emails, phone numbers, "
        "URLs and dates in it; transliterates it into another script on request."
    )
    version = "0.1.0"
    examples = (
        "Analyse this text",
        "What language is this written in?",
        "How readable is this paragraph?",
        "Extract the emails and phone numbers from this message",
        "Transliterate this into IAST",
        "is this review positive or negative",
        "what's the sentiment of this customer comment",
        "pull out the key words from this paragraph",
        "find the dates mentioned in this text",
        "translate this sentence into Hindi",
        "convert this Hindi text to Roman script",
        "इस वाक्य की भाषा कौन सी है",
        "इस टिप्पणी की भावना सकारात्मक है या नकारात्मक",
        "इस पाठ से ईमेल और फ़ोन नंबर निकालो",
        "इस वाक्य का अंग्रेज़ी में अनुवाद करो",
        "इसे रोमन लिपि में लिखो",
        "ye message kis language me hai",
        "is comment ka sentiment batao positive hai ya negative",
        "is paragraph ke keywords nikaalo",
        "isko hindi me translate kar do",
        "ise devanagari me likh do",
        "check the readability of this announcement",
        "is this paragraph too complicated to read",
        "convert this Roman text to Devanagari",
        "is paragraph ki readability check karo",
        "ise hindi script me badal do",
        "इस सूचना की पठनीयता जाँचो",
        "इस अनुच्छेद के मुख्य शब्द निकालो",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "analyse", "analyze", "language", "readability", "sentiment", "entities", "transliterate",
    )  # fmt: skip
    input_schema = TextOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, TextOptions)
        # In a plan, the words are the instruction and the step before gave the text.
        text = (task.previous or task.text)[:MAX_TEXT_CHARS]
        detected = await _detect(text, context)
        language = detected.language if detected and detected.language else task.language
        english = language == "en"
        found: dict[str, Any] = {
            "language": msgspec.to_builtins(detected) if detected else None,
            "keywords": await _keywords(text, language, options.keywords, context),
            "readability": readability(text) if english else None,
            "sentiment": sentiment(text) if english else None,
            "entities": find_entities(text),
        }
        if options.transliterate_to:
            found["transliteration"] = await _transliterate(text, options, detected, context)
        target = options.translate_to or asked_language(task.text)
        if target:
            found["translation"] = await translated(_material(text), language, target, context)
        return AgentResult(
            answer=_report(found),
            engine="rules",
            confidence=0.9 if text.strip() else 0.0,
            sources=(Source(kind="input", id="text", excerpt=text[:200]),),
            data=msgspec.to_builtins(found),
            language=language,
        )


async def _detect(text: str, context: AgentContext) -> DetectedLanguage | None:
    try:
        detector: LanguageDetector = context.port(LanguageDetector)
    except LookupError:
        return None
    return await detector.detect(text)


async def _keywords(text: str, language: str | None, limit: int, context: AgentContext) -> list[str] | None:
    try:
        extractor: KeywordExtractor = context.port(KeywordExtractor)
    except LookupError:
        return None
    return await extractor.keywords(text, language=language or "en", limit=limit)


async def _transliterate(
    text: str, options: TextOptions, detected: DetectedLanguage | None, context: AgentContext
) -> dict[str, str]:
    try:
        transliterator: Transliterator = context.port(Transliterator)
    except LookupError:
        raise RuleViolated("transliteration is not available on this platform") from None
    source = options.transliterate_from or (detected.script.casefold() if detected else "")
    if source not in transliterator.schemes():
        raise RuleViolated(
            "say which scheme the text is in (transliterate_from): its script is not one to "
            f"transliterate from; schemes: {', '.join(transliterator.schemes())}"
        )
    target = options.transliterate_to or ""
    converted = await transliterator.transliterate(text, source=source, target=target)
    return {"source": source, "target": target, "text": converted}


def _material(text: str) -> str:
    """What to translate: the quoted text, or what follows the colon, else the whole message."""
    quoted = re.search(r"['\u2018\"\u201c](.+?)['\u2019\"\u201d]\s*$", text, re.DOTALL)
    if quoted:
        return quoted.group(1)
    _, colon, rest = text.partition(":")
    return rest.strip() if colon and rest.strip() else text


def _report(found: dict[str, Any]) -> str:
    lines = []
    translation = found.get("translation")
    if translation and translation.get("text"):
        lines.append(f"Translation ({translation['target']}): {translation['text']}")
    elif translation:
        lines.append(f"No translation into {translation['target']}: {translation['reason']}.")
    if found["language"]:
        language = found["language"]
        lines.append(f"Language: {language['language'] or 'unknown'} ({language['confidence']:.2f}).")
    if found["keywords"]:
        lines.append(f"Keywords: {', '.join(found['keywords'])}.")
    scores: Readability | None = found["readability"]
    if scores:
        lines.append(
            f"Readability: Flesch reading ease {scores.flesch_reading_ease} ({scores.band}), "
            f"grade {scores.flesch_kincaid_grade}."
        )
    mood: Sentiment | None = found["sentiment"]
    if mood:
        lines.append(f"Sentiment: {mood.label} ({mood.compound:+.2f}).")
    entities: Entities = found["entities"]
    named = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("emails", entities.emails),
            ("phone numbers", entities.phones),
            ("URLs", entities.urls),
            ("dates", entities.dates),
        )
        if values
    ]
    lines.append("Found " + "; ".join(named) + "." if named else "No emails, phone numbers, URLs or dates.")
    if "transliteration" in found:
        lines.append(
            f"Transliterated ({found['transliteration']['target']}): {found['transliteration']['text']}"
        )
    return "\n".join(lines)
