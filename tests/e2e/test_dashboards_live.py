"""The dashboards and alert rules read only metrics the services really export: the names are
collected from each service's ``/metrics`` on a running ``bhiv up`` (after a request and an audit
verification on each), not from a list kept by hand."""

from pathlib import Path

import httpx
import pytest

from apps._shared.app import VERSION
from tests.support.monitoring import (
    PENDING,
    PROMETHEUS_OWN,
    SERVICES,
    Query,
    dashboard_queries,
    dashboards,
    exported_names,
    metric_names,
    recorded_names,
    rule_queries,
)
from tests.support.processes import ADMIN, bhiv_up

AFTER_VERIFICATION = {"bhiv_audit_chain_intact", "bhiv_audit_chain_verified_timestamp_seconds"}
"""Set by a verification of a chain that has records: on a fresh ``bhiv up`` only the gateway's
has any (its admin), so the other services answer 404 and export neither yet."""


def _admin_token(base: int) -> str:
    form = {
        "grant_type": "password",
        "username": ADMIN["BHIV_ADMIN_EMAIL"],
        "password": ADMIN["BHIV_ADMIN_PASSWORD"],
    }
    answer = httpx.post(f"http://127.0.0.1:{base}/auth/token", data=form, timeout=60)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Each service's exported sample names on a running ``bhiv up``."""
    data_dir: Path = tmp_path_factory.mktemp("bhiv") / "data"
    texts: dict[str, str] = {}
    with bhiv_up(data_dir, 6) as base:
        headers = {"Authorization": f"Bearer {_admin_token(base)}"}
        for offset, service in enumerate(SERVICES):
            url = f"http://127.0.0.1:{base + offset}"
            verify = "/api/admin/audit/verify" if service == "gateway" else "/v1/audit/verify"
            answer = httpx.get(url + verify, headers=headers, timeout=60)
            assert answer.status_code == (200 if service == "gateway" else 404), (service, answer.text)
            assert httpx.get(url + "/health/live", timeout=30).status_code == 200
            texts[service] = httpx.get(url + "/metrics", timeout=30).text
    assert 'bhiv_audit_chain_intact{chain="gateway"} 1.0' in texts["gateway"], "the gateway's chain is intact"
    for service, text in texts.items():
        assert f'bhiv_build_info{{service="{service}",version="{VERSION}"}} 1.0' in text, service
    return {service: exported_names(text) for service, text in texts.items()}


def _check(query: Query, available: set[str]) -> None:
    names = metric_names(query.expr)
    missing = names - available - recorded_names() - PROMETHEUS_OWN - set(PENDING)
    assert not missing, f"{query.where}: no service exports {sorted(missing)}"


def test_every_dashboard_query_reads_exported_metrics(exported: dict[str, set[str]]) -> None:
    everything = set().union(*exported.values())
    for query in dashboard_queries():
        _check(query, everything)


def test_every_rule_reads_exported_metrics(exported: dict[str, set[str]]) -> None:
    everything = set().union(*exported.values())
    for query in rule_queries():
        _check(query, everything)


def test_each_service_board_reads_what_that_service_exports(exported: dict[str, set[str]]) -> None:
    boards = dashboards()
    for service in SERVICES:
        for panel in boards[f"{service}.json"]["panels"]:
            for target in panel.get("targets", []):
                query = Query(f"{service}.json: {panel['title']}", target["expr"])
                _check(query, exported[service] | (AFTER_VERIFICATION & exported["gateway"]))


def test_the_http_and_process_metrics_are_exported_by_every_service(exported: dict[str, set[str]]) -> None:
    assert exported["gateway"] >= AFTER_VERIFICATION
    for service, names in exported.items():
        assert {
            "bhiv_http_requests_total",
            "bhiv_http_request_duration_seconds_bucket",
            "bhiv_http_request_duration_seconds_sum",
            "bhiv_http_request_duration_seconds_count",
            "bhiv_http_requests_in_flight",
            "bhiv_build_info",
            "process_start_time_seconds",
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_open_fds",
            "process_max_fds",
        } <= names, service


def test_pending_names_are_not_exported_yet(exported: dict[str, set[str]]) -> None:
    """When a service starts exporting one, remove it from PENDING (tests/support/monitoring.py)."""
    everything = set().union(*exported.values())
    assert not set(PENDING) & everything
