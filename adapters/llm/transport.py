"""One HTTP client per provider: its retries, and its failures turned into the port's errors.

Retried: 429, 5xx, a connection that failed or dropped before an answer, and a connection that
could not be opened in time (nothing was sent, so nothing is paid twice). Not retried: other
4xx (the same request fails the same way), a read timeout (the provider may still be at work
on it), and anything after the first streamed item was handed on.
"""

import asyncio
import contextlib
import copy
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, TypeVar

import httpx
import msgspec

from adapters.llm.retries import Backoff, Jitter, full_jitter, retry_after_seconds
from adapters.llm.settings import HttpProviderSettings
from core.ports.llm import (
    BadLlmRequest,
    ContextTooLong,
    LlmError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    StreamInterrupted,
)

log = logging.getLogger("bhiv.llm")

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
LineParser = Callable[[AsyncIterator[str]], AsyncIterator[T]]
"""Turns the lines of a streamed answer into items; raises ``ProviderUnavailable`` when the lines
end before the answer does."""

_JSON = {"Content-Type": "application/json"}
_CONTEXT_TOO_LONG_SIGNS = ("context_length_exceeded", "exceed_context_size_error", "maximum context length")
"""OpenAI's code, llama.cpp's type, and vLLM's message (it sends no code)."""


class ProviderHttp:
    def __init__(
        self,
        settings: HttpProviderSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = full_jitter,
        now: Callable[[], float] = time.time,
        auth: httpx.Auth | None = None,
    ) -> None:
        """``auth``: signs each request when a fixed ``api_key`` will not do (a token that expires)."""
        headers = dict(settings.extra_headers)
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._client = httpx.AsyncClient(
            base_url=settings.base_url,
            headers=headers,
            timeout=httpx.Timeout(settings.read_timeout_seconds, connect=settings.connect_timeout_seconds),
            auth=auth,
        )
        self._headers: Mapping[str, str] = _JSON
        self._settings, self._sleep, self._now = settings, sleep, now
        self._backoff = Backoff(
            base=settings.retry_base_seconds, cap=settings.retry_max_seconds, jitter=jitter
        )

    @property
    def name(self) -> str:
        return self._settings.name

    async def aclose(self) -> None:
        await self._client.aclose()

    def with_headers(self, headers: Mapping[str, str]) -> "ProviderHttp":
        """The same connections and retries, sending ``headers`` with every request as well.
        Closing the original closes both."""
        bound = copy.copy(self)
        bound._headers = {**self._headers, **headers}
        return bound

    async def request(self, method: str, path: str, answer: type[T], body: Any = None) -> T:
        content = None if body is None else msgspec.json.encode(body)
        attempt, waited = 0, 0.0
        while True:
            try:
                with self._translated():
                    response = await self._client.request(
                        method, path, content=content, headers=self._headers
                    )
                if response.is_error:
                    raise self.status_error(response)
            except LlmError as error:
                waited = await self._wait_or_raise(error, attempt, waited)
                attempt += 1
                continue
            # Outside the retries: an answer that came but cannot be read may have been paid for.
            return self.decode(response.content, answer)

    async def stream(self, path: str, body: Any, parse: LineParser[T]) -> AsyncIterator[T]:
        content = msgspec.json.encode(body)
        attempt, waited = 0, 0.0
        while True:
            started = False
            try:
                with self._translated():
                    async with self._client.stream(
                        "POST", path, content=content, headers=self._headers
                    ) as response:
                        if response.is_error:
                            await response.aread()
                            raise self.status_error(response)
                        async for item in parse(response.aiter_lines()):
                            started = True
                            yield item
                return
            except LlmError as error:
                if started:
                    if isinstance(error, StreamInterrupted):
                        raise
                    raise StreamInterrupted(
                        f"{self.name} stopped in the middle of its answer: {error}"
                    ) from error
                waited = await self._wait_or_raise(error, attempt, waited)
                attempt += 1

    def decode(self, content: bytes, answer: type[T]) -> T:
        try:
            return msgspec.json.decode(content, type=answer)
        except msgspec.DecodeError as error:
            raise ProviderUnavailable(f"{self.name} answered with something unreadable: {error}") from None

    def status_error(self, response: httpx.Response) -> LlmError:
        """The port's error for an answer of 4xx or 5xx, with the provider's own message."""
        status = response.status_code
        message, signs = self._error_fields(response.content)
        detail = f"{self.name} answered {status}: {message}"
        if status == 429:
            return RateLimited(detail, retry_after=retry_after_seconds(response.headers, self._now()))
        if status >= 500:
            return ProviderUnavailable(detail)
        if any(sign in text for sign in _CONTEXT_TOO_LONG_SIGNS for text in signs):
            return ContextTooLong(detail)
        return BadLlmRequest(detail)

    def body_error(self, body: Any) -> LlmError:
        """The port's error for an error object sent inside a 200 answer (a stream's error event)."""
        message, signs = self._error_fields(msgspec.json.encode(body))
        if any(sign in text for sign in _CONTEXT_TOO_LONG_SIGNS for text in signs):
            return ContextTooLong(f"{self.name}: {message}")
        return ProviderUnavailable(f"{self.name} reported an error: {message}")

    def _error_fields(self, content: bytes) -> tuple[str, list[str]]:
        """The message, and the texts that may name the kind of error (code, type, message).

        OpenAI sends ``{"error": {"message", "type", "code"}}``, Ollama ``{"error": "..."}``,
        vLLM sometimes ``{"object": "error", "message", ...}``."""
        try:
            body = msgspec.json.decode(content)
        except msgspec.DecodeError:
            body = None
        inner = body.get("error", body) if isinstance(body, dict) else body
        if isinstance(inner, dict):
            message = str(inner.get("message") or inner.get("detail") or "no message")
            signs = [str(inner.get("code")), str(inner.get("type")), message.lower()]
        elif isinstance(inner, str):
            message, signs = inner, [inner.lower()]
        else:
            message = content.decode(errors="replace")[:300] or "no message"
            signs = [message.lower()]
        return self._redacted(message), signs

    def _redacted(self, text: str) -> str:
        """Some providers quote the key they refused; it must not travel on in an error."""
        key = self._settings.api_key
        return text.replace(key, "***") if key else text

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        # The exception's text may carry the URL; only its kind is passed on.
        try:
            yield
        except httpx.TimeoutException as error:
            raise ProviderTimeout(f"{self.name} did not answer in time ({type(error).__name__})") from error
        except httpx.HTTPError as error:
            kind = type(error).__name__
            raise ProviderUnavailable(f"the connection to {self.name} failed ({kind})") from error

    async def _wait_or_raise(self, error: LlmError, attempt: int, waited: float) -> float:
        """Sleeps before the next attempt and returns the time waited so far, or raises ``error``."""
        if not _worth_retrying(error) or attempt >= self._settings.max_retries:
            raise error
        delay = self._backoff.delay(attempt, error.retry_after if isinstance(error, RateLimited) else None)
        if waited + delay > self._settings.retry_budget_seconds:
            raise error
        log.warning(
            "LLM provider %s: %s; attempt %d of %d in %.2f s",
            self.name,
            error.code,
            attempt + 2,
            self._settings.max_retries + 1,
            delay,
        )
        await self._sleep(delay)
        return waited + delay


def _worth_retrying(error: LlmError) -> bool:
    if isinstance(error, ProviderTimeout):
        return isinstance(error.__cause__, httpx.ConnectTimeout)
    return isinstance(error, RateLimited | ProviderUnavailable)
