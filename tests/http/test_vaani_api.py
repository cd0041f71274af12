"""Vaani over HTTP on the orchestration service: real engines, answers a client can use, refusals
that name their reason, and a usage line per call that never carries the text."""

import io
import logging
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from adapters.llm.settings import LlmProvidersSettings, OpenAICompatibleSettings
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.routing import AliasConfig
from tests.contracts.vaani_kit import LATIN_FONT, needs_binary, needs_font, needs_tesseract_data
from tests.http.vaani_kit import Auth, Client, orchestration
from tests.support.llm_servers import ANSWER, Fail, OpenAIServer, in_own_thread

with_espeak = needs_binary("espeak-ng", "espeak-ng")
with_tesseract = needs_binary("tesseract", "tesseract-ocr")


@pytest.fixture
async def service(settings: PlatformSettings, tmp_path: Path) -> AsyncIterator[tuple[Client, Auth]]:
    # No recogniser: the provider is chosen and not configured, whatever extras are installed.
    no_recogniser = RecognitionSettings(engine="openai")
    async with orchestration(settings, tmp_path / "files", recognition=no_recogniser) as running:
        yield running


@pytest.mark.media
@with_espeak
async def test_a_spoken_sentence_is_stored_and_fetched_as_a_wav_of_the_reported_rate(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    asha = await auth("asha", Role.CUSTOMER)

    spoken = await client.post(
        "/v1/vaani/speak",
        json={"text": "Your order has left the Pune warehouse.", "language": "en"},
        headers=asha,
    )

    assert spoken.status_code == 201, spoken.text
    answer = spoken.json()
    assert answer["url"] == f"/api/orchestration/v1/files/{answer['audio_id']}"
    assert (answer["engine"], answer["voice"], answer["format"]) == ("espeak-ng", "en", "wav")
    assert "note" not in answer
    audio = await client.get(f"/v1/files/{answer['audio_id']}", headers=asha)
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.headers["content-disposition"] == f'attachment; filename="{answer["audio_id"]}.wav"'
    with wave.open(io.BytesIO(audio.content)) as wav:
        assert wav.getframerate() == answer["sample_rate"]
        assert wav.getnframes() / wav.getframerate() == pytest.approx(answer["duration_s"])


@pytest.mark.media
@with_espeak
async def test_sanskrit_is_spoken_by_the_hindi_voice_and_the_answer_says_so(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service

    spoken = await client.post(
        "/v1/vaani/speak",
        json={"text": "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः", "language": "sa"},
        headers=await auth("ravi", Role.SALES),
    )

    assert spoken.status_code == 201, spoken.text
    assert spoken.json()["voice"] == "hi"
    assert "spoken with the hi voice" in spoken.json()["note"]


async def test_a_voice_that_looks_like_an_option_is_refused_at_the_boundary(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service

    refused = await client.post(
        "/v1/vaani/speak",
        json={"text": "hi", "language": "en", "voice": "--help"},
        headers=await auth("asha"),
    )

    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_failed"


@pytest.mark.media
@with_espeak
@pytest.mark.parametrize("voice", ["zz", "default", "mb-en1"], ids=["unknown", "default", "mbrola-absent"])
async def test_a_voice_this_machine_lacks_is_the_callers_mistake_422_naming_it(
    service: tuple[Client, Auth], voice: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, auth = service

    with caplog.at_level(logging.INFO):
        refused = await client.post(
            "/v1/vaani/speak",
            json={"text": "hello", "language": "en", "voice": voice},
            headers=await auth("asha"),
        )

    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "media_rejected"
    assert refused.json()["voice"] == voice
    assert refused.json()["detail"] == f"espeak-ng has no voice {voice!r} here"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def rendered(text: str) -> bytes:
    font = ImageFont.truetype(str(LATIN_FONT), 48)
    _, _, right, bottom = font.getbbox(text)
    image = Image.new("RGB", (right + 60, bottom + 60), "white")
    ImageDraw.Draw(image).text((30, 30), text, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng")
@needs_font(LATIN_FONT)
async def test_text_is_read_from_an_uploaded_image_with_its_confidence_and_the_image_described(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    image = rendered("Deliver to Gate 4 before noon")

    read = await client.post(
        "/v1/vaani/ocr",
        files={"file": ("note.png", image, "image/png")},
        data={"languages": "eng"},
        headers=await auth("asha"),
    )

    assert read.status_code == 200, read.text
    answer = read.json()
    assert answer["text"] == "Deliver to Gate 4 before noon"
    assert answer["lines"][0]["confidence"] > 0.8
    assert answer["languages"] == ["en"]
    assert answer["image"]["format"] == "PNG"
    assert answer["image"]["dominant_colours"][0] == "#ffffff"


async def test_an_image_past_the_pixel_limit_is_refused_with_413(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration(settings, tmp_path, vaani=VaaniSettings(max_image_pixels=100)) as (client, auth):
        image = io.BytesIO()
        Image.new("RGB", (20, 20), "white").save(image, format="PNG")

        refused = await client.post(
            "/v1/vaani/ocr",
            files={"file": ("big.png", image.getvalue(), "image/png")},
            headers=await auth("a"),
        )

    assert refused.status_code == 413
    assert refused.json()["code"] == "too_large"


async def test_devanagari_is_transliterated_to_iast_and_an_unknown_scheme_names_the_valid_ones(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    asha = await auth("asha")

    done = await client.post(
        "/v1/vaani/transliterate", json={"text": "संस्कृतम्", "from": "devanagari", "to": "iast"}, headers=asha
    )
    refused = await client.post(
        "/v1/vaani/transliterate", json={"text": "abc", "from": "klingon", "to": "iast"}, headers=asha
    )

    assert done.status_code == 200
    assert done.json() == {"text": "saṃskṛtam"}
    assert refused.status_code == 422
    assert refused.json()["code"] == "unknown_scheme"
    assert "iast" in refused.json()["valid"]


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        ("The shipment will reach the warehouse on Monday morning.", "en", "Latin"),
        ("आज सुबह पुणे के गोदाम में चालीस डिब्बे पहुँचे।", "hi", "Devanagari"),
    ],
)
async def test_the_language_of_a_text_is_detected_with_its_script(
    service: tuple[Client, Auth], text: str, language: str, script: str
) -> None:
    client, auth = service

    found = await client.post("/v1/vaani/detect-language", json={"text": text}, headers=await auth("asha"))

    assert found.status_code == 200
    assert (found.json()["language"], found.json()["script"]) == (language, script)
    assert 0.5 < found.json()["confidence"] <= 1.0


async def test_a_long_text_adapted_for_twitter_becomes_a_numbered_thread_within_280_characters(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    text = " ".join(f"Monsoon update {n}: reservoirs in Kerala are filling fast." for n in range(12))

    adapted = await client.post(
        "/v1/vaani/adapt", json={"text": text, "platform": "twitter"}, headers=await auth("asha")
    )

    assert adapted.status_code == 200, adapted.text
    posts = adapted.json()["posts"]
    assert len(posts) > 1
    assert all(len(post) <= 280 for post in posts)
    assert posts[0].endswith(f" 1/{len(posts)}")
    assert set(adapted.json()) >= {"posts", "hashtags", "cut"}


async def test_translation_on_the_embedded_default_is_unavailable_and_says_what_enables_it(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service

    refused = await client.post(
        "/v1/vaani/translate",
        json={"text": "Good morning", "from": "en", "to": "hi"},
        headers=await auth("asha"),
    )

    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "translation_unavailable"
    assert "BHIV_LLM_PROVIDERS" in problem["detail"]
    assert "BHIV_LLM_ALIASES" in problem["detail"]


async def test_transcribing_without_a_recogniser_names_the_pip_extra(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service

    refused = await client.post(
        "/v1/vaani/transcribe",
        files={"file": ("a.wav", b"RIFF....WAVE", "audio/wav")},
        headers=await auth("asha"),
    )

    assert refused.status_code == 503
    assert refused.json()["code"] == "capability_missing"
    assert "bhiv-core[speech]" in refused.json()["detail"]


async def test_the_capabilities_list_every_engine_and_what_provides_a_missing_one(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service

    listed = await client.get("/v1/vaani/capabilities", headers=await auth("asha"))

    assert listed.status_code == 200
    by_name = {c["name"]: c for c in listed.json()["capabilities"]}
    expected = {
        "speech_synthesis",
        "ocr",
        "transliteration",
        "language_detection",
        "speech_recognition",
        "translation",
    }
    assert expected <= set(by_name)
    assert not by_name["speech_recognition"]["available"]
    assert "BHIV_VAANI_RECOGNITION_OPENAI_BASE_URL" in by_name["speech_recognition"]["detail"]
    assert not by_name["translation"]["available"]
    assert "BHIV_LLM_ALIASES" in by_name["translation"]["detail"]
    assert {"speech_recognition", "translation"} <= set(listed.json()["missing"])


async def test_a_usage_line_is_logged_for_each_call_without_the_text(
    service: tuple[Client, Auth], caplog: pytest.LogCaptureFixture
) -> None:
    client, auth = service
    secret = "मेरा खाता संख्या 12345 है"

    with caplog.at_level(logging.INFO, logger="bhiv.vaani.usage"):
        await client.post("/v1/vaani/detect-language", json={"text": secret}, headers=await auth("asha"))

    [line] = [r for r in caplog.records if r.name == "bhiv.vaani.usage"]
    usage = line.vaani  # type: ignore[attr-defined]
    assert (usage["capability"], usage["subject"], usage["outcome"]) == ("language_detection", "asha", "ok")
    assert (usage["language"], usage["input_size"], usage["input_unit"]) == ("hi", len(secret), "chars")
    assert usage["latency_ms"] >= 0
    assert secret not in line.getMessage()
    assert secret not in str(usage)


async def test_translation_goes_to_the_generative_provider_the_translate_alias_names(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with in_own_thread(OpenAIServer()) as model:
        providers = LlmProvidersSettings(
            providers=[OpenAICompatibleSettings(name="hosted", base_url=model.base_url, max_retries=0)]
        )
        aliases = LlmPolicy(
            aliases={"translate": AliasConfig(routes=["hosted/gpt-4o-mini", "local/extractive"])}
        )
        async with orchestration(settings, tmp_path, llm_providers=providers, llm=aliases) as (client, auth):
            translated = await client.post(
                "/v1/vaani/translate", json={"text": "सुप्रभात", "to": "en"}, headers=await auth("asha")
            )

    assert translated.status_code == 200, translated.text
    assert translated.json() == {"text": ANSWER, "from": "hi", "to": "en", "engine": "hosted/gpt-4o-mini"}
    [seen] = model.chats()
    system, user = seen.body["messages"]
    assert "from Hindi to English" in system["content"]
    assert user == {"role": "user", "content": "सुप्रभात"}


async def test_a_failing_generative_provider_is_never_replaced_by_the_extractive_engine(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with in_own_thread(OpenAIServer().then(Fail(503))) as model:
        providers = LlmProvidersSettings(
            providers=[OpenAICompatibleSettings(name="hosted", base_url=model.base_url, max_retries=0)]
        )
        aliases = LlmPolicy(
            aliases={"default": AliasConfig(routes=["hosted/gpt-4o-mini", "local/extractive"])}
        )
        async with orchestration(settings, tmp_path, llm_providers=providers, llm=aliases) as (client, auth):
            failed = await client.post(
                "/v1/vaani/translate", json={"text": "Good morning", "to": "hi"}, headers=await auth("asha")
            )

    assert failed.status_code == 502
    assert failed.json()["code"] == "providers_unavailable"
