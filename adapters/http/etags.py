"""Every resource that can change carries an ``ETag`` (its version); ``If-Match`` is optional,
and when sent and stale the change is refused with 412 (RFC 9110 §13.1.1).

    async def update(..., if_match: IfMatch = None) -> Response[ProductOut]:
        product = await use_case.execute(product_id, patch, by, expected_version=version_in(if_match))
        return tagged(ProductOut.of(product), product.version)
"""

from typing import Annotated, Any, TypeVar

from litestar import Response
from litestar.params import HeaderParameter

T = TypeVar("T")

IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", description="the ETag last read; a stale one is refused with 412"),
]
NEVER_MATCHES = -1
MERGE_PATCH = "application/merge-patch+json"
"""RFC 7396; PATCH bodies may also say ``application/json``."""


def etag(version: int) -> str:
    return f'"{version}"'


def version_in(if_match: str | None) -> int | None:
    """The version ``If-Match`` names: None when absent or ``*``; a tag that is not one of ours
    can never match, so the change is refused rather than applied blind."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = if_match.strip().removeprefix("W/")
    if len(tag) >= 3 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit():
        return int(tag[1:-1])
    return NEVER_MATCHES


def tagged(body: T, version: int, status_code: int = 200, **headers: Any) -> Response[T]:
    return Response(body, status_code=status_code, headers={"ETag": etag(version), **headers})
