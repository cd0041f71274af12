"""Speech synthesis with espeak-ng: real WAVs, the Sanskrit fallback, and what is refused."""

import io
import wave

import pytest

from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.settings import VaaniSettings
from core.ports.files import MediaRejected, TooLarge
from core.ports.vaani import CapabilityMissing, SpeechRequest, UnsupportedLanguage
from tests.contracts.vaani_kit import needs_binary

with_espeak = needs_binary("espeak-ng", "espeak-ng")
NO_BINARY = "/nonexistent/bin/espeak-ng"


def wav_facts(audio: bytes) -> tuple[float, int, int]:
    """(duration in seconds, sample rate, channels) as the wave module reads the file."""
    with wave.open(io.BytesIO(audio)) as wav:
        return wav.getnframes() / wav.getframerate(), wav.getframerate(), wav.getnchannels()


@pytest.fixture
def synthesizer() -> EspeakSpeechSynthesizer:
    return EspeakSpeechSynthesizer(VaaniSettings())


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The warehouse in Pune received forty boxes this morning."),
        ("hi", "आज सुबह पुणे के गोदाम में चालीस डिब्बे पहुँचे।"),
    ],
)
@pytest.mark.media
@with_espeak
async def test_a_sentence_becomes_a_valid_wav_whose_header_tells_its_true_length(
    synthesizer: EspeakSpeechSynthesizer, language: str, text: str
) -> None:
    speech = await synthesizer.synthesize(SpeechRequest(text=text, language=language))

    duration, sample_rate, channels = wav_facts(speech.audio)
    assert speech.audio[:4] == b"RIFF"
    assert speech.content_type == "audio/wav"
    assert (speech.engine, speech.voice, speech.note) == ("espeak-ng", language, None)
    assert sample_rate == speech.sample_rate == 22050
    assert channels == 1
    assert 1.0 < duration < 15.0
    assert duration == pytest.approx(speech.duration_s)


@pytest.mark.media
@with_espeak
async def test_sanskrit_is_spoken_by_the_hindi_voice_and_the_answer_says_so(
    synthesizer: EspeakSpeechSynthesizer,
) -> None:
    speech = await synthesizer.synthesize(SpeechRequest(text="धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः", language="sa"))

    assert speech.voice == "hi"
    assert speech.language == "sa"
    assert speech.note is not None
    assert "hi voice" in speech.note
    assert wav_facts(speech.audio)[0] > 1.0


@pytest.mark.media
@with_espeak
async def test_a_faster_rate_gives_shorter_audio(synthesizer: EspeakSpeechSynthesizer) -> None:
    text = "Rate is counted in words per minute."
    slow = await synthesizer.synthesize(SpeechRequest(text=text, rate=100))
    fast = await synthesizer.synthesize(SpeechRequest(text=text, rate=300))

    assert fast.duration_s < slow.duration_s


@pytest.mark.media
@with_espeak
async def test_text_that_looks_like_an_option_is_spoken_not_obeyed(
    synthesizer: EspeakSpeechSynthesizer,
) -> None:
    speech = await synthesizer.synthesize(SpeechRequest(text="--version; rm -rf / $(reboot)"))

    assert speech.audio[:4] == b"RIFF"
    assert speech.duration_s > 1.0


@pytest.mark.media
@with_espeak
@needs_binary("lame", "lame")
async def test_mp3_is_made_when_an_encoder_is_installed(synthesizer: EspeakSpeechSynthesizer) -> None:
    speech = await synthesizer.synthesize(SpeechRequest(text="Hello", format="mp3"))

    assert speech.content_type == "audio/mpeg"
    assert speech.audio[:3] == b"ID3" or speech.audio[0] == 0xFF


async def test_mp3_without_any_encoder_is_refused_naming_the_package_to_install() -> None:
    settings = VaaniSettings(
        ffmpeg_binary="/nonexistent/ffmpeg", lame_binary="/nonexistent/lame", sox_binary="/nonexistent/sox"
    )
    synthesizer = EspeakSpeechSynthesizer(settings)

    capabilities = {c.name: c for c in await synthesizer.capabilities()}
    assert capabilities["speech_format:mp3"].available is False
    assert capabilities["speech_format:mp3"].package == "ffmpeg"
    if capabilities["speech_synthesis"].available:
        with pytest.raises(CapabilityMissing) as refused:
            await synthesizer.synthesize(SpeechRequest(text="Hello", format="mp3"))
        assert refused.value.package == "ffmpeg"


async def test_a_missing_espeak_binary_is_reported_with_its_debian_package() -> None:
    synthesizer = EspeakSpeechSynthesizer(VaaniSettings(espeak_binary=NO_BINARY))

    [speech, *_] = await synthesizer.capabilities()
    assert (speech.name, speech.available, speech.package, speech.package_kind) == (
        "speech_synthesis",
        False,
        "espeak-ng",
        "debian",
    )
    with pytest.raises(CapabilityMissing) as refused:
        await synthesizer.synthesize(SpeechRequest(text="Hello"))
    assert refused.value.package == "espeak-ng"


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (SpeechRequest(text="x" * 5_001), TooLarge),
        (SpeechRequest(text="   "), MediaRejected),
        (SpeechRequest(text="Hello", language="fr"), UnsupportedLanguage),
        (SpeechRequest(text="Hello", voice="--path=/etc"), MediaRejected),
        (SpeechRequest(text="Hello", rate=1_000), MediaRejected),
        (SpeechRequest(text="Hello", pitch=-1), MediaRejected),
    ],
    ids=["too-long", "blank", "unknown-language", "voice-like-an-option", "rate", "pitch"],
)
async def test_requests_out_of_bounds_are_refused_before_the_engine_runs(
    request_: SpeechRequest, error: type[Exception]
) -> None:
    synthesizer = EspeakSpeechSynthesizer(VaaniSettings(espeak_binary=NO_BINARY))

    with pytest.raises(error):
        await synthesizer.synthesize(request_)
