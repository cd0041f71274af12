"""Speech recognition with pocketsphinx and the en-US model inside its wheel: small and English
only, the fallback when faster-whisper is not installed.

Its decoder is not thread-safe, so one decoder serves one transcription at a time (in a worker
thread). Words come with frame times (100 a second); a pause of ``_PAUSE_S`` or more between
words starts a new segment.
"""

import asyncio
import threading
from typing import Any, Final

import numpy as np

from adapters.vaani.audio import SAMPLE_RATE, Clip, load
from adapters.vaani.extras import SPEECH, installed
from adapters.vaani.recognition_settings import RecognitionSettings
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    SpeechRecognizer,
    Transcript,
    TranscriptSegment,
    UnsupportedLanguage,
)

ENGINE: Final = "pocketsphinx"
LANGUAGES: Final = ("en",)
_FRAMES_PER_SECOND: Final = 100
_PAUSE_S: Final = 0.3


def _word(token: str) -> str | None:
    """The word a segment stands for; None for silence and noise (``<sil>``, ``[NOISE]``)."""
    if token.startswith(("<", "[")):
        return None
    return token.split("(")[0]  # "read(2)" is the second pronunciation of "read"


class PocketsphinxRecognizer(SpeechRecognizer):
    def __init__(self, settings: RecognitionSettings) -> None:
        self._settings = settings
        self._decoder: Any = None
        self._busy = threading.Lock()

    def languages(self) -> tuple[str, ...]:
        return LANGUAGES if installed("pocketsphinx") else ()

    async def capabilities(self) -> list[Capability]:
        present = installed("pocketsphinx")
        return [
            Capability(
                name="speech_recognition",
                engine=ENGINE,
                available=present,
                languages=LANGUAGES if present else (),
                package=None if present else SPEECH,
                package_kind=None if present else "pip",
                detail="en-US model bundled in the wheel; much less accurate than faster-whisper",
            )
        ]

    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        if not installed("pocketsphinx"):
            raise CapabilityMissing("speech_recognition", package=SPEECH, package_kind="pip")
        if language is not None and language not in LANGUAGES:
            raise UnsupportedLanguage(language, LANGUAGES)
        settings = self._settings
        clip = load(
            audio, content_type, max_bytes=settings.max_audio_bytes, max_seconds=settings.max_audio_seconds
        )
        return await asyncio.to_thread(self._run, clip)

    def _run(self, clip: Clip) -> Transcript:
        pcm = (np.clip(clip.samples, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
        with self._busy:
            if self._decoder is None:
                from pocketsphinx import Decoder  # only with the speech extra

                self._decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
            decoder = self._decoder
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            words = [
                (word, s.start_frame / _FRAMES_PER_SECOND, (s.end_frame + 1) / _FRAMES_PER_SECOND)
                for s in decoder.seg()
                if (word := _word(s.word))
            ]
        segments = _segments(words)
        return Transcript(
            text=" ".join(s.text for s in segments),
            language="en",
            segments=segments,
            engine=ENGINE,
            duration_s=round(clip.duration_s, 3),
        )


def _segments(words: list[tuple[str, float, float]]) -> tuple[TranscriptSegment, ...]:
    groups: list[list[tuple[str, float, float]]] = []
    for word in words:
        if groups and word[1] - groups[-1][-1][2] < _PAUSE_S:
            groups[-1].append(word)
        else:
            groups.append([word])
    return tuple(
        TranscriptSegment(start_s=group[0][1], end_s=group[-1][2], text=" ".join(w for w, _, _ in group))
        for group in groups
    )
