"""Small, dependency-free text helpers shared by the built-in agents and the test kit.

Deliberately simple (a regex sentence splitter, a short stop-word list): agents that need more
ask the platform's ports (``KeywordExtractor``, ``LanguageDetector``) through their context.
"""

import re

_SENTENCE_END = re.compile(r"(?<=[.!?।॥])[\"')\]]*\s+|\n\s*\n")
# \w misses the vowel signs of Indic scripts, which would cut Hindi words apart.
_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0dff])+(?:['\u2019][^\W_]+)*")
STOP_WORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have he her his how
    i if in into is it its me my no not of on or our she so than that the their them then there
    these they this those to was we were what when where which who whom whose why will with would
    you your about after before tell me please define meaning explain describe""".split()  # noqa: SIM905 (a word list reads better as prose)
)


def sentences(text: str) -> list[str]:
    """Sentences in order, stripped (at ``.``, ``!``, ``?``, the danda, and blank lines)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def words(text: str) -> list[str]:
    """Case-folded words in order."""
    return [word.casefold() for word in _WORD.findall(text)]


def content_words(text: str) -> set[str]:
    """Words that carry meaning: no stop words, and a crude plural fold (``refunds`` → ``refund``)."""
    return {_singular(word) for word in words(text) if word not in STOP_WORDS and len(word) > 1}


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def overlap(question: str, text: str) -> float:
    """Share of the question's content words that the text holds (0 when it has none)."""
    asked = content_words(question)
    return len(asked & content_words(text)) / len(asked) if asked else 0.0
