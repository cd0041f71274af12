"""The Wellness agent: supportive, non-clinical self-care guidance, by rules.

Three checks, in this order:

1. The crisis screen (``core.domain.agents.crisis``). Orchestration answers a crisis message
   itself before any agent runs; this is the second line, for a caller that reaches the agent
   another way. It answers exactly the reviewed template, with the platform's helplines when the
   context offers its ``CrisisPolicy``, else the defaults.
2. A request for a diagnosis or for medicine is declined, pointing to a doctor; the concern behind
   it, if the message names one, still gets its self-care steps. No answer names a medicine.
3. Otherwise the concern (``lexicon.py``) gets its reviewed self-care steps (``guidance.py``),
   in Hindi when the user writes Hindi, with a line from the knowledge base when it holds wellness
   material on that concern, and always the reminder that this is not a medical service.
"""

from typing import Any, ClassVar

import msgspec

from core.domain.agents.crisis import DEFAULT_HELPLINES, Helpline, crisis_answer, screen
from core.domain.agents.running import CrisisPolicy
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, KnowledgeHit, Source
from plugins.agents.wellness import guidance
from plugins.agents.wellness.lexicon import (
    Concern,
    asks_for_medical_advice,
    concerns,
    mentions_medicine,
    script,
)
from plugins.text import sentences

MAX_CONCERNS = 2
SECOND_CONCERN_STEPS = 2
MAX_PASSAGES = 5


class WellnessAgent(Agent):
    name = "wellness"
    title = "Wellness"
    description = (
        "Supportive, non-clinical self-care guidance for stress, sleep, worry, low mood, loneliness, "
        "exam or work pressure, anger and grief, in English or Hindi; points to helplines in a "
        "crisis. Never diagnoses and never suggests medicine."
    )
    version = "0.1.0"
    examples = (
        "I'm so stressed about work",
        "I can't sleep at night",
        "I feel anxious all the time",
        "I've been feeling really lonely lately",
        "This exam pressure is too much",
        "This deadline is killing me",
        "I'm overwhelmed and can't stop worrying",
        "मुझे बहुत तनाव है",
        "मुझे रात को नींद नहीं आती",
        "मैं बहुत अकेला महसूस करता हूँ",
        "mujhe bahut tension hai",
        "neend nahi aati yaar",
        "kya mujhe depression hai",
        "mera mann udaas rehta hai",
        "exam ka bahut pressure hai",
        "any tips to calm my nerves before an interview",
        "how do I switch off after work, I keep checking messages",
        "I just moved to a new city and feel isolated",
        "how can I relax before bed",
        "I get angry at small things lately",
        "बहुत बेचैनी रहती है, मन कैसे शांत करूँ",
        "आजकल अकेलापन बहुत खलता है",
        "सोने से पहले दिमाग़ शांत करने का तरीका",
        "परीक्षा के नतीजे से डर लग रहा है",
        "थक गई हूँ, मन हल्का करने का कोई उपाय बताइए",
        "mann nahi lagta kisi cheez me",
        "presentation se pehle ghabrahat hoti hai",
        "raat ko overthinking hoti hai",
        "ghar ki yaad aati hai, akelapan lagta hai",
        "stress kam karne ke liye kya karu",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "stress",
        "stressed",
        "anxiety",
        "anxious",
        "sleep",
        "lonely",
        "sad",
        "overwhelmed",
        "medicine",
        "deadline",
        "pressure",
        "wellness",
        "तनाव",
        "चिंता",
        "नींद",
        "अकेला",
        "tension",
        "neend",
        "pareshan",
    )

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        finding = screen(task.text, task.language)
        if finding is not None:
            helplines = _helplines(context)
            return AgentResult(
                answer=crisis_answer(helplines, finding.language),
                engine="rules",
                confidence=1.0,
                data={"crisis": True, "helplines": msgspec.to_builtins(helplines)},
                language=finding.language,
            )
        writes = script(task.text)
        hindi = task.language == "hi" or writes == "devanagari"
        both = writes == "latin-hindi" and task.language != "en"  # Hindi, and English for who reads Latin
        language = "hi" if hindi or both else task.language or "en"
        declined = asks_for_medical_advice(task.text)
        found = concerns(task.text)[:MAX_CONCERNS]
        # a request for medicine is declined, but the concern behind it still gets self-care steps;
        # the knowledge base is not quoted then, as its material may speak of medicine
        cited = [] if declined else await _material(task.text, found, context)
        answer = _in_languages(
            _compose(found, cited, declined, hindi=True),
            _compose(found, cited, declined, hindi=False),
            hindi=hindi,
            both=both,
        )
        data: dict[str, Any] = {"concerns": list(found), "crisis": False}
        if declined:
            data["declined"] = "medical"
        return AgentResult(
            answer=answer,
            engine="rules",
            confidence=0.9 if declined else 0.8 if found else 0.5,
            sources=tuple(source for _, source in cited),
            data=data,
            language=language,
        )


def _helplines(context: AgentContext) -> tuple[Helpline, ...]:
    try:
        policy: CrisisPolicy = context.port(CrisisPolicy)
    except LookupError:
        return DEFAULT_HELPLINES
    return policy.helplines or DEFAULT_HELPLINES


def _in_languages(hindi_text: str, english_text: str, *, hindi: bool, both: bool) -> str:
    if both:
        return f"{hindi_text}\n\n{english_text}"
    return hindi_text if hindi else english_text


def _compose(found: list[Concern], cited: list[tuple[str, Source]], declined: bool, *, hindi: bool) -> str:
    texts = guidance.HINDI if hindi else guidance.ENGLISH
    labels = guidance.LABELS_HINDI if hindi else guidance.LABELS_ENGLISH
    parts = [guidance.DECLINE_HINDI if hindi else guidance.DECLINE_ENGLISH] if declined else []
    if declined and not found:
        parts.append(guidance.OFFER_HINDI if hindi else guidance.OFFER_ENGLISH)
    else:
        first = texts[found[0]] if found else guidance.GENERAL_HINDI if hindi else guidance.GENERAL_ENGLISH
        parts += [first.opening, "\n".join(f"{i}. {step}" for i, step in enumerate(first.steps, 1))]
    for other in found[1:]:
        about = f"{labels[other]} के लिए भी:" if hindi else f"For the {labels[other]} too:"
        parts.append(
            about + "\n" + "\n".join(f"- {step}" for step in texts[other].steps[:SECOND_CONCERN_STEPS])
        )
    for quoted, source in cited:
        lead = "आपकी सामग्री में" if hindi else "Your material says"
        parts.append(f'{lead} ({source.title}): "{quoted}"')
    parts.append(guidance.NOT_MEDICAL_HINDI if hindi else guidance.NOT_MEDICAL_ENGLISH)
    return "\n\n".join(parts)


async def _material(text: str, found: list[Concern], context: AgentContext) -> list[tuple[str, Source]]:
    """At most one sentence from the knowledge base per concern: one that speaks of that concern
    and of no medicine (its material is not reviewed as this agent's own words are)."""
    if not found:
        return []
    query = " ".join([text, *(guidance.LABELS_ENGLISH[c] for c in found)])
    hits = await context.knowledge.search(query, limit=MAX_PASSAGES)
    cited: list[tuple[str, Source]] = []
    for concern in found:
        picked = next(((s, hit) for hit in hits for s in _usable(hit, concern)), None)
        if picked is not None and all(picked[0] != quoted for quoted, _ in cited):
            sentence, hit = picked
            cited.append((sentence, _source(hit, sentence)))
    return cited


def _usable(hit: KnowledgeHit, concern: Concern) -> list[str]:
    return [
        s
        for s in sentences(hit.text)
        if concern in concerns(s) and not mentions_medicine(s) and screen(s) is None and len(s) <= 400
    ]


def _source(hit: KnowledgeHit, sentence: str) -> Source:
    return Source(
        kind="document", id=hit.document_id, title=hit.title, excerpt=sentence, reference=hit.chunk_id
    )
