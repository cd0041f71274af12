"""The Knowledge agent: retrieval-augmented answers from the documents the caller may read.

Retrieval is the platform's (``context.knowledge``: words and meaning, fused by rank, limited to
what the caller may read). The agent judges how strong it was: a passage counts when it holds at
least ``MIN_COVERAGE`` of the question's content words. With none, it says the knowledge base
does not hold the answer (confidence 0.1) rather than pass a weak match off as one. Otherwise the
passages go to ``context.llm`` as system messages (the embedded extractive engine quotes them),
and the sources are the passages the answer used, each with its document's title and the
character offsets of the passage in it.
"""

import re
from typing import ClassVar

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, KnowledgeHit, Source
from core.ports.llm import ChatMessage, ChatRequest
from plugins.text import overlap, sentences

MODEL = "default"
PASSAGES = 5
MIN_COVERAGE = 0.5
NOT_FOUND = "Not found in the knowledge base: no document I can read for you answers this."
NOT_FOUND_HINDI = "ज्ञानकोष में नहीं मिला: आपके लिए पढ़ सकने वाले किसी दस्तावेज़ में इसका उत्तर नहीं है।"
_INSTRUCTIONS = (
    "Answer from the document passages that follow only, and cite none that you do not use. "
    "Answer that the knowledge base does not say when they do not hold the answer. "
    "Answer in the language of the question."
)


class KnowledgeAgent(Agent):
    name = "knowledge"
    title = "Knowledge base"
    description = (
        "Answers from the documents in the knowledge base that you may read (your own and shared "
        "ones), citing each document and passage used; says so when they do not hold the answer."
    )
    version = "0.1.0"
    examples = (
        "What does the handbook say about refunds?",
        "Search my documents for the leave policy",
        "According to the uploaded document, when does the warehouse open?",
        "what is our policy on returns, with the source",
        "how many days of annual leave do employees get per the HR policy",
        "quote the section of the onboarding guide about laptops",
        "according to the product manual how do I reset the device",
        "check our company handbook: can I work from home on Fridays?",
        "दस्तावेज़ के अनुसार गोदाम कब खुलता है?",
        "हमारी रिफंड नीति में क्या लिखा है, स्रोत के साथ बताइए",
        "कंपनी की हैंडबुक के हिसाब से छुट्टियों का नियम क्या है",
        "मैनुअल में मशीन चालू करने का तरीका क्या लिखा है",
        "handbook ke hisaab se refund kitne din me milta hai",
        "company policy me work from home ka kya rule hai, source bhi batao",
        "onboarding document me pehle din kya karna hai",
        "policy document me delivery time kitna likha hai",
        "what does our billing policy say about refunds, with a reference",
        "who do I contact for an ID badge according to the onboarding guide",
        "the warranty policy: who pays for replaced parts? cite the document",
        "वारंटी नीति में क्या लिखा है, दस्तावेज़ का हवाला दीजिए",
        "handbook me probation period kitna likha hai, page bhi batao",
        "how long does delivery to Mumbai take",
        "how many days does shipping to Chennai take",
        "do we ship abroad and what does it cost",
        "when will an order placed today arrive",
        "what are the delivery charges for small orders",
        "दिल्ली तक डिलीवरी में कितने दिन लगते हैं",
        "विदेश में शिपिंग होती है क्या",
        "delivery kitne din me hoti hai bangalore tak",
        "shipping charges kitne lagte hai",
        "find the shipping times in the handbook",
        "look up the returns section of the policy document",
        "हैंडबुक में शिपिंग का समय ढूँढो",
        "handbook me return policy dhundo",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "document",
        "documents",
        "handbook",
        "knowledge",
        "uploaded",
        "policy",
        "दस्तावेज़",
    )

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        question = task.text.strip()
        hits = await context.knowledge.search(question, limit=PASSAGES)
        asked = _without_asking(question)
        # A passage covers what its document's title says too ("Shipping times").
        strong = [hit for hit in hits if overlap(asked, f"{hit.title}\n{hit.text}") >= MIN_COVERAGE]
        if not strong:
            return _not_found(question, context.llm.engine, task.language, retrieved=len(hits))
        if _LOOKUP.match(question) and "?" not in question:
            return _quoted(question, strong[0], len(hits), task.language)
        completion = await context.llm.chat(
            ChatRequest(model=MODEL, messages=_conversation(question, strong), temperature=0.0)
        )
        answer = (completion.content or "").strip()
        used = [hit for hit in strong if any(s in hit.text for s in sentences(answer))] or strong[:1]
        if not answer:
            return _not_found(question, completion.engine, task.language, retrieved=len(hits))
        return AgentResult(
            answer=answer,
            engine=completion.engine,
            confidence=_confidence(question, used),
            sources=tuple(_source(hit) for hit in used),
            data={"retrieved": len(hits), "provider": context.llm.name},
            language=task.language,
        )


_ASKING = re.compile(
    r"\b(?:find|look\s+up|search|show|tell|quote|cite|check|according\s+to|what\s+does|say|says|"
    r"handbook|documents?|policy\s+document|manual|guide|knowledge\s+base|section|page|source)\b",
    re.IGNORECASE,
)


_LOOKUP = re.compile(r"^\s*(?:please\s+)?(?:find|look\s+up|show|get|pull\s+up|search\s+for)\b", re.IGNORECASE)
"""A lookup ("find the shipping times in the handbook") is answered with the passage itself."""


def _quoted(question: str, hit: KnowledgeHit, retrieved: int, language: str | None) -> AgentResult:
    return AgentResult(
        answer=f"{hit.title}: {hit.text.strip()}",
        engine="extractive",
        confidence=_confidence(question, [hit]),
        sources=(_source(hit),),
        data={"retrieved": retrieved, "quoted": True},
        language=language,
    )


def _without_asking(question: str) -> str:
    """The question without the words of asking ("find ... in the handbook"): what a passage
    must cover is what is asked about, not where to look."""
    return _ASKING.sub(" ", question) if _ASKING.sub(" ", question).split() else question


def _conversation(question: str, hits: list[KnowledgeHit]) -> tuple[ChatMessage, ...]:
    # One system message per passage; every instruction sentence starts with "Answer", so the
    # extractive engine never quotes the instructions.
    return (
        ChatMessage(role="system", content=_INSTRUCTIONS),
        *(ChatMessage(role="system", content=hit.text) for hit in hits),
        ChatMessage(role="user", content=question),
    )


def _confidence(question: str, used: list[KnowledgeHit]) -> float:
    """How much of the question the best passage covers, and how high retrieval ranked it."""
    best = max(used, key=lambda hit: overlap(question, hit.text))
    return round(min(0.95, 0.6 * overlap(question, best.text) + 0.4 * best.score), 2)


def _source(hit: KnowledgeHit) -> Source:
    return Source(
        kind="document",
        id=hit.document_id,
        title=hit.title,
        excerpt=hit.text[:300],
        reference=f"{hit.title}, characters {hit.start}-{hit.end} (chunk {hit.chunk_id})",
    )


def _not_found(question: str, engine: str, language: str | None, *, retrieved: int) -> AgentResult:
    hindi = language == "hi" or any("\u0900" <= char <= "\u097f" for char in question)
    return AgentResult(
        answer=NOT_FOUND_HINDI if hindi else NOT_FOUND,
        engine=engine,
        confidence=0.1,
        data={"retrieved": retrieved, "found": False},
        language=language,
    )
