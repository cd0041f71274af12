"""Reading text out of images, writing it in another script, and telling its language."""

from collections.abc import Sequence
from typing import Final

from core.domain.errors import RuleViolated
from core.ports.vaani import (
    DetectedLanguage,
    LanguageDetector,
    RecognizedText,
    TextRecognizer,
    Transliterator,
)

MAX_TEXT_CHARS = 100_000
MAX_OCR_LANGUAGES = 5
ISO_639_1_OF: Final = {
    "eng": "en", "hin": "hi", "mar": "mr", "san": "sa", "guj": "gu",
    "tam": "ta", "tel": "te", "kan": "kn", "mal": "ml", "ben": "bn",
}  # fmt: skip
"""Three-letter codes (ISO 639-2, as tesseract names its data) to the two-letter ones Vaani uses."""


def ensure_text_length(text: str, limit: int = MAX_TEXT_CHARS) -> None:
    if len(text) > limit:
        raise RuleViolated(f"the text is {len(text)} characters; at most {limit} are taken", limit=limit)


class RecognizeText:
    """- PNG, JPEG, WebP, GIF, TIFF or BMP, within the configured byte and pixel limits (413
      beyond them, before the image is decoded).
    - Languages are tesseract's (`eng`, `hin`, `mar`, `san`) or ISO codes (`en`, `hi`), joined by
      `+`; at most five. A language whose data is not installed answers 503 naming its package.
    - Each line comes with the engine's confidence (0-1), and the image with its format, size,
      EXIF tags and dominant colours."""

    def __init__(self, recognizer: TextRecognizer) -> None:
        self._recognizer = recognizer

    async def execute(self, image: bytes, languages: Sequence[str]) -> RecognizedText:
        if not languages:
            raise RuleViolated("name at least one language", max=MAX_OCR_LANGUAGES)
        if len(languages) > MAX_OCR_LANGUAGES:
            raise RuleViolated(f"at most {MAX_OCR_LANGUAGES} languages at once", max=MAX_OCR_LANGUAGES)
        codes = list(dict.fromkeys(ISO_639_1_OF.get(language, language) for language in languages))
        return await self._recognizer.recognize(image, codes)


class Transliterate:
    """- Schemes are indic-transliteration's names (`devanagari`, `iast`, `itrans`, `hk`, `slp1`,
      `tamil`, ...); an unknown one answers 422 listing the valid ones.
    - Texts over 100,000 characters are refused."""

    def __init__(self, transliterator: Transliterator) -> None:
        self._transliterator = transliterator

    async def execute(self, text: str, *, source: str, target: str) -> str:
        ensure_text_length(text)
        return await self._transliterator.transliterate(text, source=source, target=target)


class DetectLanguage:
    """- Scripts decide first (Tamil, Telugu, Kannada, Malayalam, Gujarati, Bengali); a
      statistical model tells English, Hindi and Marathi apart where a script is shared.
    - Sanskrit is told by its marks and words, and its confidence is their share (never certain).
    - A text without letters has no language (`null`, confidence 0).
    - Texts over 100,000 characters are refused."""

    def __init__(self, detector: LanguageDetector) -> None:
        self._detector = detector

    async def execute(self, text: str) -> DetectedLanguage:
        ensure_text_length(text)
        return await self._detector.detect(text)
