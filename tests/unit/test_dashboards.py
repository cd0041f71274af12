"""deploy/grafana and deploy/prometheus, offline: every dashboard panel's and every rule's PromQL
parses (promql-parser) and reads only metrics a service's registry renders (built here from the
services' own metrics code), rules record, or Prometheus writes; each alert has its promtool
tests and its runbook section. tests/e2e/test_dashboards_live.py checks the same names against
a running ``bhiv up``."""

import functools
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from adapters.http.metrics import HttpMetrics
from tests.support.monitoring import (
    DEPLOY,
    PENDING,
    PROMETHEUS_OWN,
    SERVICES,
    Query,
    alert_names,
    as_promql,
    dashboard_queries,
    dashboards,
    debian_tools,
    exported_names,
    metric_names,
    recorded_names,
    rule_queries,
)

RUNBOOKS = Path(__file__).resolve().parents[2] / "docs" / "runbooks.md"
QUERIES = dashboard_queries() + rule_queries()


@functools.cache
def _rendered_by_the_services_code() -> frozenset[str]:
    metrics = HttpMetrics("crm")
    metrics.started()
    metrics.observe("GET", "/v1/tickets", 200, 0.01)
    metrics.audit_verified("crm", intact=True)
    return frozenset(exported_names(metrics.render().decode()))


def test_one_dashboard_per_service_an_overview_and_a_security_board() -> None:
    boards = dashboards()
    assert set(boards) == {f"{service}.json" for service in SERVICES} | {"overview.json", "security.json"}
    assert len({board["uid"] for board in boards.values()}) == len(boards)


@pytest.mark.parametrize("name", sorted(dashboards()))
def test_dashboard_shape(name: str) -> None:
    board = dashboards()[name]
    assert board["schemaVersion"] == 39
    [variable] = [v for v in board["templating"]["list"] if v["name"] == "datasource"]
    assert (variable["type"], variable["query"]) == ("datasource", "prometheus")
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    taken: dict[tuple[int, int], str] = {}
    for panel in board["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        for cell in (
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        ):
            assert cell not in taken, f"{panel['title']} overlaps {taken[cell]}"
            taken[cell] = panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", panel["title"]


@pytest.mark.parametrize("query", QUERIES, ids=[query.where for query in QUERIES])
def test_promql_parses_and_reads_only_known_metrics(query: Query) -> None:
    names = metric_names(query.expr)
    known = _rendered_by_the_services_code() | recorded_names() | PROMETHEUS_OWN | set(PENDING)
    assert names, "reads no metric"
    assert names <= known, f"unknown metrics {sorted(names - known)}"


def test_the_http_metrics_and_process_metrics_are_what_the_queries_read() -> None:
    rendered = _rendered_by_the_services_code()
    read = set().union(*(metric_names(query.expr) for query in QUERIES))
    assert {
        "bhiv_http_requests_total",
        "bhiv_http_request_duration_seconds_bucket",
        "bhiv_http_requests_in_flight",
        "bhiv_audit_chain_intact",
        "bhiv_build_info",
        "process_start_time_seconds",
    } <= read & rendered


def test_a_query_with_an_unknown_grafana_variable_or_a_nameless_selector_is_refused() -> None:
    with pytest.raises(ValueError, match="Grafana variable"):
        as_promql('rate(x{service="$service"}[5m]) + rate(y[$foo])')
    with pytest.raises(ValueError, match="literal metric name"):
        metric_names('{__name__=~"bhiv_.*"}')
    with pytest.raises(ValueError, match="unclosed left parenthesis"):
        metric_names("sum(rate(x[5m])")


def test_every_alert_has_a_severity_a_runbook_section_and_tests_both_ways() -> None:
    runbooks = RUNBOOKS.read_text()
    anchors = {
        re.sub(r"[^a-z0-9-]", "", heading.strip().lower())
        for heading in re.findall(r"^## (.+)$", runbooks, re.M)
    }
    tests = [
        case
        for path in sorted((DEPLOY / "prometheus" / "tests").glob("*.yml"))
        for group in yaml.safe_load(path.read_text())["tests"]
        for case in group.get("alert_rule_test", [])
    ]
    rules = {
        rule["alert"]: rule
        for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    assert sorted(rules) == sorted(alert_names())
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, name
        assert rule["annotations"]["runbook_url"] == f"docs/runbooks.md#{name.lower()}", name
        assert name.lower() in anchors, f"no '## {name}' section in docs/runbooks.md"
        cases = [case for case in tests if case["alertname"] == name]
        assert any(case["exp_alerts"] for case in cases), f"{name}: no test where it fires"
        assert any(not case["exp_alerts"] for case in cases), f"{name}: no test where it stays silent"


def test_validate_monitoring_passes() -> None:
    debian_tools("promtool", "amtool")
    result = subprocess.run(
        [str(DEPLOY / "validate-monitoring.sh")], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
