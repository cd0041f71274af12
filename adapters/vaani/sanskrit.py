"""Telling Sanskrit from Hindi and Marathi in Devanagari, which no statistical detector we have
knows: the share of words that carry Sanskrit's marks, vetoed by Hindi or Marathi function words.

The marks: a word ending in visarga (U+0903) or a virama (्: ``अहम्``, ``प्रचोदयात्``), the nasal
conjuncts modern Hindi writes with anusvara (ङ्, ञ्: ``सञ्जय``), the avagraha (ऽ), declension
endings rare in the modern languages, and a lexicon of frequent indeclinables and pronouns.
"""

import re
from typing import Final


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEXICON: Final = _word_set(
    "च एव चैव अपि इति हि तु वा न यथा तथा यदा तदा सः सा तत् तस्य तस्मै अहम् त्वम् वयम् यूयम् मम तव "
    "अस्ति सन्ति भवति भवन्ति अस्मि असि किम् कथम् कुत्र अत्र तत्र सर्वे सर्वम् नमः ॐ इदम् अयम् "
    "एतत् यत् यः येन तेन स्वः ओम् श्रीः उवाच मा"
)
ENDINGS: Final = ("स्य", "ेषु", "ाभ्याम्", "ेभ्यः", "ानाम्", "ात्", "ाम्", "न्ति", "ामि", "ेन", "त्वा")
HINDI_OR_MARATHI: Final = _word_set(
    "है हैं था थे थी का की के में और से को ने नहीं भी यह वह कि पर लिए रहा रही "
    "आहे आहेत होता होते आणि मी तू ला नाही पण तो ती आम्ही"
)
VISARGA: Final = "\u0903"
VIRAMA: Final = "\u094d"
AVAGRAHA: Final = "\u093d"
_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097F\uA8E0-\uA8FF]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def looks_sanskrit(word: str) -> bool:
    return (
        word in LEXICON
        or word.endswith((VISARGA, VIRAMA))
        or any(mark in word for mark in ("ङ्", "ञ्", AVAGRAHA))
        or word.endswith(ENDINGS)
    )


def sanskrit_share(text: str) -> float:
    """0-1: how much of the Devanagari text reads as Sanskrit; 0 once a Hindi or Marathi
    function word appears (those words do not occur in Sanskrit)."""
    found = words(text)
    if not found or any(word in HINDI_OR_MARATHI for word in found):
        return 0.0
    return sum(map(looks_sanskrit, found)) / len(found)
