"""The PromQL of deploy/: every dashboard panel's and every rule's expression, the metric names
each one reads, and the names a service's ``/metrics`` text exports."""

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARDS = DEPLOY / "grafana" / "dashboards"
RULES = DEPLOY / "prometheus" / "rules"
SERVICES = ("gateway", "logistics", "crm", "orchestration", "llm", "integrations")

PROMETHEUS_OWN = frozenset({"up"})
"""Series Prometheus writes itself for every target."""

PENDING = {
    "bhiv_webhook_deliveries_total": "the integrations service's webhook deliveries (being built, issue 16)",
    "bhiv_crm_tickets_sla_breached_total": "CRM's SLA watch (issue 17, stage 1: business metrics)",
}
"""Names the rules and dashboards read before any service exports them, each with who will.
The live test fails once a pending name is exported, so this list only shrinks."""


def debian_tools(*names: str) -> list[str]:
    """The paths of Debian's monitoring binaries (packages ``prometheus``,
    ``prometheus-alertmanager``); skips the test without one, and fails it instead where
    ``BHIV_TEST_MONITORING`` is set (CI, which installs them)."""
    found = {name: shutil.which(name) for name in names}
    missing = sorted(name for name, path in found.items() if path is None)
    if missing:
        reason = f"{', '.join(missing)} not installed: apt-get install prometheus prometheus-alertmanager"
        if os.environ.get("BHIV_TEST_MONITORING"):
            pytest.fail(f"BHIV_TEST_MONITORING is set and {reason}")
        pytest.skip(reason)
    return [str(found[name]) for name in names]


_GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
    "$__range": "1h",
    "${__rate_interval}": "1m",
    "${__interval}": "1m",
    "${__range}": "1h",
}


@dataclass(frozen=True)
class Query:
    where: str
    """The file and the panel or rule, for messages."""
    expr: str


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def dashboard_queries() -> list[Query]:
    queries = []
    for name, board in dashboards().items():
        for panel in _panels(board["panels"]):
            for target in panel.get("targets", []):
                queries.append(Query(f"{name}: {panel['title']} ({target['refId']})", target["expr"]))
        for annotation in board.get("annotations", {}).get("list", []):
            if "expr" in annotation:
                queries.append(Query(f"{name}: annotation {annotation['name']}", annotation["expr"]))
    return queries


def _rules() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(RULES.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                yield path.name, rule


def rule_queries() -> list[Query]:
    return [Query(f"{file}: {rule.get('alert') or rule['record']}", rule["expr"]) for file, rule in _rules()]


def recorded_names() -> set[str]:
    return {rule["record"] for _, rule in _rules() if "record" in rule}


def alert_names() -> list[str]:
    return [rule["alert"] for _, rule in _rules() if "alert" in rule]


def as_promql(expr: str) -> str:
    """Grafana's variables replaced by what Grafana would put there."""
    for variable, value in _GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    if "$" in re.sub(r'"[^"]*"', "", expr):
        raise ValueError(f"a Grafana variable this check does not know: {expr}")
    return expr


def metric_names(expr: str) -> set[str]:
    """The metric names ``expr`` selects; every selector must name its metric literally."""
    names: set[str] = set()

    def visit(node: promql_parser.Expr) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            if node.name:
                names.add(node.name)
            else:
                literal = [
                    m.value
                    for m in node.matchers.matchers
                    if m.name == "__name__" and m.op == promql_parser.MatchOp.Equal
                ]
                if not literal:
                    raise ValueError(f"a selector without a literal metric name: {node}")
                names.update(literal)
        return True

    promql_parser.walk(promql_parser.parse(as_promql(expr)), visit)
    return names


def exported_names(metrics_text: str) -> set[str]:
    """Every sample name of one ``/metrics`` answer (``_total``, ``_bucket``, ``_sum``,
    ``_count`` as Prometheus stores them)."""
    return {
        sample.name for family in text_string_to_metric_families(metrics_text) for sample in family.samples
    }
