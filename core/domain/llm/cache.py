"""Deterministic answers (temperature 0, no tools) served again from the key-value store.

Entries are scoped to the caller unless the alias says ``shared``: a shared cache would tell
one user what another asked. The key is a hash of the normalised request, never its text.
"""

import hashlib

import msgspec

from core.domain.llm.routing import CacheScope
from core.ports.kv import KeyValueStore
from core.ports.llm import ChatCompletion, ChatMessage, ChatRequest


class CachedAnswer(msgspec.Struct, frozen=True):
    completion: ChatCompletion
    provider: str
    provider_model: str


def cacheable(request: ChatRequest, scope: CacheScope) -> bool:
    return scope != "off" and request.temperature == 0 and not request.tools


def cache_key(request: ChatRequest, scope: CacheScope, subject: str) -> str:
    """The same question asked the same way (whitespace at the ends of messages aside)."""
    messages = tuple(
        msgspec.structs.replace(message, content=message.content.strip()) if message.content else message
        for message in request.messages
    )
    normalised = msgspec.json.encode(msgspec.structs.replace(request, messages=messages))
    owner = "shared" if scope == "shared" else hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"llm:cache:{owner}:{hashlib.sha256(normalised).hexdigest()}"


class ResponseCache:
    def __init__(self, store: KeyValueStore, ttl_seconds: int) -> None:
        self._store, self._ttl = store, ttl_seconds
        self._decode = msgspec.json.Decoder(CachedAnswer).decode

    async def get(self, key: str) -> CachedAnswer | None:
        stored = await self._store.get(key)
        if stored is None:
            return None
        try:
            return self._decode(stored)
        except msgspec.ValidationError:  # written by an older release: a miss, overwritten later
            return None

    async def put(self, key: str, answer: CachedAnswer) -> None:
        await self._store.set(key, msgspec.json.encode(answer), ttl_seconds=self._ttl)


__all__ = ["CachedAnswer", "ChatMessage", "ResponseCache", "cache_key", "cacheable"]
