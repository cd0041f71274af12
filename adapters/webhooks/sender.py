"""``WebhookSender`` over httpx: the URL is vetted again and resolved at each attempt, and the
request goes to that address with the URL's host as Host header and TLS server name, so a DNS
answer that changes between the check and the connection cannot redirect it (no rebinding)."""

import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from adapters.webhooks.guard import EndpointPolicy, Target
from core.domain.webhooks.model import UnsafeEndpoint
from core.ports.webhooks import SendResult, WebhookSender

EXCERPT_CHARS = 1000
USER_AGENT = "bhiv-webhooks/1"


def retry_after(value: str | None) -> float | None:
    """Seconds, from either form of ``Retry-After`` (delta seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None


class HttpxWebhookSender(WebhookSender):
    def __init__(self, policy: EndpointPolicy, *, timeout_seconds: float, max_response_bytes: int) -> None:
        self._policy, self._timeout, self._max_bytes = policy, timeout_seconds, max_response_bytes
        # No proxies from the environment, no redirects, no cookies kept between receivers.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds), follow_redirects=False, trust_env=False
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        started = time.monotonic()

        def elapsed() -> int:
            return round((time.monotonic() - started) * 1000)

        try:
            target = await self._policy.target(url)
            address = request_url(target)
        except UnsafeEndpoint as refused:
            return SendResult(status_code=None, latency_ms=elapsed(), error=refused.detail)
        request = self._client.build_request(
            "POST",
            address,
            content=body,
            headers={**headers, "host": _host_header(target.host, target.port, target.scheme),
                     "user-agent": USER_AGENT},
            extensions={"sni_hostname": target.host},
        )  # fmt: skip
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._client.send(request, stream=True)
                try:
                    excerpt = await self._read_capped(response)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            return SendResult(
                status_code=None, latency_ms=elapsed(), error=f"no answer within {self._timeout:g}s"
            )
        except httpx.HTTPError as error:
            return SendResult(
                status_code=None, latency_ms=elapsed(), error=f"{type(error).__name__}: {error}"[:500]
            )
        return SendResult(
            status_code=response.status_code,
            latency_ms=elapsed(),
            response_excerpt=excerpt,
            retry_after_seconds=retry_after(response.headers.get("retry-after")),
        )

    async def _read_capped(self, response: httpx.Response) -> str:
        """At most ``max_response_bytes`` are read; the rest of an answer is never downloaded."""
        kept = bytearray()
        async for chunk in response.aiter_raw():
            kept += chunk[: self._max_bytes - len(kept)]
            if len(kept) >= self._max_bytes:
                break
        return bytes(kept).decode("utf-8", "replace")[:EXCERPT_CHARS]


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return shown if port == default else f"{shown}:{port}"


def request_url(target: Target) -> httpx.URL:
    """The vetted address with the path and query as given: built from its parts, never joined,
    so nothing in the path can name another host; checked again to be sure."""
    path, _, query = target.path.partition("?")
    url = httpx.URL(
        scheme=target.scheme, host=target.address, port=target.port, path=path, query=query.encode()
    )
    if url.host != httpx.URL(scheme=target.scheme, host=target.address).host:
        raise UnsafeEndpoint("the request would not go to the vetted address")
    return url
