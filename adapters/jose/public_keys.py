"""Public keys for verification, cached and re-fetched when a token names an unknown ``kid``."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from core.ports.errors import Unavailable

JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]


class CachedPublicKeys:
    """- Keys are re-read every ``max_age_seconds``, and when a token names an unknown ``kid``
      (a rotation happened), so a new key is trusted at once.
    - Re-reads happen at most once per ``min_refetch_seconds``; a token with an unknown kid
      waits for the next allowed re-read instead of failing, and concurrent waiters share it,
      so forged kids cannot flood the key source."""

    def __init__(
        self, fetch: JwksFetcher, *, max_age_seconds: float = 300.0, min_refetch_seconds: float = 1.0
    ) -> None:
        self._fetch = fetch
        self._max_age = max_age_seconds
        self._min_refetch = min_refetch_seconds
        self._keys: dict[str, ECKey] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def find(self, kid: str) -> ECKey | None:
        if time.monotonic() - self._fetched_at > self._max_age:
            await self._refresh(seen=self._fetched_at)
        key = self._keys.get(kid)
        if key is None:
            seen = self._fetched_at
            wait = self._min_refetch - (time.monotonic() - seen)
            if wait > 0:
                await asyncio.sleep(wait)
            await self._refresh(seen=seen)
            key = self._keys.get(kid)
        return key

    async def _refresh(self, *, seen: float) -> None:
        async with self._lock:
            if self._fetched_at != seen:  # another caller re-read while this one waited
                return
            jwks = await self._fetch()
            keys: dict[str, ECKey] = {}
            for jwk in jwks.get("keys", []):
                try:
                    key = ECKey.import_key(jwk)
                except (JoseError, ValueError, TypeError):
                    continue  # a key of a type we do not verify with is not ours to trust
                if key.kid:
                    keys[key.kid] = key
            self._keys = keys
            self._fetched_at = time.monotonic()


def http_jwks_fetcher(url: str, client: httpx.AsyncClient) -> JwksFetcher:
    async def fetch() -> dict[str, Any]:
        try:
            response = await client.get(url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise Unavailable(f"cannot fetch signing keys from {url}: {type(error).__name__}") from None
        return document if isinstance(document, dict) else {}

    return fetch
