"""No metric is labelled by who or what exactly: a user id, an email, an IP or a raw path as a
label value is a series per user or per URL (unbounded, and personal data in the monitoring).

Each service answers requests that carry ids, emails and unknown paths; then every sample it
exports is checked: the label names against a list of personal or unbounded ones, the values
against the shapes of ids, addresses and the raw paths that were requested."""

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from apps._shared.settings import PlatformSettings
from apps.services import SERVICES, create_service_app

FORBIDDEN_NAMES = {
    "user", "user_id", "subject", "sub", "email", "username", "path", "url", "uri", "ip",
    "client_ip", "remote_addr", "token", "session", "request_id", "correlation_id", "trace_id",
}  # fmt: skip
USER_ID = "7f0c2a9e-5b1d-4c3e-9a8f-2d6b4e1c0a77"
EMAIL = "someone.private@example.com"
RAW_PATHS = [
    f"/v1/orders/{USER_ID}",
    f"/v1/users/{USER_ID}/profile?email={EMAIL}",
    "/no/such/route/123456789",
    f"/api/admin/users/{USER_ID}",
    f"/api/logistics/v1/orders/{USER_ID}",
    "/v1/x/../../etc/passwd",
]
LOOKS_PERSONAL = [
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I),  # a UUID
    re.compile(r"[^@\s]+@[^@\s]+\.[a-z]+", re.I),  # an email
    re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"),  # an IPv4 address
    re.compile(r"\d{6,}"),  # a long number: an id
]


def _violations(text: str) -> list[str]:
    found = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            for name, value in sample.labels.items():
                if name.lower() in FORBIDDEN_NAMES:
                    found.append(f"{sample.name}: label {name!r}")
                if any(pattern.search(value) for pattern in LOOKS_PERSONAL):
                    found.append(f"{sample.name}: {name}={value!r} looks like an id or address")
                if any(value == path or value == path.split("?")[0] for path in RAW_PATHS):
                    found.append(f"{sample.name}: {name}={value!r} is a raw path")
    return found


@pytest.mark.parametrize("service", SERVICES)
async def test_no_metric_is_labelled_by_a_user_or_a_raw_path(
    settings: PlatformSettings, service: str
) -> None:
    async with AsyncTestClient(create_service_app(service, settings)) as client:
        headers: dict[str, Any] = {"X-Request-ID": f"req-{USER_ID}", "X-Forwarded-For": "203.0.113.77"}
        for path in RAW_PATHS:
            for method in ("GET", "POST"):
                await client.request(method, path, headers=headers, json={"email": EMAIL})
        await client.get("/health/live")
        text = (await client.get("/metrics")).text
    assert 'route="<unmatched>"' in text, "the unknown paths were counted, under no raw path"
    assert not _violations(text), _violations(text)


def test_the_check_catches_a_user_and_a_raw_path() -> None:
    bad = (
        f'bhiv_logins_total{{user="{USER_ID}"}} 1\n'
        f'bhiv_http_requests_total{{route="{RAW_PATHS[2]}"}} 1\n'
        f'bhiv_x_total{{client="{EMAIL}"}} 1\n'
    )
    assert len(_violations(bad)) >= 3


async def test_the_database_pool_is_measured(settings: PlatformSettings) -> None:
    async with AsyncTestClient(create_service_app("logistics", settings)) as client:
        await client.get("/health/ready")
        text = (await client.get("/metrics")).text
    samples = {
        (sample.name, sample.labels.get("state")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("bhiv_db_pool")
    }
    assert ("bhiv_db_pool_connections", "in_use") in samples, text
    assert ("bhiv_db_pool_connections", "idle") in samples
    assert samples["bhiv_db_pool_size_connections", None] >= 1
