"""The OpenAI-compatible transcription provider against a loopback server of that wire format."""

import pytest

from adapters.vaani.openai_transcription import OpenAITranscriptionRecognizer, language_code
from adapters.vaani.recognition import build_recognizer
from adapters.vaani.recognition_settings import RecognitionSettings
from core.ports.errors import Unavailable
from core.ports.files import MediaRejected, UnsupportedType
from tests.contracts.test_vaani_recognition_audio import tone
from tests.support.llm_servers import unused_port
from tests.support.transcription_server import TEXT, LoopbackTranscriptionServer

KEY = "sk-test-0123456789abcdef"


def settings_for(base_url: str, **overrides: object) -> RecognitionSettings:
    return RecognitionSettings(
        openai_base_url=base_url, openai_api_key=KEY, openai_model="whisper-1", **overrides
    )  # type: ignore[arg-type]


async def test_the_upload_is_multipart_verbose_json_and_the_answer_a_transcript() -> None:
    async with LoopbackTranscriptionServer() as server:
        recognizer = build_recognizer(settings_for(server.base_url))
        transcript = await recognizer.transcribe(tone(2.0), content_type="audio/wav", language="en")

    [upload] = server.uploads
    assert upload.authorization == f"Bearer {KEY}"
    assert upload.fields == {"model": "whisper-1", "response_format": "verbose_json", "language": "en"}
    assert (upload.filename, upload.content_type) == ("audio.wav", "audio/wav")
    assert transcript.text == TEXT
    assert transcript.language == "en"  # OpenAI says "english"
    assert [(s.start_s, s.end_s) for s in transcript.segments] == [(0.0, 2.1), (2.1, 4.25)]
    assert transcript.segments[1].text == "It arrives on Friday."
    assert transcript.engine == "openai-compatible (whisper-1)"
    assert transcript.duration_s == 4.25


async def test_what_the_local_engines_refuse_is_never_sent() -> None:
    async with LoopbackTranscriptionServer() as server:
        recognizer = OpenAITranscriptionRecognizer(settings_for(server.base_url))
        with pytest.raises(UnsupportedType):
            await recognizer.transcribe(b"<html>not audio</html>", content_type="audio/wav")
    assert server.uploads == []


async def test_a_refused_key_is_unavailable_and_the_key_is_not_repeated() -> None:
    async with LoopbackTranscriptionServer() as server:
        server.fail_with(401, f"Incorrect API key provided: {KEY}.")
        server.fail_with(400, "Audio file might be corrupted or unsupported")
        recognizer = OpenAITranscriptionRecognizer(settings_for(server.base_url))
        with pytest.raises(Unavailable) as refused:
            await recognizer.transcribe(tone(1.0), content_type="audio/wav")
        with pytest.raises(MediaRejected, match="corrupted"):
            await recognizer.transcribe(tone(1.0), content_type="audio/wav")
    assert "401" in str(refused.value)
    assert KEY not in str(refused.value)


async def test_an_unreachable_provider_is_unavailable() -> None:
    port = await unused_port()
    recognizer = OpenAITranscriptionRecognizer(settings_for(f"http://127.0.0.1:{port}/v1"))

    with pytest.raises(Unavailable, match="could not be reached"):
        await recognizer.transcribe(tone(1.0), content_type="audio/wav")


async def test_unconfigured_it_reports_itself_unavailable() -> None:
    [capability] = await OpenAITranscriptionRecognizer(RecognitionSettings()).capabilities()
    assert not capability.available
    assert "BHIV_VAANI_RECOGNITION_OPENAI_BASE_URL" in (capability.detail or "")


def test_languages_named_or_coded_become_codes() -> None:
    assert [language_code(x) for x in ("english", "Hindi", "hi", "klingon")] == ["en", "hi", "hi", "und"]
