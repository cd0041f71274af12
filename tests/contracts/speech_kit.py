"""What the speech recognition tests share: English (and Hindi) speech from espeak-ng, the word
error rate, and skipping cleanly when the ``speech`` extra or espeak-ng is missing."""

import re
import shutil

import pytest

from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.extras import installed
from adapters.vaani.settings import VaaniSettings
from core.ports.vaani import SpeechRequest

SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "Please send the invoice to the customer before Friday.",
    "Our team will meet again next week to review the plan.",
    "The warehouse received the boxes this morning.",
)

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not on PATH (Debian package espeak-ng)"
)


def needs_modules(*modules: str, extra: str = "bhiv-core[speech]") -> pytest.MarkDecorator:
    missing = [module for module in modules if not installed(module)]
    return pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} missing: install {extra}")


async def speak(text: str, language: str = "en", rate: int = 175) -> bytes:
    speech = await EspeakSpeechSynthesizer(VaaniSettings()).synthesize(
        SpeechRequest(text=text, language=language, rate=rate)
    )
    return speech.audio


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def edits(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    row = list(range(len(hypothesis) + 1))
    for i, said in enumerate(reference, 1):
        previous, row[0] = row[:], i
        for j, heard in enumerate(hypothesis, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (said != heard))
    return row[-1]


def word_error_rate(pairs: list[tuple[str, str]]) -> float:
    """Over (reference, hypothesis) pairs: all edits over all reference words."""
    total = sum(edits(words(ref), words(hyp)) for ref, hyp in pairs)
    return total / sum(len(words(ref)) for ref, _ in pairs)
