"""Uploaded audio, checked and decoded for the recognisers: 16 kHz mono float32 samples.

The format is told by the bytes' magic, not by the client's content type; the byte limit is
checked before decoding and the duration limit while decoding (never more than the limit plus
one sample is decoded), so a small file that claims hours of audio costs nothing.
"""

import io
from typing import Final, Literal

import msgspec
import numpy as np
import numpy.typing as npt
import soundfile

from core.ports.files import MediaRejected, TooLarge, UnsupportedType

InputFormat = Literal["wav", "flac", "ogg", "mp3"]
SAMPLE_RATE: Final = 16_000
CONTENT_TYPES: Final[dict[InputFormat, str]] = {
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
}
ACCEPTED_TYPES: Final = sorted(CONTENT_TYPES.values())
_GENERIC_TYPES: Final = frozenset({"", "application/octet-stream", "application/ogg", "video/ogg"})
_FILTER_TAPS: Final = 64

Samples = npt.NDArray[np.float32]


class Clip(msgspec.Struct, frozen=True, kw_only=True):
    data: bytes
    """As uploaded (sent on unchanged to a remote provider)."""
    format: InputFormat
    samples: Samples
    """16 kHz, mono, -1..1."""
    duration_s: float


def sniff(data: bytes) -> InputFormat | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:3] == b"ID3":
        return "mp3"
    # An MPEG audio frame: 11 sync bits, then layer bits that are not 00 (00 is AAC's ADTS).
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06:
        return "mp3"
    return None


def check(data: bytes, content_type: str, *, max_bytes: int) -> InputFormat:
    """The sniffed format; raises ``TooLarge`` past ``max_bytes`` and ``UnsupportedType`` for
    bytes that are none of the accepted formats or a declared type that is not audio."""
    if len(data) > max_bytes:
        raise TooLarge("audio", len(data), max_bytes)
    declared = content_type.split(";")[0].strip().lower()
    found = sniff(data)
    if found is None or not (declared.startswith("audio/") or declared in _GENERIC_TYPES):
        raise UnsupportedType(content_type, ACCEPTED_TYPES)
    return found


def load(data: bytes, content_type: str, *, max_bytes: int, max_seconds: float) -> Clip:
    """Checked and decoded; also raises ``TooLarge`` (in seconds) past ``max_seconds`` and
    ``MediaRejected`` for bytes of an accepted format that do not decode."""
    audio_format = check(data, content_type, max_bytes=max_bytes)
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as source:
            rate = source.samplerate
            limit = int(max_seconds * rate)
            if 0 < source.frames < 2**62 and source.frames > limit:
                raise TooLarge("audio", round(source.frames / rate), round(max_seconds), "seconds")
            frames = source.read(frames=limit + 1, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as error:
        raise MediaRejected(f"the audio could not be decoded as {audio_format}") from error
    if len(frames) > limit:
        raise TooLarge("audio", None, round(max_seconds), "seconds")
    if len(frames) == 0:
        raise MediaRejected("the audio is empty")
    samples = resample(frames.mean(axis=1, dtype=np.float32), rate)
    return Clip(data=data, format=audio_format, samples=samples, duration_s=len(frames) / rate)


def resample(samples: Samples, rate: int, target: int = SAMPLE_RATE) -> Samples:
    """Band-limited when going down (a Hamming-windowed sinc low-pass below the new Nyquist
    frequency), then linear interpolation; plenty for speech, and no scipy."""
    if rate == target:
        return samples.astype(np.float32, copy=False)
    if target < rate:
        cutoff = 0.45 * target / rate
        taps = np.arange(-_FILTER_TAPS, _FILTER_TAPS + 1)
        kernel = np.sinc(2 * cutoff * taps) * 2 * cutoff * np.hamming(len(taps))
        samples = np.convolve(samples, kernel / kernel.sum(), mode="same").astype(np.float32)
    count = int(len(samples) * target / rate)
    positions = np.arange(count) * (rate / target)
    resampled: Samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    return resampled
