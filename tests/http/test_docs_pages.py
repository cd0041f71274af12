"""Every service's API docs page needs nothing but the service: no CDN, so a private network
(or no network) still renders it."""

import re

from apps._shared.settings import PlatformSettings
from apps.services import SERVICES
from tests.http.platform import running_platform

REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


async def test_every_docs_page_loads_its_scripts_styles_and_icon_from_its_own_service(
    settings: PlatformSettings,
) -> None:
    async with running_platform(settings) as platform:
        for service in SERVICES:
            client = platform[service]
            for page in ("/openapi/swagger", "/openapi"):
                answer = await client.get(page)
                assert answer.status_code == 200, (service, page)
                references = REFERENCE.findall(answer.text)
                assert len(references) == 4, (service, page, references)  # icon, css, bundle, preset
                assert all(ref.startswith("/openapi/assets/") for ref in references), references
            for reference in references:  # anonymous, as a browser fetches them
                asset = await client.get(reference)
                assert asset.status_code == 200, (service, reference)
                assert asset.content, (service, reference)
                assert "max-age" in asset.headers["cache-control"]


async def test_the_assets_route_serves_files_of_the_package_only(settings: PlatformSettings) -> None:
    async with running_platform(settings) as platform:
        client = platform["logistics"]
        assert (await client.get("/openapi/assets/no-such-file.js")).status_code == 404
        assert (await client.get("/openapi/assets/..%2f..%2f__init__.py")).status_code == 404
