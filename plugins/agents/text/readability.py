"""Flesch reading ease and Flesch-Kincaid grade, for English text.

Syllables are counted by vowel groups with the usual corrections (a silent final "e", "-le",
"-ed"); that is what textstat and most tools do without a pronouncing dictionary, and it is
within a syllable for nearly all words, which is what a readability score can bear.
"""

import re

import msgspec

from plugins.text import sentences

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
)


class Readability(msgspec.Struct, frozen=True, kw_only=True):
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    band: str
    sentences: int
    words: int
    syllables: int


def syllables(word: str) -> int:
    word = word.casefold().removesuffix("'s")
    count = len(_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # "make", "hope": the final e is silent
    if word.endswith("ed") and len(word) > 3 and word[-3] not in "td" and count > 1:
        count -= 1  # "jumped", "called": -ed adds no syllable after most consonants
    return max(1, count)


def readability(text: str) -> Readability | None:
    """None for text with no English words to measure."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentence_count = max(1, len(sentences(text)))
    syllable_count = sum(syllables(word) for word in words)
    words_per_sentence = len(words) / sentence_count
    syllables_per_word = syllable_count / len(words)
    ease = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
    grade = 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
    return Readability(
        flesch_reading_ease=round(ease, 1),
        flesch_kincaid_grade=round(max(grade, 0.0), 1),
        band=next(name for floor, name in _BANDS if ease >= floor),
        sentences=sentence_count,
        words=len(words),
        syllables=syllable_count,
    )
