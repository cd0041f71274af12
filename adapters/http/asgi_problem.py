"""Problem details sent straight on an ASGI ``send``, for the layers that run outside Litestar's
responses (the gateway's proxy, rate limits and threat screen)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec

from adapters.http.problems import PROBLEM_JSON, problem_body

_CONTENT_TYPE = (b"content-type", PROBLEM_JSON.encode())


async def send_problem(
    send: Callable[[Any], Awaitable[None]],
    status: int,
    *,
    code: str,
    detail: str,
    instance: str | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    body = msgspec.json.encode(problem_body(status, code=code, detail=detail, instance=instance))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_CONTENT_TYPE, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
