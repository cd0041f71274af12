"""Settings of the Vaani adapters (env prefix ``BHIV_VAANI_``)."""

import msgspec

ENV_PREFIX = "BHIV_VAANI_"


class VaaniSettings(msgspec.Struct, frozen=True):
    espeak_binary: str = "espeak-ng"
    """A name looked up on PATH, or a path."""
    tesseract_binary: str = "tesseract"
    ffmpeg_binary: str = "ffmpeg"
    lame_binary: str = "lame"
    sox_binary: str = "sox"
    max_speech_chars: int = 5_000
    """Longer texts are refused: espeak-ng would take seconds of CPU per request."""
    engine_timeout_seconds: float = 30.0
    max_image_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    """Larger images are refused before they are decoded (decompression bombs); 40 MP is more
    than any phone camera's photo."""
    ocr_languages: tuple[str, ...] = ("en", "hi", "mr", "sa")
