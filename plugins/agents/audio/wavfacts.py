"""Facts of a PCM WAV recording, measured in pure Python with ``wave`` and ``array``.

``audioop`` would be faster but is deprecated (gone in Python 3.13), and an agent may not use
the adapters' numpy decoding, so samples are summed here. Loudness is the RMS level in dBFS over
all channels; a 20 ms window is silent when its RMS is below ``SILENCE_DBFS``. Only the first
``MAX_SAMPLES`` samples are analysed (pure-Python loops); the duration always comes from the header.
"""

import array
import io
import math
import operator
import sys
import wave

import msgspec

SILENCE_DBFS = -45.0
"""A window quieter than this is silence: well below speech, above a quiet room's hiss."""
WINDOW_S = 0.02
MAX_SAMPLES = 10_000_000
"""About 10 minutes of 16 kHz mono, 100 s of 48 kHz stereo."""


class NotMeasurable(ValueError):
    """Not a WAV file this module can read (compressed or float WAV, a broken header)."""


class WavFacts(msgspec.Struct, frozen=True, kw_only=True):
    duration_s: float
    sample_rate: int
    channels: int
    bits_per_sample: int
    frames: int
    rms_dbfs: float | None
    """None for digital silence (minus infinity)."""
    peak_dbfs: float | None
    silence_share: float
    """0-1, the share of the analysed time that is silent."""
    analysed_s: float


def is_wav(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def measure(data: bytes) -> WavFacts:
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
            asked = min(frames, MAX_SAMPLES // max(channels, 1))
            raw = wav.readframes(asked)
    except (wave.Error, EOFError, ValueError) as error:
        raise NotMeasurable(f"not a PCM WAV file that can be measured: {error}") from error
    if rate <= 0 or channels <= 0 or width not in (1, 2, 3, 4):
        raise NotMeasurable(f"unsupported WAV layout: {channels} channels, {width}-byte samples at {rate} Hz")
    samples, full_scale = _samples(raw[: len(raw) - len(raw) % (width * channels)], width)
    analysed = len(samples) // channels
    loud, silent_frames = _levels(samples, channels, rate, full_scale)
    peak = max((max(samples), -min(samples)), default=0) if samples else 0
    return WavFacts(
        # Fewer frames than asked for: the header's length was a placeholder (a streamed WAV).
        duration_s=round((frames if analysed == asked else analysed) / rate, 3),
        sample_rate=rate,
        channels=channels,
        bits_per_sample=width * 8,
        frames=frames,
        rms_dbfs=_dbfs(math.sqrt(loud / len(samples)) if samples else 0.0, full_scale),
        peak_dbfs=_dbfs(float(peak), full_scale),
        silence_share=round(silent_frames / analysed, 3) if analysed else 1.0,
        analysed_s=round(analysed / rate, 3),
    )


def _samples(raw: bytes, width: int) -> tuple["array.array[int]", int]:
    """Signed integer samples (interleaved channels) and the full-scale value."""
    if width == 1:  # 8-bit WAV is unsigned
        return array.array("h", (byte - 128 for byte in raw)), 128
    if width == 3:  # widened to 32 bits: each sample goes in the top three bytes
        widened = bytearray(len(raw) // 3 * 4)
        for offset in range(3):
            widened[offset + 1 :: 4] = raw[offset::3]
        raw, width = bytes(widened), 4
    samples = array.array("h" if width == 2 else "i", raw)
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    return samples, 2 ** (8 * width - 1)


def _levels(samples: "array.array[int]", channels: int, rate: int, full_scale: int) -> tuple[int, int]:
    """The sum of squares over all samples, and how many frames are in silent windows."""
    step = max(1, int(rate * WINDOW_S)) * channels
    quiet = (full_scale * 10 ** (SILENCE_DBFS / 20)) ** 2
    total = silent = 0
    for start in range(0, len(samples), step):
        window = samples[start : start + step]
        energy = sum(map(operator.mul, window, window))
        total += energy
        if energy < quiet * len(window):
            silent += len(window) // channels
    return total, silent


def _dbfs(level: float, full_scale: int) -> float | None:
    return round(20 * math.log10(level / full_scale), 1) if level > 0 else None
