"""The key-value, rate limiter, blocklist, budget and event bus contracts once more, on a three-node
Redis Cluster started for this session on loopback ports 7101-7103 (``redis-server`` and
``redis-cli`` on PATH).

Each contract test here is the very function of the memory/Redis suite, called with the
Redis adapters on a ``RedisCluster`` client.
"""

import inspect
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from adapters.redis.blocklist import RedisBlocklist
from adapters.redis.budget import RedisBudget
from adapters.redis.events import RedisEventBus
from adapters.redis.kv import RedisKeyValueStore
from adapters.redis.rate_limit import RedisRateLimiter
from tests.contracts import (
    test_blocklist_contract,
    test_event_bus_contract,
    test_key_value_contract,
    test_rate_limiter_contract,
    test_token_budget_contract,
)
from tests.contracts.redis_fixtures import RedisBackend, open_redis_backend

PORTS = (7101, 7102, 7103)
pytestmark = pytest.mark.redis


def _contract(module: ModuleType, port_fixture: str) -> list[Any]:
    return [
        pytest.param(function, id=name)
        for name, function in vars(module).items()
        if name.startswith("test_") and list(inspect.signature(function).parameters) == [port_fixture]
    ]


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"redis cluster: timed out waiting for {what}")
        time.sleep(0.1)


def _answers(port: int, command: list[str], expected: str) -> bool:
    reply = subprocess.run(["redis-cli", "-p", str(port), *command], capture_output=True, text=True)
    return expected in reply.stdout


@pytest.fixture(scope="session")
def redis_cluster_url(redis_url: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bhiv-redis-cluster-") as workdir:
        servers = []
        for port in PORTS:
            node_dir = Path(workdir, str(port))
            node_dir.mkdir()
            command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(node_dir)]
            command += ["--cluster-enabled", "yes", "--save", "", "--appendonly", "no"]
            servers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        try:
            for port in PORTS:
                _wait_until(partial(_answers, port, ["ping"], "PONG"), f"node {port}")
            nodes = [f"127.0.0.1:{port}" for port in PORTS]
            subprocess.run(
                ["redis-cli", "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
                capture_output=True,
                check=True,
            )
            for port in PORTS:
                _wait_until(partial(_answers, port, ["cluster", "info"], "cluster_state:ok"), "all slots")
            yield f"redis://127.0.0.1:{PORTS[0]}/0"
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=60)


@pytest.fixture
async def cluster(redis_cluster_url: str) -> AsyncIterator[RedisBackend]:
    backend = await open_redis_backend(redis_cluster_url, cluster=True)
    yield backend
    await backend.delete_keys()
    await backend.client.aclose()


@pytest.mark.parametrize("contract_test", _contract(test_key_value_contract, "key_value_store"))
async def test_key_value_contract_on_cluster(
    cluster: RedisBackend, contract_test: Callable[[RedisKeyValueStore], Awaitable[None]]
) -> None:
    await contract_test(RedisKeyValueStore(cluster.client, key_prefix=cluster.key_prefix))


@pytest.mark.parametrize("contract_test", _contract(test_rate_limiter_contract, "rate_limiter"))
async def test_rate_limiter_contract_on_cluster(
    cluster: RedisBackend, contract_test: Callable[[RedisRateLimiter], Awaitable[None]]
) -> None:
    await contract_test(RedisRateLimiter(cluster.client, key_prefix=cluster.key_prefix))


@pytest.mark.parametrize("contract_test", _contract(test_blocklist_contract, "blocklist"))
async def test_blocklist_contract_on_cluster(
    cluster: RedisBackend, contract_test: Callable[[RedisBlocklist], Awaitable[None]]
) -> None:
    await contract_test(RedisBlocklist(cluster.client, key_prefix=cluster.key_prefix))


@pytest.mark.parametrize("contract_test", _contract(test_token_budget_contract, "budget"))
async def test_budget_contract_on_cluster(
    cluster: RedisBackend, contract_test: Callable[[RedisBudget], Awaitable[None]]
) -> None:
    await contract_test(RedisBudget(cluster.client, key_prefix=cluster.key_prefix))


@pytest.mark.parametrize("contract_test", _contract(test_event_bus_contract, "event_bus"))
async def test_event_bus_contract_on_cluster(
    cluster: RedisBackend, contract_test: Callable[[RedisEventBus], Awaitable[None]]
) -> None:
    bus = RedisEventBus(cluster.client, key_prefix=cluster.key_prefix, block_slice_seconds=0.2)
    await contract_test(bus)
