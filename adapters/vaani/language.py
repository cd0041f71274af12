"""Language detection: the script first (Unicode blocks), then lingua where a script is shared.

Tamil, Telugu, Kannada, Malayalam, Gujarati and Bengali each have a script of their own among
the languages we serve, so the script decides (lingua has no Kannada or Malayalam model anyway).
Devanagari is shared by Hindi, Marathi and Sanskrit: Sanskrit by its lexicon and endings
(``adapters/vaani/sanskrit.py``), then lingua between Hindi and Marathi.
"""

import asyncio
from functools import cached_property
from typing import Final

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
from lingua import LanguageDetector as LinguaDetector

from adapters.vaani.sanskrit import sanskrit_share
from core.domain.vaani.languages import LANGUAGES, UNKNOWN_SCRIPT, script_counts
from core.ports.vaani import Capability, DetectedLanguage, LanguageDetector

ENGINE: Final = "lingua"
LANGUAGE_OF_SCRIPT: Final = {
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Gujarati": "gu",
    "Bengali": "bn",
}
LINGUA_LANGUAGES: Final = ("en", "hi", "mr")
SANSKRIT_THRESHOLD: Final = 0.34
"""A third of the words carrying Sanskrit's marks, with no Hindi or Marathi function word."""


class LinguaLanguageDetector(LanguageDetector):
    @cached_property
    def _lingua(self) -> LinguaDetector:
        codes = [getattr(IsoCode639_1, code.upper()) for code in LINGUA_LANGUAGES]
        return LanguageDetectorBuilder.from_languages(
            *(Language.from_iso_code_639_1(code) for code in codes)
        ).build()

    async def detect(self, text: str) -> DetectedLanguage:
        return await asyncio.to_thread(self._detect, text)

    async def capabilities(self) -> list[Capability]:
        return [
            Capability(
                name="language_detection",
                engine=ENGINE,
                available=True,
                languages=LANGUAGES,
                detail="ta te kn ml gu bn by script; sa by lexicon and endings",
            )
        ]

    def _detect(self, text: str) -> DetectedLanguage:
        counts = script_counts(text)
        if not counts:
            return DetectedLanguage(language=None, confidence=0.0, script=UNKNOWN_SCRIPT, engine=ENGINE)
        script, letters = counts.most_common(1)[0]
        share = letters / counts.total()
        if script in LANGUAGE_OF_SCRIPT:
            return self._answer(LANGUAGE_OF_SCRIPT[script], share, script, "script")
        if script == "Devanagari":
            sanskrit = sanskrit_share(text)
            if sanskrit >= SANSKRIT_THRESHOLD:
                return self._answer("sa", sanskrit * share, script, "sanskrit-lexicon")
            return self._lingua_answer(text, script, share, among=("hi", "mr"))
        if script == "Latin":
            return self._lingua_answer(text, script, share, among=("en",))
        return DetectedLanguage(language=None, confidence=0.0, script=script, engine=ENGINE)

    def _lingua_answer(
        self, text: str, script: str, share: float, among: tuple[str, ...]
    ) -> DetectedLanguage:
        values = {
            value.language.iso_code_639_1.name.lower(): value.value
            for value in self._lingua.compute_language_confidence_values(text)
        }
        best = max(among, key=lambda code: values.get(code, 0.0))
        confidence = values.get(best, 0.0) / (sum(values.get(code, 0.0) for code in among) or 1.0)
        return self._answer(best, confidence * share, script, ENGINE)

    @staticmethod
    def _answer(language: str, confidence: float, script: str, engine: str) -> DetectedLanguage:
        return DetectedLanguage(
            language=language, confidence=round(confidence, 3), script=script, engine=engine
        )
