"""The QnA agent: retrieval from the knowledge base, an answer through the LLM port, and an
honest "I don't know" when the material does not hold the answer.

Confidence is the agent's own check of what came back, the same whatever the engine: how much of
the question the answer addresses, how much of the answer the passages support, and whether it
has the shape the question asks for (a date for "when"). Below ``THRESHOLD`` the agent says it
does not know rather than pass a weak match off as the answer.
"""

import re
from typing import ClassVar

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, KnowledgeHit, Source
from core.ports.llm import ChatMessage, ChatRequest
from core.ports.vaani import KeywordExtractor
from plugins.agents.qna.questions import QuestionType, fits, question_type
from plugins.text import STOP_WORDS, content_words, overlap, sentences

MODEL = "default"
"""The platform's default model alias (the embedded extractive engine unless configured)."""
MAX_PASSAGES = 5
THRESHOLD = 0.35
MAX_FOLLOW_UPS = 3
DONT_KNOW = "I don't know: the knowledge base I can read does not answer this."
DONT_KNOW_HINDI = "मुझे नहीं पता: जो सामग्री मैं पढ़ सकता हूँ, उसमें इसका उत्तर नहीं है।"
_INSTRUCTIONS = (
    "Answer the question from the passages that follow only. "
    "Answer that you do not know when they do not hold the answer. "
    "Answer in the language of the question. "
    "Answer this kind of question: {kind}."
)


class QnaAgent(Agent):
    name = "qna"
    title = "Questions and answers"
    description = (
        "Answers questions from the knowledge base, citing the passages it used, and says it does "
        "not know when they do not hold the answer."
    )
    version = "0.1.0"
    examples = (
        "What is our refund policy?",
        "Who approves purchase orders?",
        "When does the Pune warehouse open?",
        "How do I reset my password?",
        "what is the capital of Australia",
        "who invented the telephone",
        "how far is the moon from the earth",
        "why do leaves change colour in autumn",
        "answer this and tell me how sure you are",
        "what kind of question is this, and what could I ask next",
        "रिफंड में कितने दिन लगते हैं?",
        "भारत का सबसे ऊँचा पर्वत कौन सा है?",
        "पानी किस तापमान पर उबलता है?",
        "इस सवाल का जवाब दो और आगे पूछने लायक सवाल भी सुझाओ",
        "taj mahal kisne banwaya tha",
        "insaan ke sharir me kitni haddiyan hoti hai",
        "password reset kaise karte hai",
        "iska jawab kitna pakka hai batao",
        "who wrote the national anthem of India",
        "duniya ka sabse bada desh kaunsa hai",
        "computer kisne banaya tha",
        "chand par sabse pehle kaun gaya tha",
        "दुनिया की सबसे लंबी नदी कौन सी है",
        "पहला विश्व कप किसने जीता था",
        "is sawal ka jawab do aur follow up questions bhi batao",
        "what type of question is this and how confident are you",
    )
    keywords: ClassVar[tuple[str, ...]] = ("question", "answer", "what", "who", "when", "where", "why", "how")

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        question = task.text.strip()
        kind = question_type(question)
        hits = await context.knowledge.search(question, limit=MAX_PASSAGES)
        if not hits and context.llm.engine == "extractive":  # nothing it could quote from
            return _dont_know(question, kind, context.llm.engine, task.language)
        completion = await context.llm.chat(
            ChatRequest(model=MODEL, messages=_conversation(question, kind, hits), temperature=0.0)
        )
        answer = (completion.content or "").strip()
        used = _passages_used(answer, hits)
        confidence = _confidence(question, kind, answer, used)
        if confidence < THRESHOLD:
            return _dont_know(question, kind, completion.engine, task.language, attempted=answer)
        return AgentResult(
            answer=answer,
            engine=completion.engine,
            confidence=confidence,
            sources=tuple(_source(hit) for hit in used),
            data={
                "question_type": kind,
                "follow_ups": await _follow_ups(question, answer, hits, context),
                "provider": context.llm.name,
            },
            language=task.language,
        )


def _conversation(question: str, kind: QuestionType, hits: list[KnowledgeHit]) -> tuple[ChatMessage, ...]:
    # One system message per passage, so a generative model sees where each one ends; every
    # instruction sentence starts with "Answer" so the extractive engine never quotes it.
    return (
        ChatMessage(role="system", content=_INSTRUCTIONS.format(kind=kind)),
        *(ChatMessage(role="system", content=hit.text) for hit in hits),
        ChatMessage(role="user", content=question),
    )


def _passages_used(answer: str, hits: list[KnowledgeHit]) -> list[KnowledgeHit]:
    """The passages an answer quotes; failing that (a generative answer), the one it overlaps most."""
    quoted = [hit for hit in hits if any(s in hit.text for s in sentences(answer))]
    if quoted or not hits:
        return quoted
    best = max(hits, key=lambda hit: overlap(answer, hit.text))
    return [best] if overlap(answer, best.text) > 0 else []


def _confidence(question: str, kind: QuestionType, answer: str, used: list[KnowledgeHit]) -> float:
    addressed = overlap(question, answer)
    supported = overlap(answer, " ".join(hit.text for hit in used)) if used else 0.0
    shape = 1.0 if fits(kind, answer) else 0.5
    return round((0.6 * addressed + 0.4 * supported) * shape, 2)


async def _follow_ups(
    question: str, answer: str, hits: list[KnowledgeHit], context: AgentContext
) -> list[str]:
    """Questions about what else the passages cover: their keywords not yet asked or answered."""
    rest = " ".join(s for hit in hits for s in sentences(hit.text) if s not in answer)
    if not rest:
        return []
    try:
        extractor: KeywordExtractor = context.port(KeywordExtractor)
        candidates = await extractor.keywords(rest, language="en", limit=MAX_FOLLOW_UPS * 3)
    except LookupError:
        found = [word for word in re.findall(r"[^\W\d_]{4,}", rest) if word.casefold() not in STOP_WORDS]
        candidates = sorted(dict.fromkeys(found), key=lambda word: -found.count(word))
    seen = content_words(question) | content_words(answer)
    topics: list[str] = []
    for candidate in candidates:
        if len(topics) < MAX_FOLLOW_UPS and not content_words(candidate) & seen:
            topics.append(candidate)
            seen |= content_words(candidate)  # "Asha Rao", then not "Rao manages" too
    return [f"What does the material say about {topic}?" for topic in topics]


def _source(hit: KnowledgeHit) -> Source:
    return Source(
        kind="document", id=hit.document_id, title=hit.title, excerpt=hit.text[:300], reference=hit.chunk_id
    )


def _dont_know(
    question: str, kind: QuestionType, engine: str, language: str | None, attempted: str | None = None
) -> AgentResult:
    hindi = language == "hi" or any("\u0900" <= char <= "\u097f" for char in question)
    return AgentResult(
        answer=DONT_KNOW_HINDI if hindi else DONT_KNOW,
        engine=engine,
        confidence=0.1,
        data={"question_type": kind, "follow_ups": [], "attempted": attempted},
        language=language,
    )
