"""Vaani's providers build, the capabilities report names what to install, and adapting a text
takes its hashtags from YAKE's keywords."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dishka import AsyncContainer, Provider, Scope, make_async_container

from adapters.files.ioc import FileStoreProvider
from adapters.files.settings import FileStoreSettings
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from adapters.vaani.extras import installed
from adapters.vaani.ioc import VaaniProvider
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from core.domain.vaani.use_cases import AdaptText, AdaptTextCommand, ReportCapabilities
from core.ports.clock import Clock, IdGenerator
from core.ports.files import FileStore

MISSING_ENGINES = VaaniSettings(
    espeak_binary="/nonexistent/espeak-ng",
    tesseract_binary="/nonexistent/tesseract",
    ffmpeg_binary="/nonexistent/ffmpeg",
    lame_binary="/nonexistent/lame",
    sox_binary="/nonexistent/sox",
)


@pytest.fixture
async def container(tmp_path: Path) -> AsyncIterator[AsyncContainer]:
    given = Provider(scope=Scope.APP)
    given.provide(lambda: MISSING_ENGINES, provides=VaaniSettings)
    given.provide(RecognitionSettings, provides=RecognitionSettings)
    given.provide(lambda: FileStoreSettings(directory=str(tmp_path)), provides=FileStoreSettings)
    given.provide(SystemClock, provides=Clock)
    given.provide(Uuid7IdGenerator, provides=IdGenerator)
    container = make_async_container(given, VaaniProvider(), FileStoreProvider())
    yield container
    await container.close()


async def test_the_capabilities_report_names_the_debian_package_of_each_missing_engine(
    container: AsyncContainer,
) -> None:
    report = await (await container.get(ReportCapabilities)).execute()

    missing = {c.name: (c.package, c.package_kind) for c in report.missing if c.name != "speech_recognition"}
    assert missing == {
        "speech_synthesis": ("espeak-ng", "debian"),
        "speech_format:mp3": ("ffmpeg", "debian"),
        "speech_format:ogg": ("ffmpeg", "debian"),
        "ocr": ("tesseract-ocr", "debian"),
    }
    available = {c.name for c in report.capabilities if c.available}
    assert available - {"speech_recognition"} == {"transliteration", "language_detection"}
    # Recognition is a pip extra: available where this environment installed it (CI does), else
    # reported missing with the extra to install.
    recognisers = [c for c in report.capabilities if c.name == "speech_recognition"]
    if installed("faster_whisper") or installed("pocketsphinx"):
        assert any(c.available for c in recognisers)
    else:
        assert ("bhiv-core[speech]", "pip") in {(c.package, c.package_kind) for c in recognisers}


async def test_adapting_a_text_for_every_platform_draws_hashtags_from_its_keywords(
    container: AsyncContainer,
) -> None:
    text = (
        "The monsoon reached Kerala three days early this year. Farmers in Kerala welcomed the "
        "monsoon rains. Reservoirs in Kerala are filling fast."
    )

    adaptations = await (await container.get(AdaptText)).execute(AdaptTextCommand(text=text))

    by_platform = {a.platform: a for a in adaptations}
    assert set(by_platform) == {"twitter", "instagram", "linkedin", "youtube", "whatsapp"}
    assert "#Kerala" in by_platform["instagram"].hashtags
    assert by_platform["whatsapp"].hashtags == ()
    assert by_platform["whatsapp"].posts == (text,)


async def test_the_file_store_is_provided(container: AsyncContainer) -> None:
    store = await container.get(FileStore)

    stored = await store.put(b"hello", content_type="text/plain", owner="u")
    assert (await store.get(stored.id)).data == b"hello"
