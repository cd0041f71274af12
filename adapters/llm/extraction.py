"""What the extractive engine says, worked out from the conversation alone (blocking, pure CPU).

The question is the last user message (or the part of it that asks, when passages are pasted
into it); the material is every other message plus the rest of that one. Three tasks:

- answer: sentences of the material ranked by BM25 against the question's terms; a sentence
  counts only if it holds at least half of the question's weight (terms weighted by IDF), so a
  sentence that merely shares a common word is not passed off as the answer;
- summary: LexRank (sumy) over the material's sentences, fed our own sentences and terms so
  that nothing reaches for NLTK data;
- keywords: yake over the material.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import yake
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers.lex_rank import LexRankSummarizer

from adapters.llm.sentences import is_hindi, normalise, split_sentences, stop_words, terms, words
from core.ports.llm import ChatMessage

Task = Literal["answer", "summary", "keywords"]

NOT_FOUND = "The material I was given does not answer this."
NOT_FOUND_HINDI = "मुझे दी गई सामग्री में इसका उत्तर नहीं है।"
NOTHING_TO_WORK_ON = "I was given no material to work from."
NOTHING_TO_WORK_ON_HINDI = "मुझे काम करने के लिए कोई सामग्री नहीं दी गई।"

MIN_COVERAGE = 0.5
"""Share of the question's IDF weight a sentence must hold to count as answering it."""
CLOSE_TO_BEST = 0.7
MAX_ANSWER_SENTENCES = 3
MAX_SUMMARY_SENTENCES = 7
LEXRANK_SENTENCE_LIMIT = 400
"""LexRank compares every pair of sentences in Python; past this the lead sentences are used."""
MAX_KEYWORDS = 10

_SUMMARY = re.compile(
    r"\b(summar(y|ies|ise|ize|ising|izing)|sum up|tl;?dr|overview|gist|in short|recap)\b|सारांश|संक्षेप"
)
_KEYWORDS = re.compile(r"\b(key ?words?|key ?phrases?|keyphrases?|tags?|topics)\b|कीवर्ड|मुख्य शब्द")
_COUNT = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(sentences?|key|tags?|words?|points?)"
)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_NUMBERS |= {"nine": 9, "ten": 10}
# A system prompt's instructions to the model are not material to quote or summarise.
_INSTRUCTION = re.compile(
    r"^(you are|you're|you will|answer|respond|reply|use only|only use|do not|don't|be |always|never|"
    r"please|keep your|cite|quote)\b",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"^(?P<ask>[^\n:]{0,200}):\s+(?P<rest>\S.*)$", re.DOTALL)


@dataclass(frozen=True)
class Extract:
    """The pieces of an answer, quoted from the material, and the messages they came from."""

    task: Task
    pieces: list[str]
    joiner: str
    sources: list[int] = field(default_factory=list)
    found: bool = True
    hindi: bool = False


@dataclass(frozen=True)
class _Line:
    text: str
    message: int


def extract(messages: tuple[ChatMessage, ...]) -> Extract:
    ask, material = _split_conversation(messages)
    task = _task(ask)
    hindi = is_hindi(ask) if ask.strip() else any(is_hindi(line.text) for line in material[:5])
    if not material:
        return Extract(
            task, [NOTHING_TO_WORK_ON_HINDI if hindi else NOTHING_TO_WORK_ON], " ", [], False, hindi
        )
    if task == "summary":
        return _summary(ask, material, hindi)
    if task == "keywords":
        return _keywords(ask, material, hindi)
    return _answer(ask, material, hindi)


def _split_conversation(messages: tuple[ChatMessage, ...]) -> tuple[str, list[_Line]]:
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    material: list[_Line] = []
    ask = ""
    for index, message in enumerate(messages):
        text = message.content or ""
        if index == last_user:
            ask, rest = _split_ask(text)
            text = rest
        sentences = split_sentences(text)
        if message.role == "system":
            sentences = [sentence for sentence in sentences if not _INSTRUCTION.match(sentence)]
        material.extend(_Line(sentence, index) for sentence in sentences)
    return ask, material


def _split_ask(text: str) -> tuple[str, str]:
    """The part of the last user message that asks, and the material pasted around it."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) > 1:
        questions = [i for i, p in enumerate(paragraphs) if p.rstrip().endswith("?")]
        first_asks = len(paragraphs[0]) <= 300 and (
            paragraphs[0].endswith(":") or _task(paragraphs[0]) != "answer"
        )
        at = questions[-1] if questions else 0 if first_asks else len(paragraphs) - 1
        return paragraphs[at], "\n\n".join(p for i, p in enumerate(paragraphs) if i != at)
    lead_in = _LEAD_IN.match(text.strip())
    if lead_in and (_task(lead_in["ask"]) != "answer" or lead_in["ask"].rstrip().endswith("?")):
        return lead_in["ask"], lead_in["rest"]
    sentences = split_sentences(text)
    questions = [i for i, s in enumerate(sentences) if s.endswith("?")]
    if len(sentences) > 2 and questions:
        at = questions[-1]
        return sentences[at], " ".join(s for i, s in enumerate(sentences) if i != at)
    return text, ""


def _task(ask: str) -> Task:
    lowered = ask.casefold()
    if _KEYWORDS.search(lowered):
        return "keywords"
    if _SUMMARY.search(lowered):
        return "summary"
    return "answer"


def _asked_count(ask: str, default: int, ceiling: int) -> int:
    found = _COUNT.search(ask.casefold())
    if not found:
        return default
    count = _NUMBERS.get(found[1]) or int(found[1])
    return max(1, min(count, ceiling))


def _answer(ask: str, material: list[_Line], hindi: bool) -> Extract:
    question = set(terms(ask))
    documents = [Counter(terms(line.text)) for line in material]
    idf = _idf(question, documents)
    weight = sum(idf.values())
    average_length = sum(sum(d.values()) for d in documents) / len(documents) or 1.0
    scored: list[tuple[float, int]] = []
    for index, document in enumerate(documents):
        held = sum(idf[term] for term in question if term in document)
        if weight and held / weight >= MIN_COVERAGE:
            scored.append((_bm25(question, document, idf, average_length), index))
    if not scored:
        return Extract("answer", [NOT_FOUND_HINDI if hindi else NOT_FOUND], " ", [], False, hindi)
    best = max(score for score, _ in scored)
    chosen = sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:MAX_ANSWER_SENTENCES]
    keep = sorted(index for score, index in chosen if score >= CLOSE_TO_BEST * best)
    return Extract(
        "answer",
        [material[i].text for i in keep],
        " ",
        sorted({material[i].message for i in keep}),
        True,
        hindi,
    )


def _idf(question: set[str], documents: list[Counter[str]]) -> dict[str, float]:
    count = len(documents)
    return {
        term: math.log(1 + (count - held + 0.5) / (held + 0.5))
        for term in question
        for held in [sum(term in document for document in documents)]
    }


def _bm25(question: set[str], document: Counter[str], idf: dict[str, float], average_length: float) -> float:
    k1, b = 1.2, 0.75
    length = sum(document.values())
    score = 0.0
    for term in question & document.keys():
        frequency = document[term]
        score += idf[term] * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length / average_length))
    return score


class _Words:
    """sumy's tokenizer interface, backed by our word splitter instead of NLTK's punkt."""

    language = "multilingual"

    @staticmethod
    def to_words(sentence: str) -> list[str]:
        return words(sentence)


def _summary(ask: str, material: list[_Line], hindi: bool) -> Extract:
    default = min(MAX_SUMMARY_SENTENCES, max(1, math.ceil(len(material) / 5)))
    count = _asked_count(ask, default, len(material))
    if len(material) <= count:
        chosen = list(range(len(material)))
    elif len(material) > LEXRANK_SENTENCE_LIMIT:
        chosen = list(range(count))
    else:
        chosen = _lexrank(material, count)
    return Extract(
        "summary",
        [material[i].text for i in chosen],
        " ",
        sorted({material[i].message for i in chosen}),
        True,
        hindi,
    )


def _lexrank(material: list[_Line], count: int) -> list[int]:
    tokenizer = _Words()
    sentences = [Sentence(line.text, tokenizer) for line in material]
    summarizer = LexRankSummarizer(normalise)
    summarizer.stop_words = stop_words()
    picked = {id(sentence) for sentence in summarizer(ObjectDocumentModel([Paragraph(sentences)]), count)}
    return [index for index, sentence in enumerate(sentences) if id(sentence) in picked]


def _keywords(ask: str, material: list[_Line], hindi: bool) -> Extract:
    text = " ".join(line.text for line in material)
    count = _asked_count(ask, MAX_KEYWORDS, 30)
    # yake splits sentences with segtok, which knows the full stop but not the danda; its Hindi
    # stop words miss the commonest postpositions, so it gets ours.
    extractor = yake.KeywordExtractor(
        lan="hi" if is_hindi(text) else "en", n=3, top=count * 3, stopwords=set(stop_words())
    )
    candidates = extractor.extract_keywords(text.replace("।", ".").replace("॥", "."))
    found: list[str] = []
    for keyword, _ in candidates:
        # "Pune warehouse" says nothing that "Pune warehouse holds", already chosen, does not
        if not any(set(words(keyword)) <= set(words(kept)) for kept in found) and len(found) < count:
            found.append(keyword)
    sources = sorted({line.message for line in material})
    if not found:
        return Extract("keywords", [NOT_FOUND_HINDI if hindi else NOT_FOUND], " ", [], False, hindi)
    return Extract("keywords", found, ", ", sources, True, hindi)
