"""The local file store keeps bytes under ids it generates, records type and owner, and refuses
what it was not set up to take."""

from pathlib import Path

import pytest

from adapters.files.local import LocalFileStore
from adapters.files.settings import FileStoreSettings
from adapters.system.clock import Uuid7IdGenerator
from core.ports.files import FileNotFound, TooLarge, UnsupportedType
from tests.support.fake_clock import FakeClock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def store(directory: Path) -> LocalFileStore:
    settings = FileStoreSettings(
        directory=str(directory), max_bytes=1_000, allowed_types=("image/png", "text/plain")
    )
    return LocalFileStore(settings, Uuid7IdGenerator(), FakeClock())


async def test_a_stored_file_comes_back_with_its_type_and_owner(store: LocalFileStore) -> None:
    stored = await store.put(PNG, content_type="image/png", owner="user-7")

    content = await store.get(stored.id)

    assert content.data == PNG
    assert content.file == stored
    assert (stored.content_type, stored.owner, stored.size) == ("image/png", "user-7", len(PNG))


async def test_the_id_is_generated_by_the_store_and_names_the_file_in_its_directory(
    store: LocalFileStore, directory: Path
) -> None:
    first = await store.put(b"a", content_type="text/plain", owner="u")
    second = await store.put(b"a", content_type="text/plain", owner="u")

    assert first.id != second.id
    assert names_in(directory) == sorted([first.id, first.id + ".json", second.id, second.id + ".json"])


async def test_content_type_parameters_and_case_do_not_matter(store: LocalFileStore) -> None:
    stored = await store.put(b"hello", content_type="Text/Plain; charset=utf-8", owner="u")

    assert stored.content_type == "text/plain"


async def test_a_file_past_the_size_limit_is_refused_and_nothing_is_written(
    store: LocalFileStore, directory: Path
) -> None:
    with pytest.raises(TooLarge) as refused:
        await store.put(b"x" * 1_001, content_type="text/plain", owner="u")

    assert refused.value.extensions == {"size": 1_001, "limit": 1_000, "unit": "bytes"}
    assert names_in(directory) == []


@pytest.mark.parametrize("content_type", ["application/x-msdownload", "text/html", "", "image/svg+xml"])
async def test_a_type_not_allowed_is_refused_with_the_allowed_ones(
    store: LocalFileStore, content_type: str
) -> None:
    with pytest.raises(UnsupportedType) as refused:
        await store.put(b"x", content_type=content_type, owner="u")

    assert refused.value.extensions["allowed"] == ["image/png", "text/plain"]


@pytest.mark.parametrize(
    "file_id",
    ["../../etc/passwd", "/etc/passwd", "..", "", "x.json", "01890a5d-ac96-774b-bcce-b302099a8057/../x"],
)
async def test_an_id_the_store_did_not_generate_never_reaches_the_filesystem(
    store: LocalFileStore, file_id: str
) -> None:
    with pytest.raises(FileNotFound):
        await store.get(file_id)
    assert await store.delete(file_id) is False


async def test_a_deleted_file_is_gone(store: LocalFileStore, directory: Path) -> None:
    stored = await store.put(PNG, content_type="image/png", owner="u")

    assert await store.delete(stored.id) is True
    assert await store.delete(stored.id) is False
    with pytest.raises(FileNotFound):
        await store.get(stored.id)
    assert names_in(directory) == []


async def test_an_unknown_but_well_formed_id_is_not_found(store: LocalFileStore) -> None:
    with pytest.raises(FileNotFound):
        await store.get("01890a5d-ac96-774b-bcce-b302099a8057")
