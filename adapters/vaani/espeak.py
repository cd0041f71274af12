"""Speech from the ``espeak-ng`` binary: WAV always, MP3/OGG when an encoder is installed."""

import io
import re
import wave
from typing import Final

from adapters.vaani.process import EngineFailed, locate, run_engine
from adapters.vaani.settings import VaaniSettings
from core.domain.vaani.languages import LANGUAGES
from core.ports.errors import Unavailable
from core.ports.files import MediaRejected, TooLarge
from core.ports.vaani import (
    AudioFormat,
    Capability,
    CapabilityMissing,
    Speech,
    SpeechRequest,
    SpeechSynthesizer,
    UnsupportedLanguage,
)

ENGINE: Final = "espeak-ng"
VOICE_OF_LANGUAGE: Final = {lang: lang for lang in ("en", "hi", "mr", "gu", "ta", "te", "kn", "ml", "bn")}
FALLBACK_VOICE: Final = {"sa": "hi"}
"""espeak-ng has no Sanskrit voice; Devanagari Sanskrit read by the Hindi one is close enough."""
CONTENT_TYPES: Final[dict[AudioFormat, str]] = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg"}
RATE_RANGE: Final = (80, 450)
PITCH_RANGE: Final = (0, 99)
# A voice name becomes one argv element; starting with a letter or digit it cannot be read as
# an option.
_VOICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+-]{0,40}")
_NO_SUCH_VOICE = "voice does not exist"
"""What espeak-ng says (exiting 1) for a voice it does not have, an MBROLA one included."""


def _encoders(settings: VaaniSettings) -> dict[AudioFormat, list[tuple[str, str, list[str]]]]:
    """For each compressed format, the encoders to try in order, as (Debian package, binary, argv)."""
    ffmpeg = [settings.ffmpeg_binary, "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0"]
    return {
        "mp3": [
            ("ffmpeg", settings.ffmpeg_binary, [*ffmpeg, "-f", "mp3", "pipe:1"]),
            ("lame", settings.lame_binary, [settings.lame_binary, "--quiet", "-", "-"]),
        ],
        "ogg": [
            ("ffmpeg", settings.ffmpeg_binary, [*ffmpeg, "-f", "ogg", "pipe:1"]),
            ("sox", settings.sox_binary, [settings.sox_binary, "-t", "wav", "-", "-t", "ogg", "-"]),
        ],
    }


def _rewrite_wav(raw: bytes) -> tuple[bytes, float, int]:
    """espeak-ng streams its WAV with a placeholder length; read the frames that are really
    there and write them back with a true header. Returns (wav, duration_s, sample_rate)."""
    with wave.open(io.BytesIO(raw)) as source:
        params = source.getparams()
        frames = source.readframes(source.getnframes())
    frame_count = len(frames) // (params.nchannels * params.sampwidth)
    if frame_count == 0:
        raise Unavailable(f"{ENGINE} produced no audio")
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(params.nchannels)
        target.setsampwidth(params.sampwidth)
        target.setframerate(params.framerate)
        target.writeframes(frames)
    return out.getvalue(), frame_count / params.framerate, params.framerate


class EspeakSpeechSynthesizer(SpeechSynthesizer):
    def __init__(self, settings: VaaniSettings) -> None:
        self._settings = settings

    async def synthesize(self, request: SpeechRequest) -> Speech:
        self._check(request)
        voice, note = self._voice(request)
        argv = [self._settings.espeak_binary, "--stdout", "--stdin", "-v", voice]
        argv += ["-s", str(request.rate), "-p", str(request.pitch)]
        try:
            raw = await run_engine(
                argv,
                request.text.encode(),
                time_limit=self._settings.engine_timeout_seconds,
                capability="speech_synthesis",
                package="espeak-ng",
            )
        except EngineFailed as failed:
            # A voice the caller named and this machine lacks is the caller's mistake (422); the
            # language's own voice missing stays the machine's (503).
            if request.voice is not None and _NO_SUCH_VOICE in failed.stderr:
                missing = f"{ENGINE} has no voice {request.voice!r} here"
                raise MediaRejected(missing, voice=request.voice) from None
            raise
        wav, duration, sample_rate = _rewrite_wav(raw)
        audio = wav if request.format == "wav" else await self._encode(wav, request.format)
        return Speech(
            audio=audio,
            format=request.format,
            content_type=CONTENT_TYPES[request.format],
            engine=ENGINE,
            voice=voice,
            language=request.language,
            duration_s=duration,
            sample_rate=sample_rate,
            note=note,
        )

    async def capabilities(self) -> list[Capability]:
        present = locate(self._settings.espeak_binary) is not None
        found: list[Capability] = [
            Capability(
                name="speech_synthesis",
                engine=ENGINE,
                available=present,
                languages=tuple(LANGUAGES) if present else (),
                package=None if present else "espeak-ng",
                package_kind=None if present else "debian",
                detail="sa is spoken by the hi voice",
            )
        ]
        for audio_format, candidates in _encoders(self._settings).items():
            encoder = next((package for package, binary, _ in candidates if locate(binary)), None)
            found.append(
                Capability(
                    name=f"speech_format:{audio_format}",
                    engine=encoder or "none",
                    available=present and encoder is not None,
                    package=None if encoder else candidates[0][0],
                    package_kind=None if encoder else "debian",
                )
            )
        return found

    def _voice(self, request: SpeechRequest) -> tuple[str, str | None]:
        language = request.language
        if language in FALLBACK_VOICE:
            fallback = FALLBACK_VOICE[language]
            note = f"{ENGINE} has no {language} voice; spoken with the {fallback} voice"
            return request.voice or fallback, note
        if language not in VOICE_OF_LANGUAGE:
            raise UnsupportedLanguage(language, LANGUAGES)
        return request.voice or VOICE_OF_LANGUAGE[language], None

    def _check(self, request: SpeechRequest) -> None:
        if len(request.text) > self._settings.max_speech_chars:
            raise TooLarge("text", len(request.text), self._settings.max_speech_chars, "characters")
        if not request.text.strip():
            raise MediaRejected("there is no text to speak")
        if request.voice is not None and not _VOICE_NAME.fullmatch(request.voice):
            raise MediaRejected(f"{request.voice!r} is not a voice name")
        if not RATE_RANGE[0] <= request.rate <= RATE_RANGE[1]:
            raise MediaRejected(f"rate must be {RATE_RANGE[0]}-{RATE_RANGE[1]} words per minute")
        if not PITCH_RANGE[0] <= request.pitch <= PITCH_RANGE[1]:
            raise MediaRejected(f"pitch must be {PITCH_RANGE[0]}-{PITCH_RANGE[1]}")

    async def _encode(self, wav: bytes, audio_format: AudioFormat) -> bytes:
        candidates = _encoders(self._settings)[audio_format]
        for package, binary, argv in candidates:
            if locate(binary):
                return await run_engine(
                    argv,
                    wav,
                    time_limit=self._settings.engine_timeout_seconds,
                    capability=f"speech_format:{audio_format}",
                    package=package,
                )
        raise CapabilityMissing(f"speech_format:{audio_format}", package=candidates[0][0])
