"""Contract of KeyValueStore, for every adapter."""

import asyncio
import time

import pytest

from core.ports.kv import KeyValueStore
from tests.contracts.redis_fixtures import *  # noqa: F403


async def test_a_stored_value_is_read_back(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("greeting", b"namaste")

    assert await key_value_store.get("greeting") == b"namaste"


async def test_a_missing_key_reads_as_none(key_value_store: KeyValueStore) -> None:
    assert await key_value_store.get("never-set") is None


async def test_get_many_reads_every_key_in_order_with_none_for_missing(
    key_value_store: KeyValueStore,
) -> None:
    await key_value_store.set("first", b"1")
    await key_value_store.set("third", b"3")
    await key_value_store.set("gone", b"x", ttl_seconds=0.1)
    await asyncio.sleep(0.2)

    values = await key_value_store.get_many(["third", "missing", "first", "gone"])

    assert values == [b"3", None, b"1", None]
    assert await key_value_store.get_many([]) == []


async def test_set_replaces_the_earlier_value(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("k", b"one")
    await key_value_store.set("k", b"two")

    assert await key_value_store.get("k") == b"two"


async def test_add_stores_only_when_the_key_is_absent(key_value_store: KeyValueStore) -> None:
    assert await key_value_store.add("lock", b"first") is True
    assert await key_value_store.add("lock", b"second") is False

    assert await key_value_store.get("lock") == b"first"


async def test_add_succeeds_again_once_the_key_expired(key_value_store: KeyValueStore) -> None:
    await key_value_store.add("lock", b"first", ttl_seconds=0.2)
    await asyncio.sleep(0.3)

    assert await key_value_store.add("lock", b"second") is True
    assert await key_value_store.get("lock") == b"second"


async def test_delete_removes_the_key_and_says_whether_it_existed(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("k", b"v")

    assert await key_value_store.delete("k") is True
    assert await key_value_store.get("k") is None
    assert await key_value_store.delete("k") is False


async def test_a_value_with_ttl_expires(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("session", b"s", ttl_seconds=3600)  # alive while the test reads it
    assert await key_value_store.get("session") == b"s"

    await key_value_store.set("session", b"s", ttl_seconds=0.2)
    await asyncio.sleep(0.3)

    assert await key_value_store.get("session") is None
    assert await key_value_store.delete("session") is False


async def test_ttl_reports_the_seconds_left(key_value_store: KeyValueStore) -> None:
    started = time.monotonic()
    await key_value_store.set("k", b"v", ttl_seconds=3600)

    left = await key_value_store.ttl("k")

    spent = time.monotonic() - started
    assert left is not None
    assert 3600 - spent - 0.01 < left <= 3600  # less only the time this test took


async def test_ttl_is_none_without_expiry_or_without_key(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("forever", b"v")

    assert await key_value_store.ttl("forever") is None
    assert await key_value_store.ttl("missing") is None


async def test_set_without_ttl_clears_an_earlier_expiry(key_value_store: KeyValueStore) -> None:
    await key_value_store.set("k", b"v", ttl_seconds=0.2)
    await key_value_store.set("k", b"v")
    await asyncio.sleep(0.3)

    assert await key_value_store.get("k") == b"v"


@pytest.mark.parametrize("value", [b"", b"\x00\xff binary", "देवनागरी".encode()])
async def test_values_are_stored_byte_for_byte(key_value_store: KeyValueStore, value: bytes) -> None:
    await key_value_store.set("k", value)

    assert await key_value_store.get("k") == value
