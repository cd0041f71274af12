"""Translating a text through a generative language model, never pretending to."""

import msgspec

from core.domain.errors import RuleViolated
from core.domain.vaani.languages import LANGUAGES
from core.domain.vaani.text import ensure_text_length
from core.ports.translation import Translation, Translator
from core.ports.vaani import LanguageDetector

MAX_TRANSLATED_CHARS = 20_000


class TranslateCommand(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    source: str | None = None
    target: str


class TranslateText:
    """- Languages are ISO 639-1 codes Vaani serves (en, hi, mr, gu, ta, te, kn, ml, bn, sa).
    - Without a source language, it is detected first; a text with no letters is refused.
    - Only a generative model translates: when the configured providers would answer with the
      embedded extractive engine, the answer is 503 `translation_unavailable` naming the settings
      that enable it (`BHIV_LLM_PROVIDERS`, `BHIV_LLM_ALIASES`). The text is never echoed back as
      a translation.
    - A text asked for in its own language comes back as it is, marked `engine: identity`.
    - Texts over 20,000 characters are refused."""

    def __init__(self, translator: Translator, detector: LanguageDetector) -> None:
        self._translator = translator
        self._detector = detector

    async def execute(self, cmd: TranslateCommand) -> Translation:
        ensure_text_length(cmd.text, MAX_TRANSLATED_CHARS)
        for language in (cmd.source, cmd.target):
            if language is not None and language not in LANGUAGES:
                raise RuleViolated(
                    f"language {language!r} is not served; choose from {', '.join(LANGUAGES)}",
                    valid=list(LANGUAGES),
                )
        source = cmd.source
        if source is None:
            source = (await self._detector.detect(cmd.text)).language
            if source is None:
                raise RuleViolated("the text has no letters to tell its language by; name `from`")
        if source == cmd.target:
            return Translation(text=cmd.text, source=source, target=cmd.target, engine="identity")
        return await self._translator.translate(cmd.text, source=source, target=cmd.target)
