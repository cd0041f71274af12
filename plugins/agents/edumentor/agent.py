"""EduMentor: explains a topic from the knowledge base at the learner's level, quizzes them on it,
and grades their answers, keeping their progress in session memory.

The explanation goes through the LLM port with the passages as system messages and the ask last:
on the embedded (extractive) engine it is made of the material's own sentences, fewer for a
beginner and more for an advanced learner; a generative provider writes it, told to keep to the
passages. Quizzes and grading are rules (``quiz.py``): no model is trusted with the answer key.
Passages count only when they hold at least half of the topic's words, so a stray shared word
does not make a lesson; with none, the agent says it has no material.
"""

import re
from typing import Any, ClassVar, Literal

import msgspec

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, KnowledgeHit, Source
from core.ports.llm import ChatMessage, ChatRequest
from plugins.agents.edumentor.phrases import say
from plugins.agents.edumentor.quiz import Progress, Quiz, Score, Style, grade, layout, make_quiz
from plugins.agents.edumentor.terms import HINDI_STOP, fold, key_terms, tokens
from plugins.inputs import read_inputs
from plugins.text import STOP_WORDS, overlap, sentences

MODEL = "default"
Mode = Literal["explain", "quiz", "grade"]
Level = Literal["beginner", "intermediate", "advanced"]
SENTENCES: dict[Level, int] = {"beginner": 2, "intermediate": 4, "advanced": 6}
KEY_TERMS: dict[Level, int] = {"beginner": 0, "intermediate": 4, "advanced": 8}
MAX_PASSAGES = 5
RELEVANT = 0.5
"""Share of the topic's words a passage must hold to be material for it."""
_ASK: dict[Level, str] = {
    "beginner": "for a beginner, in short, simple sentences and everyday words",
    "intermediate": "for a learner who knows the basics, covering the main ideas and how they connect",
    "advanced": "for an advanced learner, in depth, with the precise terms, mechanisms and details",
}
_QUIZ = re.compile(
    r"\b(quiz|quizzes|test me|test my|examine me|mcqs?|practice questions)\b|क्विज|परीक्षा ल|टेस्ट ल|"
    r"प्रश्न पूछ|\b(pariksha|test|quiz)\s+(lo|lijiye|le lo|lelo)\b|\bsawaal|\bsawal",
    re.IGNORECASE,
)
_ANSWERS = re.compile(
    r"^\s*(?:my\s+|mere\s+)?(?:answers?|उत्तर|jawab|javab)\s*(?:are|is|hain|हैं)?\s*[:=-]\s*(?P<list>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_BEGINNER = re.compile(
    r"\b(simply|simple|beginners?|basics?|easy|eli5|like i'?m (five|5)|aasan|asaan|saral)\b|आसान|सरल",
    re.IGNORECASE,
)
_ADVANCED = re.compile(r"\b(in depth|in detail|detailed|advanced|deep dive|thorough|vistar)\b|विस्तार", re.I)
# Words that ask for a lesson rather than name its topic.
_REQUEST_WORDS = frozenset(
    """explain explanation teach teaching lesson lessons learn learning quiz quizzes test understand
    study topic simple simply simpler beginner beginners intermediate advanced level detail detailed
    depth help give make want know question questions mcq mcqs basics basic easy some on eli5 like
    i'm five deep dive thorough practice examine quick short just learned learnt studied today now
    again hindi english samjhao samjhaiye samjhayein sikhao sikhaiye batao bataiye mujhe hai kya par
    pe baare mein lo lijiye chahiye aasan asaan saral vistar pariksha sawal sawaal समझाइए समझाओ
    समझाएं सिखाइए सिखाओ बताइए बताओ मुझे बारे पाठ क्विज क्विज़ परीक्षा टेस्ट लीजिए लो सरल आसान
    विस्तार प्रश्न पूछिए पूछो हिंदी""".split()  # noqa: SIM905 (a word list reads better as prose)
)


class EduMentorOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    mode: Mode | None = None
    """Unset: ``grade`` when answers are given, ``quiz`` when the text asks for one, else ``explain``."""
    level: Level | None = None
    """Unset: read from the text ("simply", "in depth"), else ``intermediate``."""
    questions: int = 5
    """How many questions a quiz has (1-10)."""
    style: Style = "mixed"
    """``mixed`` alternates multiple choice and fill-in-the-blank; ``choice`` or ``cloze`` only."""
    answers: list[str] | None = None
    """For ``grade``: one answer per question, an option letter or the words."""


class EduMentorAgent(Agent):
    name = "edumentor"
    title = "EduMentor"
    description = (
        "Explains a topic from the knowledge base at a beginner, intermediate or advanced level, "
        "quizzes you on it (multiple choice and fill in the blank, made from the material's own "
        "sentences), grades your answers quoting the source, and keeps your progress in the session."
    )
    version = "0.1.0"
    examples = (
        "Explain photosynthesis to me simply",
        "Teach me about the water cycle in depth",
        "Give me a lesson on Newton's laws of motion",
        "Quiz me on the French Revolution",
        "Test me on what we just learned",
        "प्रकाश संश्लेषण समझाइए",
        "मुझे जल चक्र के बारे में सिखाइए",
        "photosynthesis samjhao",
        "mujhe gravity sikhao",
        "water cycle par quiz lo",
        "explain fractions from the very beginning",
        "make 5 multiple choice questions on the Mughal empire",
        "create a fill in the blanks test on Indian geography",
        "check my answer: water boils at 90 degrees",
        "show my learning progress so far",
        "I'm a beginner, teach me blockchain simply",
        "explain calculus derivatives in depth with examples",
        "भिन्न शुरुआत से समझाओ",
        "इतिहास पर पाँच बहुविकल्पीय प्रश्न बनाओ",
        "मेरा उत्तर जाँचो",
        "मेरी पढ़ाई की प्रगति दिखाओ",
        "अवकलज को उदाहरणों के साथ गहराई से समझाइए",
        "blockchain simple me samjhao",
        "geography pe fill in the blanks test bana do",
        "mera answer check karo sahi hai kya",
        "meri progress kaisi chal rahi hai",
        "advanced level pe samjhao",
        "make a small quiz for my kid on this",
        "इस पर बच्चों के लिए एक छोटी क्विज़ बनाओ",
        "is topic pe ek quiz bana do",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "explain",
        "teach",
        "lesson",
        "learn",
        "quiz",
        "test me",
        "study",
        "समझाइए",
        "सिखाइए",
        "क्विज़",
        "samjhao",
        "sikhao",
    )
    input_schema = EduMentorOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, EduMentorOptions)
        typed = _ANSWERS.match(task.text)
        mode = options.mode or (
            "grade"
            if options.answers is not None or typed
            else "quiz"
            if _QUIZ.search(task.text)
            else "explain"
        )
        hindi = task.language == "hi" or bool(re.search(r"[\u0900-\u097f]", task.text))
        if mode == "grade":
            answers = options.answers if options.answers is not None else _typed_answers(typed)
            return await _grade(answers, hindi, task, context)
        topic = _topic(task.text) or str(await context.memory.recall("topic") or "")
        if not topic:
            return _nothing(task, say("no_topic", hindi))
        hits = [
            h
            for h in await context.knowledge.search(topic, limit=MAX_PASSAGES)
            if overlap(topic, h.text) >= RELEVANT
        ]
        if not hits:
            return _nothing(task, say("no_material", hindi, topic=topic), topic=topic)
        await context.memory.remember("topic", topic)
        if mode == "quiz":
            return await _quiz(topic, hits, options, hindi, task, context)
        level = options.level or _level(task.text)
        return await _explain(topic, hits, level, hindi, task, context)


async def _explain(
    topic: str, hits: list[KnowledgeHit], level: Level, hindi: bool, task: AgentTask, context: AgentContext
) -> AgentResult:
    count = SENTENCES[level]
    keep = " Write it in Hindi." if hindi else ""
    ask = (
        f"Give an overview of {topic} in {count} sentences {_ASK[level]}, from the passages above only.{keep}"
    )
    completion = await context.llm.chat(
        ChatRequest(
            model=MODEL,
            messages=(
                *(ChatMessage(role="system", content=hit.text) for hit in hits),
                ChatMessage(role="user", content=ask),
            ),
            temperature=0.0,
        )
    )
    picked = sentences(completion.content or "")
    material = " ".join(hit.text for hit in hits)
    quoted = [s for s in picked if s in material]
    used = [hit for hit in hits if any(s in hit.text for s in quoted)] or _closest(picked, hits)
    if not picked or not used:
        return _nothing(task, say("no_material", hindi, topic=topic), topic=topic)
    supported = (
        len(quoted) / len(picked)
        if completion.engine == "extractive"
        else overlap(" ".join(picked), material)
    )
    avoid = {fold(w) for w in tokens(topic)}
    terms = [t.text for t in key_terms(picked).values() if t.key not in avoid][: KEY_TERMS[level]]
    parts = [" ".join(picked), *([say("key_terms", hindi, terms=", ".join(terms))] if terms else [])]
    return AgentResult(
        answer="\n\n".join([*parts, say("try_quiz", hindi, topic=topic)]),
        engine=completion.engine,
        confidence=round(min(0.9, 0.4 + 0.5 * supported), 2),
        sources=tuple(_source(hit) for hit in used),
        data={
            "mode": "explain",
            "topic": topic,
            "level": level,
            "explanation": picked,
            "key_terms": terms,
            "provider": context.llm.name,
        },
        language="hi" if hindi else task.language,
    )


async def _quiz(
    topic: str,
    hits: list[KnowledgeHit],
    options: EduMentorOptions,
    hindi: bool,
    task: AgentTask,
    context: AgentContext,
) -> AgentResult:
    count, avoid = min(max(options.questions, 1), 10), {fold(w) for w in tokens(topic)}
    quiz = make_quiz(topic, hits, count=count, style=options.style, avoid=avoid, hindi=hindi)
    if not quiz.questions:
        return _nothing(task, say("thin", hindi, topic=topic), topic=topic)
    await context.memory.remember("quiz", msgspec.to_builtins(quiz))
    progress = await _progress(context)
    return AgentResult(
        answer=layout(quiz),
        engine="rules",
        confidence=0.8,
        sources=_quoted(quiz),
        data={
            "mode": "quiz",
            "topic": topic,
            "questions": [msgspec.to_builtins(q.shown()) for q in quiz.questions],
            "progress": msgspec.to_builtins(progress),
        },
        language="hi" if hindi else task.language,
    )


async def _grade(answers: list[str], hindi: bool, task: AgentTask, context: AgentContext) -> AgentResult:
    remembered = await context.memory.recall("quiz")
    if not remembered:
        return _nothing(task, say("no_quiz", hindi), mode="grade")
    if not any(answer.strip() for answer in answers):  # the quiz stays open for the real answers
        return _nothing(task, say("no_answers", hindi), mode="grade")
    quiz = msgspec.convert(remembered, Quiz)
    marks = grade(quiz, answers)
    correct = sum(mark.correct for mark in marks)
    progress = await _progress(context)
    progress.quizzes_taken += 1
    at = context.clock.now().isoformat()
    progress.scores.append(Score(topic=quiz.topic, correct=correct, total=len(marks), at=at))
    await context.memory.remember("progress", msgspec.to_builtins(progress))
    await context.memory.remember("quiz", None)  # graded once: a second "answers:" does not count twice
    so_far = ", ".join(f"{s.correct}/{s.total}" for s in progress.scores)
    lines = [
        say("score", quiz.hindi, correct=correct, total=len(marks), topic=quiz.topic),
        *(f"{mark.number}. {mark.feedback}" for mark in marks),
        say("progress", quiz.hindi, taken=progress.quizzes_taken, scores=so_far),
    ]
    return AgentResult(
        answer="\n".join(lines),
        engine="rules",
        confidence=0.95,
        sources=_quoted(quiz),
        data={
            "mode": "grade",
            "topic": quiz.topic,
            "score": {"correct": correct, "total": len(marks)},
            "marks": [msgspec.to_builtins(mark) for mark in marks],
            "progress": msgspec.to_builtins(progress),
        },
        language="hi" if quiz.hindi else task.language,
    )


async def _progress(context: AgentContext) -> Progress:
    kept = await context.memory.recall("progress")
    return msgspec.convert(kept, Progress) if kept else Progress()


def _topic(text: str) -> str:
    """The words that name what to study, in the user's order: no request or function words."""
    kept = [
        word
        for word in tokens(text)
        if (low := word.casefold()) not in STOP_WORDS and low not in _REQUEST_WORDS and low not in HINDI_STOP
    ]
    return " ".join(kept).strip(" -'")


def _level(text: str) -> Level:
    if _ADVANCED.search(text):
        return "advanced"
    return "beginner" if _BEGINNER.search(text) else "intermediate"


def _typed_answers(typed: re.Match[str] | None) -> list[str]:
    if typed is None:
        return []
    parts = [part.strip() for part in re.split(r"[,;\n]+", typed["list"]) if part.strip()]
    if len(parts) == 1 and all(len(p) == 1 for p in parts[0].split()):  # "B A C"
        parts = parts[0].split()
    return parts


def _closest(picked: list[str], hits: list[KnowledgeHit]) -> list[KnowledgeHit]:
    """For a written (generative) explanation: the passage it overlaps most, if any."""
    if not picked or not hits:
        return []
    said = " ".join(picked)
    best = max(hits, key=lambda hit: overlap(said, hit.text))
    return [best] if overlap(said, best.text) > 0 else []


def _source(hit: KnowledgeHit) -> Source:
    return Source(
        kind="document", id=hit.document_id, title=hit.title, excerpt=hit.text[:300], reference=hit.chunk_id
    )


def _quoted(quiz: Quiz) -> tuple[Source, ...]:
    """One source per document the questions come from, quoting the first sentence used."""
    first = {q.document_id: q for q in reversed(quiz.questions)}
    return tuple(
        Source(kind="document", id=q.document_id, title=q.title, excerpt=q.sentence, reference=q.reference)
        for q in sorted(first.values(), key=lambda q: q.number)
    )


def _nothing(
    task: AgentTask, answer: str, *, topic: str | None = None, mode: str | None = None
) -> AgentResult:
    data: dict[str, Any] = {"found": False}
    if topic is not None:
        data["topic"] = topic
    if mode is not None:
        data["mode"] = mode
    return AgentResult(answer=answer, engine="rules", confidence=0.1, data=data, language=task.language)
