"""The file store over HTTP: a caller's own files, by id only; someone else's do not exist."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.files.settings import FileStoreSettings
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from tests.http.vaani_kit import Auth, Client, orchestration


@pytest.fixture
async def service(settings: PlatformSettings, tmp_path: Path) -> AsyncIterator[tuple[Client, Auth]]:
    async with orchestration(settings, tmp_path / "files") as running:
        yield running


async def test_an_upload_is_served_back_to_its_owner_with_its_type_and_a_download_name(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    asha = await auth("asha")

    uploaded = await client.post(
        "/v1/files", files={"file": ("../../etc/passwd", b"hello", "text/plain")}, headers=asha
    )

    assert uploaded.status_code == 201, uploaded.text
    stored = uploaded.json()
    assert (stored["content_type"], stored["size"]) == ("text/plain", 5)
    assert stored["url"] == f"/api/orchestration/v1/files/{stored['id']}"
    served = await client.get(f"/v1/files/{stored['id']}", headers=asha)
    assert served.content == b"hello"
    assert served.headers["content-type"].startswith("text/plain")
    assert served.headers["content-disposition"] == f'attachment; filename="{stored["id"]}.txt"'
    assert served.headers["x-content-type-options"] == "nosniff"


async def test_someone_elses_file_does_not_exist_for_them_but_an_admin_may_read_it(
    service: tuple[Client, Auth],
) -> None:
    client, auth = service
    uploaded = await client.post(
        "/v1/files", files={"file": ("a.txt", b"mine", "text/plain")}, headers=await auth("asha")
    )
    file_id = uploaded.json()["id"]
    ravi = await auth("ravi", Role.SALES)

    assert (await client.get(f"/v1/files/{file_id}", headers=ravi)).status_code == 404
    assert (await client.delete(f"/v1/files/{file_id}", headers=ravi)).status_code == 404
    admin = await auth("root", Role.ADMIN)
    assert (await client.get(f"/v1/files/{file_id}", headers=admin)).content == b"mine"


async def test_the_owner_deletes_a_file_and_then_it_is_gone(service: tuple[Client, Auth]) -> None:
    client, auth = service
    asha = await auth("asha")
    file_id = (
        await client.post("/v1/files", files={"file": ("a.txt", b"x", "text/plain")}, headers=asha)
    ).json()["id"]

    assert (await client.delete(f"/v1/files/{file_id}", headers=asha)).status_code == 204
    assert (await client.get(f"/v1/files/{file_id}", headers=asha)).status_code == 404


async def test_a_path_as_an_id_is_not_found(service: tuple[Client, Auth]) -> None:
    client, auth = service

    answer = await client.get("/v1/files/..%2F..%2Fbhiv.db", headers=await auth("asha"))

    assert answer.status_code == 404


async def test_an_upload_over_the_size_limit_is_413_and_of_another_type_415(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    small = FileStoreSettings(directory=str(tmp_path), max_bytes=100)
    async with orchestration(settings, tmp_path, files=small) as (client, auth):
        asha = await auth("asha")
        too_large = await client.post(
            "/v1/files", files={"file": ("a.txt", b"x" * 101, "text/plain")}, headers=asha
        )
        html = await client.post(
            "/v1/files", files={"file": ("a.html", b"<script>", "text/html")}, headers=asha
        )

    assert too_large.status_code == 413
    assert too_large.json()["code"] == "too_large"
    assert html.status_code == 415
    assert html.json()["code"] == "unsupported_type"
