"""Speech recognition by an OpenAI-compatible ``/audio/transcriptions`` endpoint (OpenAI, Groq,
speaches, a whisper.cpp server...): the production recogniser, no model on this machine.

The upload is checked and decoded here first (format, size, duration), so the provider is never
sent what the local engines would refuse. ``verbose_json`` gives the segments and the language,
which OpenAI names in English words (``"english"``) and other servers as a code; both become a
code. The API key goes in the ``Authorization`` header only and never into a log or an error.
"""

from typing import Final

import httpx
import msgspec

from adapters.vaani.audio import CONTENT_TYPES, load
from adapters.vaani.recognition_settings import RecognitionSettings
from core.ports.errors import Unavailable, UpstreamTimeout
from core.ports.files import MediaRejected, TooLarge
from core.ports.vaani import Capability, SpeechRecognizer, Transcript, TranscriptSegment

ENGINE: Final = "openai-compatible"
LANGUAGE_CODES: Final = {
    "english": "en", "hindi": "hi", "marathi": "mr", "sanskrit": "sa", "tamil": "ta", "telugu": "te",
    "kannada": "kn", "malayalam": "ml", "gujarati": "gu", "bengali": "bn", "punjabi": "pa", "urdu": "ur",
    "nepali": "ne", "french": "fr", "german": "de", "spanish": "es", "portuguese": "pt", "italian": "it",
    "dutch": "nl", "russian": "ru", "chinese": "zh", "japanese": "ja", "korean": "ko", "arabic": "ar",
}  # fmt: skip
"""OpenAI's names for whisper's languages, for those Vaani and its users meet most."""


class _Segment(msgspec.Struct):
    start: float
    end: float
    text: str


class _Verbose(msgspec.Struct):
    text: str
    language: str = ""
    duration: float | None = None
    segments: list[_Segment] = msgspec.field(default_factory=list)


def language_code(reported: str) -> str:
    """An ISO 639-1 code from a name (``english``) or a code (``en``); ``und`` when unknown."""
    name = reported.strip().lower()
    if len(name) == 2 and name.isalpha():
        return name
    return LANGUAGE_CODES.get(name, "und")


class OpenAITranscriptionRecognizer(SpeechRecognizer):
    def __init__(self, settings: RecognitionSettings) -> None:
        self._settings = settings

    def configured(self) -> bool:
        return bool(self._settings.openai_base_url)

    async def capabilities(self) -> list[Capability]:
        configured = self.configured()
        return [
            Capability(
                name="speech_recognition",
                engine=ENGINE,
                available=configured,
                detail=(
                    f"model {self._settings.openai_model}; the languages are the provider's"
                    if configured
                    else "set BHIV_VAANI_RECOGNITION_OPENAI_BASE_URL to use a provider"
                ),
            )
        ]

    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        settings = self._settings
        if not settings.openai_base_url:
            raise Unavailable("no speech recognition provider is configured (openai_base_url)")
        clip = load(
            audio, content_type, max_bytes=settings.max_audio_bytes, max_seconds=settings.max_audio_seconds
        )
        form = {"model": settings.openai_model, "response_format": "verbose_json"}
        if language is not None:
            form["language"] = language
        files = {"file": (f"audio.{clip.format}", clip.data, CONTENT_TYPES[clip.format])}
        headers = {"Authorization": f"Bearer {settings.openai_api_key}"} if settings.openai_api_key else {}
        url = settings.openai_base_url.rstrip("/") + "/audio/transcriptions"
        try:
            async with httpx.AsyncClient(timeout=settings.openai_timeout_seconds) as client:
                response = await client.post(url, data=form, files=files, headers=headers)
        except httpx.TimeoutException as error:
            limit = settings.openai_timeout_seconds
            raise UpstreamTimeout(f"the transcription provider took longer than {limit} s") from error
        except httpx.HTTPError as error:
            failure = type(error).__name__
            raise Unavailable(f"the transcription provider could not be reached ({failure})") from error
        answer = _answer(response, settings)
        segments = tuple(
            TranscriptSegment(start_s=round(s.start, 2), end_s=round(s.end, 2), text=s.text.strip())
            for s in answer.segments
        )
        return Transcript(
            text=answer.text.strip(),
            language=language_code(answer.language) if answer.language else (language or "und"),
            segments=segments,
            engine=f"{ENGINE} ({settings.openai_model})",
            duration_s=round(answer.duration if answer.duration is not None else clip.duration_s, 3),
        )


def _answer(response: httpx.Response, settings: RecognitionSettings) -> _Verbose:
    status = response.status_code
    if status == 413:
        raise TooLarge("audio", None, settings.max_audio_bytes)
    if status >= 400:
        said = _message(response, settings.openai_api_key)
        if status in (400, 415, 422):
            raise MediaRejected(f"the transcription provider refused the audio ({status}): {said}")
        raise Unavailable(f"the transcription provider answered {status}: {said}")
    try:
        return msgspec.json.decode(response.content, type=_Verbose)
    except msgspec.DecodeError as error:
        raise Unavailable("the transcription provider's answer is not verbose_json") from error


def _message(response: httpx.Response, api_key: str | None) -> str:
    """The provider's error message (OpenAI's ``{"error": {"message": ...}}``), cut short, with
    the key cut out (a 401 may quote it)."""
    try:
        body = response.json()
        message = body["error"]["message"] if isinstance(body.get("error"), dict) else str(body)
    except (ValueError, KeyError, TypeError, AttributeError):
        message = response.text
    message = str(message)
    if api_key:
        message = message.replace(api_key, "***")
    return message[:200]
