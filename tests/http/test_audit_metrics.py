"""A verification of the audit chains leaves its outcome on ``/metrics``: the AuditChainBroken
alert (deploy/prometheus/rules/) reads ``bhiv_audit_chain_intact``."""

import sqlite3
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from apps._shared.settings import PlatformSettings
from tests.http.test_audit_api import client_for
from tests.http.test_audit_api import workload as workload  # the six committed changes


@pytest.fixture
async def admin(settings: PlatformSettings) -> AsyncIterator[AsyncTestClient]:
    async with await client_for(settings) as client:
        yield client


async def _samples(client: AsyncTestClient, name: str) -> dict[str, float]:
    text = (await client.get("/metrics")).text
    return {
        sample.labels["chain"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_no_series_before_any_verification(admin: AsyncTestClient, workload: list[str]) -> None:
    assert await _samples(admin, "bhiv_audit_chain_intact") == {}


async def test_an_intact_chain_reads_1_and_a_tampered_one_0(
    admin: AsyncTestClient, settings: PlatformSettings, workload: list[str]
) -> None:
    assert (await admin.get("/api/admin/audit/verify")).json()["ok"] is True
    assert await _samples(admin, "bhiv_audit_chain_intact") == {"gateway": 1.0}
    verified = await _samples(admin, "bhiv_audit_chain_verified_timestamp_seconds")
    assert verified["gateway"] > 1.7e9

    path = settings.database.url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET action = 'read' WHERE seq = 2")

    assert (await admin.get("/api/admin/audit/verify", params={"chain": "gateway"})).json()["ok"] is False
    assert await _samples(admin, "bhiv_audit_chain_intact") == {"gateway": 0.0}
