"""The platform's own LLM service as an ``LlmProvider`` and a ``DelegatedLlm``: what another
service's agents (orchestration's) reach models through, whether the services share a process
(``bhiv up``) or run in pods of their own (decision 0033).

Its bearer is its own service-client token, got with authlib's client_credentials grant at the
gateway's token endpoint and replaced before it expires. ``acting_for(user_token)`` adds the
user's token as ``X-BHIV-On-Behalf-Of``, so the service charges that user. It never retries: the
service retries and falls back among providers itself, and a call repeated here could be paid
twice.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from adapters.llm.openai_compatible import OpenAICompatibleProvider
from adapters.llm.settings import OpenAICompatibleSettings, PlatformLlmClientSettings
from adapters.llm.transport import ProviderHttp
from core.ports.llm import (
    AccessDenied,
    DelegatedLlm,
    LlmError,
    LlmProvider,
    ProviderTimeout,
    ProviderUnavailable,
    StreamInterrupted,
    Unsupported,
)

log = logging.getLogger("bhiv.llm")

ON_BEHALF_OF = "X-BHIV-On-Behalf-Of"
"""The header the LLM service reads the user's token from (adapters/http/llm/delegation.py)."""
NAME = "bhiv-llm"


class ClientToken(httpx.Auth):
    """Signs each request with the client's access token: fetched on first use, reused until
    ``token_leeway_seconds`` before it expires (one fetch at a time), and fetched again once
    when the service answers that the token itself was refused (revoked, its key retired)."""

    def __init__(self, settings: PlatformLlmClientSettings) -> None:
        self._client_id = settings.client_id
        self._url = settings.token_url
        self._leeway = int(settings.token_leeway_seconds)
        self._oauth = AsyncOAuth2Client(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            token_endpoint=settings.token_url,
            grant_type="client_credentials",
            leeway=self._leeway,
            timeout=settings.read_timeout_seconds,  # authlib wants a number: it bounds the whole fetch
        )
        self._oauth.register_compliance_hook("access_token_response", _server_errors_are_unavailability)
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._oauth.aclose()

    async def bearer(self) -> str:
        async with self._lock:
            token = self._oauth.token
            if not token or token.is_expired(leeway=self._leeway) is not False:
                token = await self._fetch()
            return str(token["access_token"])

    def forget(self, refused: str) -> None:
        """Drops ``refused`` unless a concurrent call has replaced it already."""
        token = self._oauth.token
        if token and token.get("access_token") == refused:
            self._oauth.token = None

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        bearer = await self.bearer()
        request.headers["Authorization"] = f"Bearer {bearer}"
        response = yield request
        # Only a refusal of the bearer says ``invalid_token``; one of the user's token does not.
        if response.status_code == 401 and 'error="invalid_token"' in response.headers.get(
            "www-authenticate", ""
        ):
            self.forget(bearer)
            request.headers["Authorization"] = f"Bearer {await self.bearer()}"
            yield request

    async def _fetch(self) -> dict[str, object]:
        try:
            token = await self._oauth.fetch_token(self._url, grant_type="client_credentials")
        except LlmError:
            raise
        except OAuthError as error:  # the gateway's RFC 6749 error: the credentials are refused
            raise AccessDenied(
                f"the token endpoint refused client {self._client_id}: {error.error}"
            ) from None
        except httpx.TimeoutException as error:
            raise ProviderTimeout(
                f"the token endpoint did not answer in time ({type(error).__name__})"
            ) from None
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderUnavailable(f"no token from the token endpoint ({type(error).__name__})") from None
        log.info("service client %s got a token for %s s", self._client_id, token.get("expires_in"))
        return dict(token)


def _server_errors_are_unavailability(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 500:
        raise ProviderUnavailable(f"the token endpoint answered {response.status_code}")
    return response


class PlatformHttp(ProviderHttp):
    """The service's OpenAI-shaped errors as the port's: 401 and 403 are ``AccessDenied`` (a
    caller's credentials or permissions, not the request), ``unsupported`` is ``Unsupported``;
    429 (``Retry-After`` kept), 5xx and the rest as for any OpenAI-compatible server."""

    def status_error(self, response: httpx.Response) -> LlmError:
        error = super().status_error(response)
        if response.status_code in (401, 403):
            return AccessDenied(error.args[0])
        if b'"code":"unsupported"' in response.content.replace(b" ", b""):
            return Unsupported(error.args[0])
        return error

    def body_error(self, body: object) -> LlmError:
        # The service sends an error event only after the answer began: whatever it says, the
        # answer was cut.
        return StreamInterrupted(str(super().body_error(body)))


class PlatformLlmClient(OpenAICompatibleProvider, DelegatedLlm):
    """Calls made on the client itself are charged to the client (it needs ``llm:use``); calls
    through ``acting_for`` to the user (it needs ``llm:delegate``, the user ``llm:use``)."""

    def __init__(self, settings: PlatformLlmClientSettings) -> None:
        missing = [
            name
            for name, value in (
                ("TOKEN_URL", settings.token_url),
                ("CLIENT_ID", settings.client_id),
                ("CLIENT_SECRET", settings.client_secret),
            )
            if not value
        ]
        if not settings.base_url or missing:
            names = ", ".join(f"BHIV_LLM_CLIENT_{name}" for name in missing) or "BHIV_LLM_CLIENT_BASE_URL"
            raise ValueError(f"the platform's LLM client needs {names}")
        wire = OpenAICompatibleSettings(
            name=NAME,
            base_url=settings.base_url,
            connect_timeout_seconds=settings.connect_timeout_seconds,
            read_timeout_seconds=settings.read_timeout_seconds,
            max_retries=0,
        )
        self._token = ClientToken(settings)
        super().__init__(wire, http=PlatformHttp(wire, auth=self._token))

    def acting_for(self, user_token: str) -> LlmProvider:
        bound = self._http.with_headers({ON_BEHALF_OF: user_token})
        return OpenAICompatibleProvider(self._settings, http=bound)

    async def aclose(self) -> None:
        await super().aclose()
        await self._token.aclose()
