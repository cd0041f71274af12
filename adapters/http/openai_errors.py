"""OpenAI-shaped error bodies on the OpenAI-compatible paths: the one exception to problem+json.

The ``openai`` client and the tools built on it parse ``{"error": {"message", "type", "param",
"code"}}``; a problem document would reach them as an unreadable error. So on the paths below
(and deeper ones), every error the gateway or the LLM service answers has that shape, with
content type ``application/json``; status codes and headers (``Retry-After``,
``WWW-Authenticate``, ``X-Request-Id``) stay as they are. Everywhere else: problem+json.

The rule in one place: ``OpenAIErrorPaths`` (outermost, inside the edge middleware) marks a
request on those paths, and the two renderers of problems (``problems.problem_response`` for
Litestar's exception handler, ``asgi_problem.send_problem`` for the gateway's ASGI layers) render
through ``openai_error`` when it is marked. Answers relayed from an upstream pass as they came.
"""

from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils import normalize_path

OPENAI_OPERATIONS = ("/v1/chat/completions", "/v1/embeddings", "/v1/models")
GATEWAY_OPENAI_PATHS = tuple(f"/api/llm{operation}" for operation in OPENAI_OPERATIONS)
"""Where the gateway answers OpenAI-shaped errors."""
SERVICE_OPENAI_PATHS = OPENAI_OPERATIONS
"""Where the LLM service does (the gateway strips ``/api/llm``)."""
OPENAI_ERROR_MEDIA_TYPE = "application/json"

openai_errors_wanted: ContextVar[bool] = ContextVar("openai_errors_wanted", default=False)

_TYPE_BY_STATUS = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}
_CODE_BY_STATUS = {
    401: "invalid_api_key",
    429: "rate_limit_exceeded",
    502: "upstream_unavailable",
    504: "upstream_timeout",
}


_QUOTA_CODE = "insufficient_quota"
"""OpenAI's code for a used-up quota (its clients tell it from a passing rate limit)."""


def under(path: str, prefixes: Sequence[str]) -> bool:
    """``path`` is one of ``prefixes`` or below one (a whole segment: ``/v1/models/x``, never
    ``/v1/modelsx``)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def openai_error(status: int, *, code: str, detail: str, param: str | None = None) -> dict[str, Any]:
    """The OpenAI error document for a problem of ``status`` with our ``code`` and ``detail``."""
    error_type = "api_error" if status >= 500 else _TYPE_BY_STATUS.get(status, "invalid_request_error")
    return {
        "error": {
            "message": detail,
            "type": error_type,
            "param": param,
            "code": _QUOTA_CODE if code == "budget_exceeded" else _CODE_BY_STATUS.get(status, code),
        }
    }


class OpenAIErrorPaths:
    """Marks requests on ``prefixes`` so that their errors are rendered OpenAI-shaped."""

    def __init__(self, app: ASGIApp, prefixes: Sequence[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not under(normalize_path(scope["path"]), self.prefixes):
            await self.app(scope, receive, send)
            return
        marked = openai_errors_wanted.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            openai_errors_wanted.reset(marked)
