"""A service's API docs pages, entirely served by the service itself.

Swagger UI's scripts, styles and icon come from the installed ``swagger-ui-bundle-v2`` package
(the ``swagger-ui-bundle`` project's Swagger UI 5 line: Apache 2.0, Swagger UI's own ``dist``
files; version 4, which ``swagger-ui-bundle`` ships, cannot render OpenAPI 3.1 documents) under
``<openapi path>/assets/``, never from a CDN: on a private network, or offline, the pages still
render. Litestar's other viewers (ReDoc, RapiDoc,
Elements) load from CDNs only, so they are not offered.
"""

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

from adapters.http.access import PUBLIC

ASSETS = "/assets"
SWAGGER_UI_DIR = Path(str(swagger_ui_path))
"""Swagger UI's ``dist`` directory inside the installed package."""


def openapi_config(*, title: str, version: str, description: str, path: str) -> OpenAPIConfig:
    """The OpenAPI document (JSON and YAML) and Swagger UI at ``path`` and ``path/swagger``."""
    assets = f"{path}{ASSETS}"
    swagger = SwaggerRenderPlugin(
        js_url=f"{assets}/swagger-ui-bundle.js",
        css_url=f"{assets}/swagger-ui.css",
        standalone_preset_js_url=f"{assets}/swagger-ui-standalone-preset.js",
        path=["/", "/swagger"],
        favicon=f"<link rel='icon' type='image/png' href='{assets}/favicon-32x32.png'>",
    )
    return OpenAPIConfig(
        title=title,
        version=version,
        description=description,
        path=path,
        render_plugins=[swagger, JsonRenderPlugin(), YamlRenderPlugin()],
    )


def docs_assets(path: str) -> Router:
    """Swagger UI's files at ``path/assets/<file>``, public like the document they render."""
    return create_static_files_router(
        path=f"{path}{ASSETS}",
        directories=[SWAGGER_UI_DIR],
        name="openapi-assets",
        opt=dict(PUBLIC),
        cache_control=CacheControlHeader(max_age=86_400, public=True),
        include_in_schema=False,
    )
