"""Problem details sent straight on an ASGI ``send``: the proxied path has no Litestar response."""

from collections.abc import Sequence
from http import HTTPStatus

import msgspec
from litestar.types import Send

from adapters.http.context import correlation_id
from adapters.http.problems import PROBLEM_JSON

_CONTENT_TYPE = (b"content-type", PROBLEM_JSON.encode())


async def send_problem(
    send: Send,
    status: int,
    *,
    code: str,
    detail: str,
    instance: str | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    body = msgspec.json.encode(
        {
            "type": f"urn:bhiv:problem:{code}",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": detail,
            "code": code,
            "correlation_id": correlation_id.get(),
            **({"instance": instance} if instance else {}),
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_CONTENT_TYPE, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
