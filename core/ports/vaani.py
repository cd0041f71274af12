"""Vaani's engines: speech synthesis, text recognition (OCR), transliteration, language detection
and keyword extraction, each with a probe of what this machine can actually do.

The engines live outside Python (espeak-ng, tesseract and its language data), so every port can
say which capabilities it has; using one that is missing raises ``CapabilityMissing`` naming the
Debian package or pip extra that provides it.
"""

from collections.abc import Sequence
from typing import Literal, Protocol

import msgspec

from core.domain.errors import RuleViolated
from core.ports.errors import Unavailable
from core.ports.files import MediaRejected

PackageKind = Literal["debian", "pip"]
AudioFormat = Literal["wav", "ogg", "mp3"]


class Capability(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    name: str
    """What it does: ``speech_synthesis``, ``speech_format:mp3``, ``ocr``, ``transliteration``..."""
    engine: str
    available: bool
    languages: tuple[str, ...] = ()
    """The languages it serves here (for OCR: those whose tesseract data is installed)."""
    package: str | None = None
    """What provides it when it is missing (``espeak-ng``, ``tesseract-ocr-hin``)."""
    package_kind: PackageKind | None = None
    detail: str | None = None


class CapabilityReport(msgspec.Struct, frozen=True):
    capabilities: tuple[Capability, ...]

    @property
    def missing(self) -> tuple[Capability, ...]:
        return tuple(c for c in self.capabilities if not c.available)


class CapabilityMissing(Unavailable):
    """This machine lacks the engine (or its language data) a request needs; installing
    ``package`` fixes it. Unavailable rather than a client error: the request itself is fine."""

    code = "capability_missing"

    def __init__(self, capability: str, *, package: str, package_kind: PackageKind = "debian") -> None:
        super().__init__(f"{capability} is not available here; install the {package_kind} package {package}")
        self.capability = capability
        self.package = package
        self.package_kind = package_kind


class UnsupportedLanguage(MediaRejected):
    code = "unsupported_language"

    def __init__(self, language: str, supported: Sequence[str]) -> None:
        super().__init__(
            f"language {language!r} is not supported; supported: {', '.join(supported)}",
            language=language,
            supported=list(supported),
        )


class UnknownScheme(RuleViolated):
    code = "unknown_scheme"

    def __init__(self, scheme: str, valid: Sequence[str]) -> None:
        super().__init__(
            f"unknown transliteration scheme {scheme!r}; valid: {', '.join(valid)}",
            scheme=scheme,
            valid=list(valid),
        )


class UnreadableImage(MediaRejected):
    code = "unreadable_image"


class CapabilityProbe(Protocol):
    async def capabilities(self) -> list[Capability]:
        """What this adapter can do on this machine; never raises for a missing engine."""
        ...


class SpeechRequest(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    language: str = "en"
    voice: str | None = None
    """An engine voice name; None picks the language's default voice."""
    rate: int = 175
    """Words per minute."""
    pitch: int = 50
    """0-99, 50 is the voice's normal pitch."""
    format: AudioFormat = "wav"


class Speech(msgspec.Struct, frozen=True, kw_only=True):
    audio: bytes
    format: AudioFormat
    content_type: str
    engine: str
    voice: str
    language: str
    duration_s: float
    sample_rate: int
    note: str | None = None
    """Says when the language was spoken through another one's voice (Sanskrit through Hindi)."""


class SpeechSynthesizer(CapabilityProbe, Protocol):
    async def synthesize(self, request: SpeechRequest) -> Speech:
        """Raises ``UnsupportedLanguage``, ``TooLarge`` for a text past the limit,
        ``CapabilityMissing`` without the engine or an encoder for the format."""
        ...


class TranscriptSegment(msgspec.Struct, frozen=True, kw_only=True):
    start_s: float
    end_s: float
    text: str


class Transcript(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    language: str
    """Detected (or the one asked for), as an ISO 639-1 code."""
    segments: tuple[TranscriptSegment, ...]
    engine: str
    duration_s: float


class SpeechRecognizer(CapabilityProbe, Protocol):
    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        """WAV, FLAC, OGG or MP3 up to the configured size and duration. Raises ``TooLarge``,
        ``UnsupportedType``, ``UnsupportedLanguage``, ``CapabilityMissing`` when no recogniser
        (an optional extra) is installed."""
        ...


class ImageInfo(msgspec.Struct, frozen=True, kw_only=True):
    format: str
    width: int
    height: int
    mode: str
    exif: dict[str, str]
    dominant_colours: tuple[str, ...]
    """``#rrggbb``, most frequent first."""


class TextLine(msgspec.Struct, frozen=True):
    text: str
    confidence: float
    """0-1, the engine's mean word confidence over the line."""


class RecognizedText(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    lines: tuple[TextLine, ...]
    languages: tuple[str, ...]
    engine: str
    image: ImageInfo


class TextRecognizer(CapabilityProbe, Protocol):
    async def describe(self, image: bytes) -> ImageInfo:
        """Raises ``TooLarge`` past the byte or pixel limit (decompression bombs included) and
        ``UnreadableImage`` for bytes that are no image it knows."""
        ...

    async def recognize(self, image: bytes, languages: Sequence[str]) -> RecognizedText:
        """As ``describe``, and ``CapabilityMissing`` when a language's data is not installed."""
        ...


class Transliterator(CapabilityProbe, Protocol):
    def schemes(self) -> tuple[str, ...]: ...

    async def transliterate(self, text: str, *, source: str, target: str) -> str:
        """Raises ``UnknownScheme`` naming the valid schemes."""
        ...


class DetectedLanguage(msgspec.Struct, frozen=True, kw_only=True):
    language: str | None
    """None when the text carries no letters to judge by."""
    confidence: float
    """0-1; for Sanskrit, the share of its words that look Sanskrit (no statistical model knows it)."""
    script: str
    engine: str


class LanguageDetector(CapabilityProbe, Protocol):
    async def detect(self, text: str) -> DetectedLanguage: ...


class KeywordExtractor(Protocol):
    async def keywords(self, text: str, *, language: str, limit: int) -> list[str]:
        """Most relevant first; phrases of one to a few words, as they appear in the text."""
        ...
