"""Quizzes made from the material's own sentences, and their grading.

Each question is one real sentence with one key term taken out. A multiple-choice question offers
that term among three other key terms of the same family from the material (never one the
sentence itself shows); the options are shuffled by a generator seeded from the question's text,
so the same material always makes the same quiz. When the material has too few terms of that
family, the question is a cloze (fill in the blank) instead. The key stays in session memory.
"""

import random
import zlib
from typing import Literal

import msgspec

from core.ports.agents import KnowledgeHit
from plugins.agents.edumentor.phrases import say
from plugins.agents.edumentor.terms import Term, blank, fold, key_terms, surface_in, terms_in, tokens
from plugins.text import sentences

QuestionKind = Literal["choice", "cloze"]
Style = Literal["mixed", "choice", "cloze"]
LETTERS = "ABCD"
DISTRACTORS = 3
MIN_WORDS = 6
"""A shorter sentence leaves too little to answer from once a word is blanked."""


class Question(msgspec.Struct, kw_only=True):
    """A question as the learner sees it."""

    number: int
    kind: QuestionKind
    prompt: str
    options: list[str] = msgspec.field(default_factory=list)


class KeyedQuestion(Question, kw_only=True):
    """A question with its key and where it comes from: kept in memory, never shown before grading."""

    answer: str
    sentence: str
    document_id: str
    title: str
    reference: str

    def shown(self) -> Question:
        return Question(number=self.number, kind=self.kind, prompt=self.prompt, options=self.options)


class Quiz(msgspec.Struct, kw_only=True):
    topic: str
    questions: list[KeyedQuestion]
    hindi: bool = False
    """Asked for in Hindi: the quiz and its grading are framed in Hindi."""


class Score(msgspec.Struct, kw_only=True):
    topic: str
    correct: int
    total: int
    at: str


class Progress(msgspec.Struct, kw_only=True):
    quizzes_taken: int = 0
    scores: list[Score] = msgspec.field(default_factory=list)


class Marked(msgspec.Struct, kw_only=True):
    number: int
    correct: bool
    given: str | None
    answer: str
    source: str
    """The sentence the question was made from, quoted in the feedback."""
    feedback: str


def make_quiz(
    topic: str, hits: list[KnowledgeHit], *, count: int, style: Style, avoid: set[str], hindi: bool = False
) -> Quiz:
    """Up to ``count`` questions, one per sentence, in the material's order; ``avoid`` holds the
    topic's own words, which the question would give away."""
    lines = [(hit, s) for hit in hits for s in sentences(hit.text) if len(tokens(s)) >= MIN_WORDS]
    # the topic's words are neither asked for nor offered: as options they are plainly wrong
    terms = {key: term for key, term in key_terms([s for _, s in lines]).items() if key not in avoid}
    used: set[str] = set()
    questions: list[KeyedQuestion] = []
    for hit, sentence in lines:
        if len(questions) == count:
            break
        wants_choice = style == "choice" or (style == "mixed" and len(questions) % 2 == 0)
        made = _question(len(questions) + 1, hit, sentence, terms, used, wants_choice, style)
        if made is not None:
            used.add(fold(made.answer))
            questions.append(made)
    return Quiz(topic=topic, questions=questions, hindi=hindi)


def _question(
    number: int,
    hit: KnowledgeHit,
    sentence: str,
    terms: dict[str, Term],
    avoid: set[str],
    wants_choice: bool,
    style: Style,
) -> KeyedQuestion | None:
    held = [term for term in terms_in(sentence, terms) if term.key not in avoid]
    if not held:
        return None
    shown_keys = {term.key for term in terms_in(sentence, terms)}
    options_for = {term.key: _distractors(term, terms, shown_keys) for term in held}
    if wants_choice:
        choosable = [term for term in held if len(options_for[term.key]) >= DISTRACTORS]
        if choosable or style == "choice":
            if not choosable:
                return None
            return _choice(number, hit, sentence, choosable[0], options_for[choosable[0].key])
    term = held[0]
    return _keyed(number, hit, sentence, term, "cloze", blank(sentence, term), [])


def _distractors(term: Term, terms: dict[str, Term], shown: set[str]) -> list[Term]:
    return [t for t in terms.values() if t.family == term.family and t.key not in shown]


def _choice(number: int, hit: KnowledgeHit, sentence: str, term: Term, others: list[Term]) -> KeyedQuestion:
    prompt = blank(sentence, term)
    chance = random.Random(zlib.crc32(prompt.encode()))  # noqa: S311 (a shuffle, not a secret)
    picked = chance.sample(others[: DISTRACTORS * 3], DISTRACTORS)
    options = [term.text, *(other.text for other in picked)]
    chance.shuffle(options)
    return _keyed(number, hit, sentence, term, "choice", prompt, options)


def _keyed(
    number: int,
    hit: KnowledgeHit,
    sentence: str,
    term: Term,
    kind: QuestionKind,
    prompt: str,
    options: list[str],
) -> KeyedQuestion:
    answer = term.text if kind == "choice" else surface_in(sentence, term)
    return KeyedQuestion(
        number=number,
        kind=kind,
        prompt=prompt,
        options=options,
        answer=answer,
        sentence=sentence,
        document_id=hit.document_id,
        title=hit.title,
        reference=hit.chunk_id,
    )


def grade(quiz: Quiz, answers: list[str]) -> list[Marked]:
    """One mark per question; a missing answer is wrong. A choice may be answered by its letter
    (``B``, ``b)``) or its words; case and a plural ``s`` do not matter."""
    marks: list[Marked] = []
    for index, question in enumerate(quiz.questions):
        given = answers[index].strip() if index < len(answers) and answers[index].strip() else None
        chosen = _chosen(question, given) if given is not None else None
        correct = chosen is not None and _same(chosen, question.answer)
        marks.append(
            Marked(
                number=question.number,
                correct=correct,
                given=given,
                answer=question.answer,
                source=question.sentence,
                feedback=_feedback(question, given, chosen, correct, quiz.hindi),
            )
        )
    return marks


def _chosen(question: KeyedQuestion, given: str) -> str:
    letter = given.strip(" .)(:").upper()
    if question.kind == "choice" and len(letter) == 1 and letter in LETTERS[: len(question.options)]:
        return question.options[LETTERS.index(letter)]
    return given


def _same(given: str, answer: str) -> bool:
    return [fold(w) for w in tokens(given)] == [fold(w) for w in tokens(answer)]


def _feedback(
    question: KeyedQuestion, given: str | None, chosen: str | None, correct: bool, hindi: bool
) -> str:
    said = f'"{question.sentence}" ({question.title})'
    if correct:
        return say("right", hindi, answer=question.answer, said=said)
    if given is None:
        return say("unanswered", hindi, answer=question.answer, said=said)
    return say("wrong", hindi, chosen=chosen, answer=question.answer, said=said)


def layout(quiz: Quiz) -> str:
    """The questions as text, without the key."""
    lines = [say("quiz_header", quiz.hindi, topic=quiz.topic, count=len(quiz.questions))]
    for question in quiz.questions:
        lines.append(f"{question.number}. {question.prompt}")
        if question.options:
            lines.append("   " + "   ".join(f"{LETTERS[i]}) {o}" for i, o in enumerate(question.options)))
    lines.append(say("quiz_footer", quiz.hindi))
    return "\n".join(lines)
