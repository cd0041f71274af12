"""What kind of question was asked, by rules, and what an answer to it should contain."""

import re
from typing import Literal

QuestionType = Literal["definition", "yes-no", "what", "who", "when", "where", "why", "how", "other"]

_PATTERNS: dict[QuestionType, re.Pattern[str]] = {
    "when": re.compile(r"^(when|what time|what year|what date|what day)\b|कब", re.IGNORECASE),
    # "what is X" asks for a definition only when X is one word: "what is the refund period" is not
    "definition": re.compile(
        r"^(define\b|definition of\b|meaning of\b|what (is|are) (an? |the )?[\w-]+\??$|what does .+ mean\b)"
        r"|का अर्थ|का मतलब",
        re.IGNORECASE,
    ),
    "who": re.compile(r"^(who|whom|whose)\b|कौन|किसने|किसको", re.IGNORECASE),
    "where": re.compile(r"^where\b|कहाँ|कहां", re.IGNORECASE),
    "why": re.compile(r"^why\b|क्यों", re.IGNORECASE),
    "how": re.compile(r"^how\b|कैसे|कितन", re.IGNORECASE),
    "yes-no": re.compile(
        r"^(is|are|am|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|must)\b"
        r"|^क्या\s",
        re.IGNORECASE,
    ),
    "what": re.compile(r"^(what|which)\b|क्या", re.IGNORECASE),
}
"""Tried in this order: the narrow rules first (a "when" question may begin with "what")."""
_LEAD_IN = re.compile(r"^(please|so|and|but|ok|okay|tell me|can you tell me|do you know)[, ]+", re.IGNORECASE)

_DATE_OR_TIME = re.compile(
    r"\b(\d{1,4}|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|"
    r"days?|weeks?|months?|years?|hours?|minutes?|morning|evening|night)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")


def question_type(question: str) -> QuestionType:
    asked = _LEAD_IN.sub("", question.strip())
    return next((kind for kind, rule in _PATTERNS.items() if rule.search(asked)), "other")


def fits(kind: QuestionType, answer: str) -> bool:
    """Whether the answer has the shape the question asks for (a date for "when", a name for "who")."""
    if kind == "when":
        return bool(_DATE_OR_TIME.search(answer))
    if kind == "who":
        return bool(_NAME.search(answer)) or bool(re.search(r"[\u0900-\u097f]", answer))
    return True
