"""Speaking a text into a stored audio file, and transcribing an uploaded recording."""

import msgspec

from core.domain.access import Principal
from core.ports.files import FileStore, StoredFile
from core.ports.vaani import (
    AudioFormat,
    Speech,
    SpeechRecognizer,
    SpeechRequest,
    SpeechSynthesizer,
    Transcript,
)


class SpeakCommand(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    language: str
    voice: str | None = None
    format: AudioFormat = "wav"
    rate: int = 175
    pitch: int = 50


class Spoken(msgspec.Struct, frozen=True, kw_only=True):
    speech: Speech
    file: StoredFile


class Speak:
    """- The text is spoken by the language's voice (or the one asked for), into WAV, or MP3 or
      OGG where an encoder is installed (else 503 naming the Debian package).
    - Sanskrit is spoken by the Hindi voice, and the answer's `note` says so.
    - The audio is stored as a file that only the caller (and admins) may fetch.
    - Texts over the configured length are refused (413)."""

    def __init__(self, synthesizer: SpeechSynthesizer, files: FileStore) -> None:
        self._synthesizer = synthesizer
        self._files = files

    async def execute(self, cmd: SpeakCommand, by: Principal) -> Spoken:
        request = msgspec.convert(msgspec.structs.asdict(cmd), SpeechRequest)
        speech = await self._synthesizer.synthesize(request)
        stored = await self._files.put(speech.audio, content_type=speech.content_type, owner=by.subject)
        return Spoken(speech=speech, file=stored)


class Transcribe:
    """- WAV, FLAC, OGG or MP3, up to the configured size and duration.
    - The language is detected unless one is given.
    - Without a speech recogniser installed (the pip extra `bhiv-core[speech]`) the answer is 503
      naming it."""

    def __init__(self, recognizer: SpeechRecognizer) -> None:
        self._recognizer = recognizer

    async def execute(self, audio: bytes, *, content_type: str, language: str | None) -> Transcript:
        return await self._recognizer.transcribe(audio, content_type=content_type, language=language)
