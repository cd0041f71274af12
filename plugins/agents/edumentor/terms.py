"""Key terms of a study text, by rules: what a quiz question may blank out and offer as options.

A key term is a word that carries the subject (``chlorophyll``, ``glucose``, ``1905``, ``Newton``),
not a word of the language around it: stop words, general verbs and adverbs, and short words are
left out. Each term has a kind (a number, a name, or a common term) and a script, so that a
multiple-choice question offers options of one kind only: years against years, names against
names. Terms that occur in more sentences rank first; ties keep the order of the material.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from plugins.text import STOP_WORDS

Kind = Literal["number", "name", "term"]

MIN_LATIN = 4
MIN_DEVANAGARI = 3
# Indic letters and vowel signs (\w alone misses the signs, cutting Hindi words apart), but not
# the danda (U+0964-5) nor Devanagari digits (U+0966-F).
_LETTER = r"(?:[^\W\d_]|[\u0900-\u0963\u0970-\u0dff])"
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)*|{_LETTER}+(?:['\u2019-]{_LETTER}+)*")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_GENERAL = frozenset(
    """also other others many much more most some such each every very just only even both either
    neither then than thus therefore however although because while during through throughout
    within without across along among around above below between under over again once here there
    well like used uses using make makes made take takes taken took give gives given gave call
    called calls known become becomes became need needs keep keeps kept help helps show shows
    shown find finds found form forms place places part parts kind kinds type types thing things
    way ways time times first second third last next same different several various certain
    large small great little long short high low good best better new old own main mostly often
    usually always never sometimes into onto upon after before since until against toward towards
    what which their there these those this that they them were been being have having does done
    doing could would should shall might must will can cannot about people example process
    amount number level levels include includes including red blue green yellow white black brown
    tiny huge whole full free simple common important major minor special possible able available
    open clear real true false early late easy hard natural general specific particular similar
    total entire useful later earlier began begun became led spread held left brought built went came
    told felt""".split()  # noqa: SIM905 (reads as prose)
)
HINDI_STOP = frozenset(
    """और तथा या है हैं था थे थी थीं हो होता होती होते होना होने कर करता करती करते करना करने किया
    किए की का के को में से पर ने भी यह वह ये वे इस उस इन उन इसे उसे एक कुछ सब सभी जो जिस जिन
    कि तो ही तक लिए द्वारा साथ बाद पहले अपने अपनी अपना बहुत अधिक कम जब तब यदि अगर लेकिन
    परंतु किंतु क्योंकि जैसे वाला वाली वाले रहा रही रहे गया गई गए जाता जाती जाते सकता सकती
    सकते जिसे जिसमें जिससे जिसका जिसकी जिनमें जहां जहाँ वहां वहाँ यहां यहाँ ऊपर नीचे अंदर बाहर बीच
    लगातार रूप तरह प्रकार प्रक्रिया कहते कहा कहलाता कहलाती बनता बनती बनते बनकर होकर जाकर करके
    रहता रहती रहते उठता उठती गिरता गिरती होती होते वाले दूसरे दूसरी पहला पहली हर कई""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Term:
    key: str
    """Case-folded, plural folded: ``Chloroplasts`` and ``chloroplast`` are one term."""
    text: str
    """As an option shows it: names keep their capitals, common terms are lower case."""
    kind: Kind
    script: str
    sentences: int
    """In how many sentences of the material it occurs."""
    first: int

    @property
    def family(self) -> tuple[Kind, str]:
        """Terms of one family may stand in for each other as options."""
        return self.kind, self.script


def fold(word: str) -> str:
    word = word.casefold().replace("\u2019", "'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def key_terms(sentences: list[str]) -> dict[str, Term]:
    """The material's key terms by key, best first."""
    mid_capitals = {
        token.group()
        for sentence in sentences
        for token in list(_TOKEN.finditer(sentence))[1:]
        if token.group()[:1].isupper()
    }
    found: dict[str, tuple[str, Kind, set[int], int]] = {}
    order = 0
    for index, sentence in enumerate(sentences):
        for surface, kind in _candidates(sentence, mid_capitals):
            key = fold(surface)
            if key not in found:
                shown = surface if kind != "term" or surface.isupper() else surface.casefold()
                found[key] = (shown, kind, set(), order)
                order += 1
            found[key][2].add(index)
    terms = [
        Term(key=key, text=shown, kind=kind, script=_script(shown), sentences=len(seen), first=first)
        for key, (shown, kind, seen, first) in found.items()
    ]
    terms.sort(key=lambda term: (-term.sentences, -min(len(term.text), 12), term.first))
    return {term.key: term for term in terms}


def tokens(text: str) -> list[str]:
    """Words and numbers in order, as written."""
    return [token.group() for token in _TOKEN.finditer(text)]


def terms_in(sentence: str, terms: dict[str, Term]) -> list[Term]:
    """The key terms a sentence holds, best first."""
    held = {fold(token.group()) for token in _TOKEN.finditer(sentence)}
    return [term for key, term in terms.items() if key in held]


def blank(sentence: str, term: Term, gap: str = "_____") -> str:
    """The sentence with every occurrence of the term replaced by a gap."""
    return _TOKEN.sub(lambda token: gap if fold(token.group()) == term.key else token.group(), sentence)


def surface_in(sentence: str, term: Term) -> str:
    """How the sentence itself spells the term (``Oxygen`` at its start)."""
    return next((t.group() for t in _TOKEN.finditer(sentence) if fold(t.group()) == term.key), term.text)


def _candidates(sentence: str, mid_capitals: set[str]) -> Iterable[tuple[str, Kind]]:
    found = tokens(sentence)
    for position, word in enumerate(found):
        if word[0].isdigit():
            if not re.fullmatch(r"[0-9]", word):  # "3 steps": too small to be a fact worth asking
                yield word, "number"
        elif _DEVANAGARI.search(word):
            if len(word) >= MIN_DEVANAGARI and word not in HINDI_STOP:
                yield word, "term"
        elif _is_term(word):
            # a capital opening a sentence marks a name only if the word is capitalised elsewhere
            # too, or a capitalised word follows ("Napoleon Bonaparte")
            follows = position + 1 < len(found) and found[position + 1][:1].isupper()
            capital = word[:1].isupper() and (position > 0 or word in mid_capitals or follows)
            yield word, "name" if capital and not word.isupper() else "term"


def _is_term(word: str) -> bool:
    lowered = word.casefold()
    if len(lowered) < MIN_LATIN or lowered in STOP_WORDS or lowered in _GENERAL:
        return False
    if fold(lowered) in _GENERAL:
        return False
    # adverbs and most inflected verbs ("quickly", "released", "making") are not what a
    # question should ask for; nouns seldom end this way
    return not (len(lowered) > 5 and lowered.endswith(("ly", "ed", "ing")))


def _script(text: str) -> str:
    return "devanagari" if _DEVANAGARI.search(text) else "latin"
