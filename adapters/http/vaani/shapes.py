"""What Vaani's routes read and answer, checked by msgspec before any engine sees them."""

from typing import Annotated

import msgspec
from litestar.datastructures import UploadFile

from core.domain.vaani.adaptation import Cut, Platform, Tone
from core.ports.vaani import AudioFormat, Capability

LanguageCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$", description="ISO 639-1 code, e.g. hi")]
VoiceName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_+.\-]{0,63}$")]
Scheme = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z0-9_]{1,32}$", description="an indic-transliteration scheme")
]
Text = Annotated[str, msgspec.Meta(min_length=1)]
OcrLanguages = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z]{2,3}(\+[a-z]{2,3}){0,4}$", description="e.g. eng+hin (or en+hi)")
]
FILES_URL = "/api/orchestration/v1/files/"
"""Where a client reaches a stored file: through the gateway, by its id only."""


def file_url(file_id: str) -> str:
    return FILES_URL + file_id


class Upload(msgspec.Struct, kw_only=True):
    file: UploadFile


class TranscribeUpload(msgspec.Struct, kw_only=True):
    file: UploadFile
    language: LanguageCode | None = None


class OcrUpload(msgspec.Struct, kw_only=True):
    file: UploadFile
    languages: OcrLanguages = "eng"


class SpeakIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    language: LanguageCode
    voice: VoiceName | None = None
    format: AudioFormat = "wav"
    rate: Annotated[int, msgspec.Meta(ge=80, le=450, description="words per minute")] = 175
    pitch: Annotated[int, msgspec.Meta(ge=0, le=99)] = 50


class SpeakOut(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    audio_id: str
    url: str
    format: AudioFormat
    engine: str
    voice: str
    duration_s: float
    sample_rate: int
    note: str | None = None


class SegmentOut(msgspec.Struct, frozen=True, kw_only=True):
    start_s: float
    end_s: float
    text: str


class TranscriptOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    language: str
    segments: list[SegmentOut]
    engine: str
    duration_s: float


class LineOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    confidence: float


class ImageOut(msgspec.Struct, frozen=True, kw_only=True):
    format: str
    width: int
    height: int
    mode: str
    exif: dict[str, str]
    dominant_colours: list[str]


class OcrOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    lines: list[LineOut]
    languages: list[str]
    engine: str
    image: ImageOut


class TransliterateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    source: Scheme = msgspec.field(name="from")
    target: Scheme = msgspec.field(name="to")


class TextOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str


class DetectIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text


class DetectedOut(msgspec.Struct, frozen=True, kw_only=True):
    language: str | None
    confidence: float
    script: str
    engine: str


class TranslateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    source: LanguageCode | None = msgspec.field(default=None, name="from")
    target: LanguageCode = msgspec.field(name="to")


class TranslationOut(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    source: str = msgspec.field(name="from")
    target: str = msgspec.field(name="to")
    engine: str


class AdaptIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    platform: Platform
    tone: Tone = "neutral"
    language: LanguageCode = "en"
    """Of the text, for the keywords its hashtags come from."""


class AdaptOut(msgspec.Struct, frozen=True, kw_only=True):
    platform: Platform
    tone: Tone
    posts: list[str]
    hashtags: list[str]
    cut: list[Cut]


class CapabilitiesOut(msgspec.Struct, frozen=True, kw_only=True):
    capabilities: list[Capability]
    missing: list[str]
    """The names of the capabilities this machine lacks."""


class FileOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    content_type: str
    size: int
    url: str
