"""What an audio request asks for, read from the user's words (English, Hindi in Devanagari and
in Latin script): speak a text, measure a recording, or (the default for a recording) transcribe it."""

import re
from typing import Literal

Mode = Literal["transcribe", "facts", "speak"]

_SPEAK = re.compile(
    r"\b(?:read\s+(?:(?:this|it|that|the\s+following)\s+)?(?:out\s+)?aloud|read\s+out|say|speak|pronounce"
    r"|bol\s*kar\s+sunao|padh\s*kar\s+sunao|sunao|bolo)\b|बोलकर|पढ़कर|सुनाओ|बोलो",
    re.IGNORECASE,
)
_FACTS = re.compile(
    r"\b(?:how\s+long|duration|length|sample\s*rate|channels?|loud(?:ness)?|volume|silen(?:ce|t)|facts"
    r"|kitni\s+(?:lambi|der))\b|अवधि|कितनी\s+लंबी|कितनी\s+देर",
    re.IGNORECASE,
)
# "say: <text>", "read this aloud: <text>", "say hello": the request is not part of the text.
_PREFIX = re.compile(
    r"^\s*(?:please\s+)?(?:read\s+(?:(?:this|it|the\s+following)\s+)?(?:out\s+)?aloud|read\s+out|say|speak"
    r"|pronounce|bolo|बोलो)(?:\s+(?:this|it|the\s+following))?(?:\s*[:\-\u2013]\s*|\s+|$)",
    re.IGNORECASE,
)
# "<text> bolkar sunao", "<text> को बोलकर सुनाओ": Hindi puts the verb last.
_SUFFIX = re.compile(
    r"\s*[,:\-\u2013]?\s*(?:(?:ko\s+)?(?:bol|padh)\s*kar\s+sunao|(?:को\s+)?(?:बोलकर|पढ़कर)\s+सुनाओ|sunao|सुनाओ)"
    r"\s*[.!?।]*\s*$",
    re.IGNORECASE,
)


def mode_of(text: str, *, has_file: bool) -> Mode | None:
    """The mode the words ask for; None without a recording when they ask for no speech."""
    if has_file:
        return "facts" if _FACTS.search(text) else "transcribe"
    return "speak" if _SPEAK.search(text) else None


def to_speak(text: str) -> str:
    """The text to say, without the request around it."""
    return _SUFFIX.sub("", _PREFIX.sub("", text, count=1), count=1).strip()


def devanagari(text: str) -> bool:
    return any("\u0900" <= char <= "\u097f" for char in text)
