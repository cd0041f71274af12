"""Uploaded audio before any recogniser: formats told by their bytes, limits, 16 kHz mono."""

import io

import numpy as np
import pytest
import soundfile

from adapters.vaani.audio import SAMPLE_RATE, load, sniff
from core.ports.files import MediaRejected, TooLarge, UnsupportedType

LIMITS = {"max_bytes": 5_000_000, "max_seconds": 10.0}


def tone(seconds: float, rate: int = 22_050, channels: int = 1, audio_format: str = "WAV") -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    wave = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = io.BytesIO()
    soundfile.write(out, np.stack([wave] * channels, axis=1), rate, format=audio_format)
    return out.getvalue()


@pytest.mark.parametrize(
    ("audio_format", "sniffed"), [("WAV", "wav"), ("FLAC", "flac"), ("OGG", "ogg"), ("MP3", "mp3")]
)
def test_each_accepted_format_becomes_16_khz_mono_of_its_length(audio_format: str, sniffed: str) -> None:
    clip = load(tone(2.0, 44_100, 2, audio_format), "application/octet-stream", **LIMITS)

    assert clip.format == sniffed
    assert clip.samples.ndim == 1
    assert clip.duration_s == pytest.approx(2.0, abs=0.1)
    assert len(clip.samples) == pytest.approx(2.0 * SAMPLE_RATE, rel=0.05)
    assert 0.15 < float(np.abs(clip.samples).max()) < 0.35


def test_the_bytes_decide_not_the_declared_type() -> None:
    assert load(tone(1.0), "audio/mpeg", **LIMITS).format == "wav"
    with pytest.raises(UnsupportedType):
        load(b"PK\x03\x04 a zip file, not audio", "audio/wav", **LIMITS)
    with pytest.raises(UnsupportedType):
        load(tone(1.0), "image/png", **LIMITS)


def test_sniffing_tells_mp3_frames_from_aac_ones() -> None:
    assert sniff(b"\xff\xfb\x90\x00") == "mp3"
    assert sniff(b"\xff\xf1\x50\x80") is None  # AAC (ADTS) is not accepted


def test_size_is_checked_before_decoding_and_duration_while_decoding() -> None:
    with pytest.raises(TooLarge) as too_big:
        load(tone(1.0), "audio/wav", max_bytes=1_000, max_seconds=10.0)
    assert too_big.value.extensions["unit"] == "bytes"
    with pytest.raises(TooLarge) as too_long:
        load(tone(3.0), "audio/wav", max_bytes=5_000_000, max_seconds=2.0)
    assert too_long.value.extensions["unit"] == "seconds"


def test_a_header_that_lies_about_its_length_decodes_no_more_than_the_limit() -> None:
    honest = tone(3.0)
    lying = honest[:40] + (2**31).to_bytes(4, "little") + honest[44:]  # data chunk claims 2 GB

    with pytest.raises((TooLarge, MediaRejected)):
        load(lying, "audio/wav", max_bytes=5_000_000, max_seconds=2.0)


def test_a_broken_file_of_an_accepted_format_is_rejected() -> None:
    with pytest.raises(MediaRejected):
        load(b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 8, "audio/wav", **LIMITS)
