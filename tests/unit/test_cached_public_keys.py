"""Verifiers trust a rotated key at once, without letting forged kids flood the key source."""

import asyncio
from typing import Any

from joserfc.jwk import ECKey

from adapters.jose.public_keys import CachedPublicKeys


class KeySource:
    """A JWKS document that can gain keys, counting how often it is read."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.reads = 0

    def add_key(self, kid: str) -> None:
        self.keys.append(ECKey.generate_key("P-256", parameters={"kid": kid}).as_dict(private=False))

    async def fetch(self) -> dict[str, Any]:
        self.reads += 1
        await asyncio.sleep(0)  # as an HTTP request would, it lets other tasks run meanwhile
        return {"keys": list(self.keys)}


async def test_a_key_added_after_the_first_read_is_found_by_its_kid() -> None:
    source = KeySource()
    source.add_key("old")
    keys = CachedPublicKeys(source.fetch, min_refetch_seconds=0.05)
    assert await keys.find("old") is not None

    source.add_key("rotated")

    assert await keys.find("rotated") is not None
    assert source.reads == 2


async def test_many_unknown_kids_at_once_cause_one_read() -> None:
    source = KeySource()
    source.add_key("real")
    keys = CachedPublicKeys(source.fetch, min_refetch_seconds=0.05)
    await keys.find("real")

    found = await asyncio.gather(*(keys.find(f"forged-{n}") for n in range(50)))

    assert found == [None] * 50
    assert source.reads == 2


async def test_keys_of_other_types_are_not_trusted() -> None:
    async def fetch() -> dict[str, Any]:
        return {"keys": [{"kty": "oct", "kid": "shared-secret", "k": "c2VjcmV0"}]}

    assert await CachedPublicKeys(fetch, min_refetch_seconds=0).find("shared-secret") is None
