"""The languages Vaani serves and the scripts they are written in, told apart by Unicode block."""

from collections import Counter
from typing import Final

LANGUAGES: Final = ("en", "hi", "mr", "gu", "ta", "te", "kn", "ml", "bn", "sa")
"""ISO 639-1 codes. Sanskrit (``sa``) is written in Devanagari here."""

LANGUAGE_NAMES: Final = {
    "en": "English",
    "hi": "Hindi",
    "mr": "Marathi",
    "gu": "Gujarati",
    "ta": "Tamil",
    "te": "Telugu",
    "kn": "Kannada",
    "ml": "Malayalam",
    "bn": "Bengali",
    "sa": "Sanskrit",
}

# (first, last, script) of each Unicode block we tell apart; the Indic blocks are 128 wide.
_BLOCKS: Final = (
    (0x0041, 0x024F, "Latin"),
    (0x0900, 0x097F, "Devanagari"),
    (0xA8E0, 0xA8FF, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B00, 0x0B7F, "Oriya"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0C80, 0x0CFF, "Kannada"),
    (0x0D00, 0x0D7F, "Malayalam"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0400, 0x04FF, "Cyrillic"),
    (0x0370, 0x03FF, "Greek"),
    (0x4E00, 0x9FFF, "Han"),
)

SCRIPT_OF_LANGUAGE: Final = {
    "en": "Latin",
    "hi": "Devanagari",
    "mr": "Devanagari",
    "sa": "Devanagari",
    "gu": "Gujarati",
    "ta": "Tamil",
    "te": "Telugu",
    "kn": "Kannada",
    "ml": "Malayalam",
    "bn": "Bengali",
}

UNKNOWN_SCRIPT: Final = "Unknown"


def script_of_char(char: str) -> str | None:
    """The script of one letter or sign, None for digits, punctuation, spaces and emoji."""
    point = ord(char)
    if char.isascii() and not char.isalpha():
        return None
    for first, last, script in _BLOCKS:
        if first <= point <= last:
            return script
    return None


def script_counts(text: str) -> Counter[str]:
    return Counter(script for script in map(script_of_char, text) if script is not None)


def dominant_script(text: str) -> str:
    """The script most letters of ``text`` are written in; ``Unknown`` when it has none we know."""
    counts = script_counts(text)
    if not counts:
        return UNKNOWN_SCRIPT
    return counts.most_common(1)[0][0]
