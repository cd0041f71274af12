"""Reading OAuth 2.0 requests: form fields and client authentication (RFC 6749 §2.3.1)."""

from typing import Any

import msgspec
from litestar import Request, Response

from adapters.http.basic_auth import basic_credentials
from core.domain.audit.model import Invocation
from core.domain.identity.errors import InvalidClient, InvalidCredentials
from core.domain.identity.model import ServiceClient
from core.domain.identity.oauth import OAuthError
from core.domain.identity.use_cases.clients import AuthenticateClient

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenForm(msgspec.Struct, frozen=True, kw_only=True):
    grant_type: str
    username: str | None = None
    password: str | None = None
    scope: str | None = None
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


class TokenActionForm(msgspec.Struct, frozen=True, kw_only=True):
    """The body of /auth/revoke and /auth/introspect."""

    token: str
    token_type_hint: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


def read_form(cls: type[Any], data: dict[str, Any]) -> Any:
    fields = {key: value for key, value in data.items() if isinstance(value, str) and value != ""}
    try:
        return msgspec.convert(fields, cls)
    except msgspec.ValidationError as error:
        raise OAuthError("invalid_request", str(error)) from None


def client_credentials(
    request: Request[Any, Any, Any], client_id: str | None, client_secret: str | None
) -> tuple[str, str] | None:
    """The client's id and secret from HTTP Basic or the form (never both), or None."""
    header = request.headers.get("authorization")
    if header and header.lower().startswith("basic "):
        if client_secret is not None:
            raise OAuthError("invalid_request", "use one client authentication method, not two")
        credentials = basic_credentials(header)
        if credentials is None:
            raise OAuthError("invalid_client", "malformed Basic credentials")
        return credentials
    if client_id is not None and client_secret is not None:
        return client_id, client_secret
    return None


def oauth_error(error: OAuthError, *, retry_after: float | None = None) -> Response[dict[str, str]]:
    """RFC 6749 §5.2: 400 with ``error``, 401 and a Basic challenge for ``invalid_client``; 403
    for ``insufficient_scope`` (RFC 6750 §3.1)."""
    headers = dict(NO_STORE)
    status = 400
    if error.code == "invalid_client":
        status = 401
        headers["WWW-Authenticate"] = 'Basic realm="bhiv"'
    elif error.code == "insufficient_scope":
        status = 403
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return Response(
        {"error": error.code, "error_description": error.detail}, status_code=status, headers=headers
    )


OAUTH_FAILURES = (InvalidCredentials, InvalidClient, OAuthError)
"""What the OAuth endpoints answer in RFC 6749 form rather than as problem+json."""


def oauth_error_for(error: Exception) -> Response[dict[str, str]]:
    if isinstance(error, InvalidCredentials):
        return oauth_error(OAuthError("invalid_grant", error.detail), retry_after=error.retry_after)
    if isinstance(error, InvalidClient):
        return oauth_error(OAuthError("invalid_client", error.detail))
    assert isinstance(error, OAuthError)
    return oauth_error(error)


async def authenticated_client(
    request: Request[Any, Any, Any],
    client_id: str | None,
    client_secret: str | None,
    authenticate: AuthenticateClient,
    by: Invocation,
    *,
    required: bool,
) -> ServiceClient | None:
    """The client, its credentials verified; None when none were sent and none are required."""
    credentials = client_credentials(request, client_id, client_secret)
    if credentials is None:
        if required:
            raise OAuthError("invalid_client", "this endpoint needs client authentication")
        return None
    return await authenticate.execute(*credentials, by)
