"""RFC 9457 problem details for every error of every service, from one table (OpenAI-shaped on
the OpenAI-compatible paths: ``adapters/http/openai_errors.py``).

The domain raises meaning (``NotFound``, ``RuleViolated``); this module alone decides the
status code. 5xx are logged once with the traceback; 4xx at INFO; no stack trace ever
reaches a response body.
"""

import logging
import math
import re
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from adapters.http.context import correlation_id
from adapters.http.openai_errors import OPENAI_ERROR_MEDIA_TYPE, openai_error, openai_errors_wanted
from core.domain.agents.errors import AgentFailed, AgentTimedOut
from core.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RuleViolated,
    TooManyRequests,
    Unauthenticated,
)
from core.domain.llm.routing import AllProvidersFailed
from core.ports.errors import Unavailable, UpstreamTimeout
from core.ports.files import TooLarge, UnsupportedType
from core.ports.llm import BadLlmRequest, RateLimited

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("bhiv.http")

# Most specific class first: the first match wins.
STATUS_BY_ERROR: tuple[tuple[type[Exception], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (PreconditionFailed, 412),
    (Forbidden, 403),
    (Unauthenticated, 401),
    (TooLarge, 413),
    (UnsupportedType, 415),
    (RuleViolated, 422),
    (TooManyRequests, 429),
    (RateLimited, 429),
    (BadLlmRequest, 400),
    (AllProvidersFailed, 502),
    (AgentFailed, 502),
    (AgentTimedOut, 504),
    (UpstreamTimeout, 504),
    (Unavailable, 503),
)

_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def problem_body(status: int, *, code: str, detail: str, instance: str | None = None) -> dict[str, Any]:
    """The RFC 9457 document every error of every service carries, with the correlation id."""
    body: dict[str, Any] = {
        "type": f"urn:bhiv:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "correlation_id": correlation_id.get(),
    }
    if instance:
        body["instance"] = instance
    return body


def problem_response(
    status: int,
    *,
    code: str,
    detail: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response[dict[str, Any]]:
    if openai_errors_wanted.get():
        errors = extensions.get("errors")
        param = errors[0].get("field") if isinstance(errors, list) and errors else None
        document = openai_error(status, code=code, detail=detail, param=param)
        return Response(document, status_code=status, media_type=OPENAI_ERROR_MEDIA_TYPE, headers=headers)
    body = problem_body(status, code=code, detail=detail, instance=instance) | extensions
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(error: Exception) -> int | None:
    for error_class, status in STATUS_BY_ERROR:
        if isinstance(error, error_class):
            return status
    return None


def handle_exception(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    path = request.scope.get("path")
    if isinstance(error, ValidationException):
        return _validation_problem(error, path)
    if isinstance(error, HTTPException):
        return _http_problem(error, path)
    if isinstance(error, UnicodeDecodeError):  # msgspec reading a body with invalid UTF-8 in a string
        log.info("malformed_request (400): %s", error)
        detail = "The request body is not valid UTF-8."
        return problem_response(400, code="malformed_request", detail=detail, instance=path)
    status = status_for(error)
    if status is None:
        log.error("unhandled error on %s %s", request.method, path, exc_info=error)
        return problem_response(
            500, code="internal_error", detail="An unexpected error occurred.", instance=path
        )
    code = error.code if isinstance(error, DomainError) else _code_of(error)
    detail = error.detail if isinstance(error, DomainError) else str(error) or HTTPStatus(status).phrase
    _log_client_or_server(status, code, error)
    headers = {"WWW-Authenticate": challenge(error)} if isinstance(error, Unauthenticated) else None
    retry_after = (
        getattr(error, "retry_after", None) if isinstance(error, TooManyRequests | RateLimited) else None
    )
    if retry_after is not None:
        headers = {"Retry-After": str(max(1, math.ceil(retry_after)))}
    extensions = error.extensions if isinstance(error, DomainError) else {}
    return problem_response(status, code=code, detail=detail, instance=path, headers=headers, **extensions)


def challenge(error: Unauthenticated) -> str:
    """RFC 6750 §3: say that a Bearer token is wanted, and why the one given was refused."""
    if error.code == "invalid_token":
        description = error.detail.replace('"', "'")
        return f'Bearer realm="bhiv", error="invalid_token", error_description="{description}"'
    return 'Bearer realm="bhiv"'


def _validation_problem(error: ValidationException, path: str | None) -> Response[dict[str, Any]]:
    issues = error.extra if isinstance(error.extra, list) else []
    if not issues:  # Litestar raises ValidationException for malformed bodies too
        return problem_response(400, code="malformed_request", detail=error.detail, instance=path)
    errors = [_field_error(issue) for issue in issues if isinstance(issue, dict)]
    log.info("validation failed: %s", errors)
    first = errors[0] if errors else {"field": None, "message": error.detail}
    return problem_response(
        422,
        code="validation_failed",
        detail=f"{first['field']}: {first['message']}" if first["field"] else str(first["message"]),
        instance=path,
        errors=errors,
    )


def _field_error(issue: dict[str, Any]) -> dict[str, Any]:
    message = str(issue.get("message", ""))
    field = issue.get("key")
    missing = _MISSING_FIELD.search(message)
    if missing:  # Litestar names the whole body ("data"); name the missing field instead
        field = missing.group(1)
    return {"field": field, "message": message, "source": issue.get("source")}


def _http_problem(error: HTTPException, path: str | None) -> Response[dict[str, Any]]:
    status = error.status_code
    code = _code_of(error) if status != 400 else "malformed_request"
    _log_client_or_server(status, code, error)
    headers = dict(error.headers or {})
    if status == 405 and hasattr(error, "extra") and isinstance(error.extra, dict):
        headers.update({k: str(v) for k, v in error.extra.items() if k.lower() == "allow"})
    detail = error.detail or HTTPStatus(status).phrase
    return problem_response(status, code=code, detail=detail, instance=path, headers=headers or None)


def _code_of(error: Exception) -> str:
    code = getattr(error, "code", None)  # a port error that names itself (``RateLimited``)
    if isinstance(code, str):
        return code
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def _log_client_or_server(status: int, code: str, error: Exception) -> None:
    if status >= 500:
        log.error("%s (%s)", code, status, exc_info=error)
    else:
        log.info("%s (%s): %s", code, status, error)


EXCEPTION_HANDLERS = {Exception: handle_exception}
