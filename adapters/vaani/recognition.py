"""The speech recogniser the settings choose: with ``engine = "auto"`` the first one present of
the OpenAI-compatible provider (when configured), faster-whisper and pocketsphinx, the latter two
from the optional ``speech`` extra. With none, transcribing raises ``CapabilityMissing`` naming
the extra; ``capabilities()`` reports every engine, present or not."""

from collections.abc import Sequence

from adapters.vaani.extras import SPEECH
from adapters.vaani.openai_transcription import OpenAITranscriptionRecognizer
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.sphinx import PocketsphinxRecognizer
from adapters.vaani.whisper import FasterWhisperRecognizer
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    SpeechRecognizer,
    Transcript,
    UnsupportedLanguage,
)


class FirstAvailableRecognizer(SpeechRecognizer):
    """Hands each request to the first engine that is present and serves its language."""

    def __init__(self, engines: Sequence[SpeechRecognizer]) -> None:
        self._engines = list(engines)

    async def capabilities(self) -> list[Capability]:
        found: list[Capability] = []
        for engine in self._engines:
            found += await engine.capabilities()
        none = Capability(
            name="speech_recognition", engine="none", available=False, package=SPEECH, package_kind="pip"
        )
        return found or [none]

    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        served: set[str] = set()
        for engine in self._engines:
            [capability] = await engine.capabilities()
            if not capability.available:
                continue
            # An engine that names no languages (a remote provider) takes any.
            if language is None or not capability.languages or language in capability.languages:
                return await engine.transcribe(audio, content_type=content_type, language=language)
            served.update(capability.languages)
        if served and language is not None:
            raise UnsupportedLanguage(language, sorted(served))
        raise CapabilityMissing("speech_recognition", package=SPEECH, package_kind="pip")


def build_recognizer(settings: RecognitionSettings) -> SpeechRecognizer:
    engines: dict[str, SpeechRecognizer] = {
        "openai": OpenAITranscriptionRecognizer(settings),
        "whisper": FasterWhisperRecognizer(settings),
        "pocketsphinx": PocketsphinxRecognizer(settings),
    }
    if settings.engine != "auto":
        return FirstAvailableRecognizer([engines[settings.engine]])
    return FirstAvailableRecognizer(list(engines.values()))
