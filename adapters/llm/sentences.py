"""Sentences and search terms of English and Hindi text, offline.

Sentences come from nupunkt (Punkt with its model inside the wheel; NLTK's punkt data cannot be
downloaded here), then are split again at the danda, which Punkt does not know. Terms are
case-folded words without stop words, English ones Snowball-stemmed (NLTK's stemmer needs no
data) and Hindi ones stripped of a few inflectional suffixes, so "deliveries" meets "delivery"
and "किताबों" meets "किताब".
"""

import re
import unicodedata
from functools import cache
from importlib import resources

import nupunkt
from nltk.stem.snowball import EnglishStemmer
from sumy.utils import get_stop_words

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# Python's \w leaves out the vowel signs and viramas of Indic scripts, which would cut every Hindi
# word apart; U+0900-U+0DFF covers Devanagari to Sinhala, less the two dandas.
_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u0dff])+(?:['\u2019](?:[^\W_])+)*")
_DANDA_END = re.compile(r"(?<=[।॥])\s+")
_LINE_ENDS_SENTENCE = re.compile(r"[.!?।॥:;]['\")\]]*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")

_HINDI_SUFFIXES = sorted(
    [
        "ियों", "ियाँ", "ियां", "ाओं", "ाएँ", "ाएं", "ुओं", "ुएँ", "ुएं", "ोंगे", "ेंगे", "ेंगी",
        "ाना", "ाने", "ाती", "ाता", "ाते", "ों", "ें", "ीं", "ां", "ाँ", "ता", "ती", "ते", "कर",
        "ा", "ी", "े", "ो", "ि", "ु", "ू",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_INSTRUCTION_WORDS = {
    "please", "tell", "answer", "question", "according", "passage", "text", "material",
    "document", "context", "given", "above", "below", "based", "explain", "describe",
    # the second word of "how long", "how many", "how much", "how often": part of the asking
    "long", "many", "much", "often", "far",
    "कृपया", "बताइए", "बताओ", "बताएं", "बताएँ", "उत्तर", "प्रश्न", "अनुसार", "पाठ",
}  # fmt: skip
# yake's Hindi list misses the commonest postpositions, auxiliaries and question words.
_MORE_HINDI_STOP_WORDS = {
    "में", "की", "के", "है", "हैं", "था", "थे", "थी", "हूँ", "हूं", "क्या", "कब", "कहाँ", "कहां",
    "कैसे", "क्यों", "किसने", "किसको", "किसका", "किसकी", "कितने", "कितना", "कितनी", "कौनसी",
}  # fmt: skip
_NOT_STOP_WORDS = {"घर"}  # "home" is a content word, whatever yake's list says


def split_sentences(text: str) -> list[str]:
    """Sentences in order, stripped; list items and paragraphs never run into each other."""
    sentences: list[str] = []
    for block in _blocks(text):
        for sentence in nupunkt.sent_tokenize(block, return_confidence=False):
            assert isinstance(sentence, str)
            sentences.extend(part.strip() for part in _DANDA_END.split(sentence) if part.strip())
    return sentences


def _blocks(text: str) -> list[str]:
    """Lines joined back where a hard wrap cut a sentence, kept apart where a line ends one."""
    blocks: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            blocks.append("")
        elif blocks and blocks[-1] and not _LIST_ITEM.match(line) and _continues(blocks[-1]):
            blocks[-1] = f"{blocks[-1]} {line}"
        else:
            blocks.append(line)
    return [block for block in blocks if block]


def _continues(block: str) -> bool:
    """Whether the next line belongs to this block's last sentence."""
    return not _LINE_ENDS_SENTENCE.search(block) and not _LIST_ITEM.match(block)


def words(text: str) -> list[str]:
    """Case-folded words in order, stop words included."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def terms(text: str) -> list[str]:
    """Normalised content words in order: what two texts must share to be about the same thing."""
    return [normalise(word) for word in words(text) if word not in stop_words()]


def normalise(word: str) -> str:
    if DEVANAGARI.search(word):
        for suffix in _HINDI_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                return word[: -len(suffix)]
        return word
    stem: str = _stemmer().stem(word)
    return stem


def is_hindi(text: str) -> bool:
    """More Devanagari than Latin letters."""
    devanagari = len(DEVANAGARI.findall(text))
    return devanagari > 0 and devanagari >= sum(char.isascii() and char.isalpha() for char in text)


@cache
def stop_words() -> frozenset[str]:
    # yake ships a Hindi list and sumy an English one; both are dependencies already.
    listed = resources.files("yake").joinpath("core/StopwordsList/stopwords_hi.txt").read_text("utf-8")
    hindi = {word.lstrip("\ufeff") for word in listed.split()} | _MORE_HINDI_STOP_WORDS
    english = {word.casefold() for word in get_stop_words("english")}
    return frozenset((english | hindi | _INSTRUCTION_WORDS) - _NOT_STOP_WORDS)


@cache
def _stemmer() -> EnglishStemmer:
    return EnglishStemmer()
