"""Problem details sent straight on an ASGI ``send``, for the layers that run outside Litestar's
responses (the gateway's proxy, rate limits and threat screen); OpenAI-shaped on the paths that
answer so (``adapters/http/openai_errors.py``)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec

from adapters.http.openai_errors import OPENAI_ERROR_MEDIA_TYPE, openai_error, openai_errors_wanted
from adapters.http.problems import PROBLEM_JSON, problem_body

_CONTENT_TYPE = (b"content-type", PROBLEM_JSON.encode())
_OPENAI_CONTENT_TYPE = (b"content-type", OPENAI_ERROR_MEDIA_TYPE.encode())


async def send_problem(
    send: Callable[[Any], Awaitable[None]],
    status: int,
    *,
    code: str,
    detail: str,
    instance: str | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    if openai_errors_wanted.get():
        content_type = _OPENAI_CONTENT_TYPE
        body = msgspec.json.encode(openai_error(status, code=code, detail=detail))
    else:
        content_type = _CONTENT_TYPE
        body = msgspec.json.encode(problem_body(status, code=code, detail=detail, instance=instance))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [content_type, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
