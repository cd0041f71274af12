"""The summariser: asks the LLM port for a summary of so many sentences and lays it out.

On the embedded default the engine is extractive, so the summary is made of the source's own
sentences (LexRank), in its language; a generative provider writes its own, told to keep the
language. The text goes in a message of its own, before the ask, so nothing in it can be
mistaken for the instruction.
"""

import math
import re
from typing import ClassVar, Literal

import msgspec

from core.domain.errors import RuleViolated
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.llm import ChatMessage, ChatRequest
from core.ports.vaani import LanguageDetector
from plugins.inputs import read_inputs
from plugins.text import sentences

MODEL = "default"
Length = Literal["short", "medium", "long"]
Style = Literal["bullets", "executive", "detailed"]
SENTENCES: dict[Length, int] = {"short": 2, "medium": 4, "long": 7}
SHARE_OF_SOURCE: dict[Length, float] = {"short": 0.2, "medium": 0.35, "long": 0.5}
"""A summary never runs past this share of the source's sentences (rounded up)."""
DETAILED_EXTRA = 2
MAX_TEXT_CHARS = 150_000


class SummaryOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    length: Length = "medium"
    style: Style = "executive"
    file_id: str | None = None
    """A text file in the file store to summarise instead of ``task.text``."""


class SummarizerAgent(Agent):
    name = "summarizer"
    title = "Summariser"
    description = (
        "Summarises a text or an uploaded text file (short, medium or long; as bullets, an executive "
        "paragraph or in detail), in the text's own language."
    )
    version = "0.1.0"
    examples = (
        "Summarise this report",
        "Give me the gist of this document in bullets",
        "TL;DR of the meeting notes",
        "boil this article down to three sentences",
        "can you shorten this into an executive summary",
        "what are the main points of this long email",
        "condense my uploaded report into a paragraph",
        "इस लेख का सारांश दीजिए",
        "इस रिपोर्ट के मुख्य बिंदु संक्षेप में बताओ",
        "इस लंबे ईमेल को छोटा करके बताइए",
        "बैठक के नोट्स का सार बिंदुवार दो",
        "is article ka summary do",
        "is report ko chhota karke batao",
        "meeting notes ke main points bullet me de do",
        "ye lamba email short me samjha do",
        "give me the short version of this post",
        "just the decisions from these minutes as bullet points",
        "uploaded chapter ka detailed summary chahiye",
        "इस कार्यवाही के मुख्य फ़ैसले बिंदुवार दो",
        "रिपोर्ट का पाँच लाइन में सार",
    )
    keywords: ClassVar[tuple[str, ...]] = ("summary", "summarise", "summarize", "tl;dr", "gist", "सारांश")
    input_schema = SummaryOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, SummaryOptions)
        text, source = await _material(task, options, context)
        total = len(sentences(text))
        if total == 0:
            return AgentResult(answer="There is no text to summarise.", engine="rules", confidence=0.0)
        count = _sentence_count(options, total)
        language = task.language or await _language(text, context)
        completion = await context.llm.chat(
            ChatRequest(
                model=MODEL,
                messages=(
                    ChatMessage(role="user", content=text),
                    ChatMessage(role="user", content=_ask(options.style, count, language)),
                ),
                temperature=0.0,
            )
        )
        picked = sentences(completion.content or "")
        return AgentResult(
            answer=_layout(picked, options.style),
            engine=completion.engine,
            confidence=0.8 if picked else 0.0,
            sources=(source,),
            data={
                "engine": completion.engine,
                "provider": context.llm.name,
                "length": options.length,
                "style": options.style,
                "sentences": len(picked),
                "source_sentences": total,
            },
            language=language,
        )


async def _material(task: AgentTask, options: SummaryOptions, context: AgentContext) -> tuple[str, Source]:
    if options.file_id is None:
        # In a plan, the words are the instruction and the step before gave the text.
        text = (task.previous or _without_request(task.text))[:MAX_TEXT_CHARS]
        return text, Source(kind="input", id="text", excerpt=text[:200])
    stored = await context.files.get(options.file_id)
    if not stored.file.content_type.startswith("text/"):
        raise RuleViolated(
            f"file {options.file_id} is {stored.file.content_type}; the summariser reads text files only",
            file_id=options.file_id,
        )
    text = stored.data.decode("utf-8", errors="replace")[:MAX_TEXT_CHARS]
    return text, Source(kind="file", id=options.file_id, excerpt=text[:200])


def _sentence_count(options: SummaryOptions, total: int) -> int:
    wanted = SENTENCES[options.length] + (DETAILED_EXTRA if options.style == "detailed" else 0)
    return max(1, min(wanted, math.ceil(total * SHARE_OF_SOURCE[options.length])))


async def _language(text: str, context: AgentContext) -> str | None:
    try:
        detector: LanguageDetector = context.port(LanguageDetector)
    except LookupError:
        return None
    return (await detector.detect(text[:2000])).language


def _ask(style: Style, count: int, language: str | None) -> str:
    kind = {"bullets": "as bullet points", "executive": "for an executive", "detailed": "in detail"}[style]
    keep = f" Write it in the text's own language ({language})." if language else ""
    return f"Summarise the text above {kind} in {count} sentences.{keep}"


def _layout(picked: list[str], style: Style) -> str:
    if style == "bullets":
        return "\n".join(f"- {sentence}" for sentence in picked)
    if style == "detailed":
        return "\n\n".join(picked)
    return " ".join(picked)


# "Summarise this: <text>" as people type it to /v1/query: the request is not part of the text.
_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum\s+up|give\s+me\s+a\s+summary\s+of|tl;?dr)"
    r"(?:\s+(?:this|the\s+following|it))?(?:\s+(?:text|article|report|passage))?\s*[:\-\u2013]\s*",
    re.IGNORECASE,
)


def _without_request(text: str) -> str:
    return _REQUEST.sub("", text, count=1)
