"""Settings of speech recognition (env prefix ``BHIV_VAANI_RECOGNITION_``)."""

from typing import Literal

import msgspec

ENV_PREFIX = "BHIV_VAANI_RECOGNITION_"

EngineChoice = Literal["auto", "openai", "whisper", "pocketsphinx"]
WhisperModelChoice = Literal["auto", "base", "tiny.en"]


class RecognitionSettings(msgspec.Struct, frozen=True, kw_only=True):
    engine: EngineChoice = "auto"
    """``auto``: the OpenAI-compatible provider when ``openai_base_url`` is set, else faster-whisper
    when the ``speech`` extra is installed, else pocketsphinx. Any other value uses that one only."""
    max_audio_bytes: int = 25 * 1024 * 1024
    """OpenAI's own upload limit."""
    max_audio_seconds: float = 600.0
    """Checked while decoding, before any recogniser runs: at most this much audio is ever decoded."""
    whisper_model: WhisperModelChoice = "auto"
    """``auto``: the multilingual ``base`` when its two packages are installed, else ``tiny.en``."""
    whisper_threads: int = 0
    """CTranslate2's threads per transcription; 0 is its default (4)."""
    whisper_beam_size: int = 5
    openai_base_url: str | None = None
    """Up to and including the version, e.g. ``https://api.openai.com/v1``."""
    openai_api_key: str | None = None
    """Sent as ``Authorization: Bearer ...``; never logged nor put in an error."""
    openai_model: str = "whisper-1"
    openai_timeout_seconds: float = 120.0
