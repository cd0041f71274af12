"""Debian's Prometheus scrapes a running ``bhiv up`` and a lone ``bhiv serve logistics`` on
loopback with the rules of deploy/prometheus/rules/; when the lone service stops, ServiceDown
fires and Debian's Alertmanager posts it to a receiver on loopback.

The real rules are loaded as they are (every one must evaluate without error on live data); the
alert that fires is ServiceDown itself with its ``for`` cut from 1m to 2s, so the test takes
seconds, not minutes."""

import json
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.monitoring import RULES, SERVICES, debian_tools
from tests.support.processes import bhiv_up, free_port_block, interrupt, start_bhiv, wait_until_ready

WAIT = 120.0


class _Receiver(BaseHTTPRequestHandler):
    posts: "queue.Queue[dict[str, Any]]"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.posts.put(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, "queue.Queue[dict[str, Any]]"]]:
    posts: queue.Queue[dict[str, Any]] = queue.Queue()
    handler = type("Receiver", (_Receiver,), {"posts": posts})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts", posts
    finally:
        server.shutdown()
        server.server_close()


def _fast_service_down(path: Path) -> None:
    [rule] = [
        rule
        for group in yaml.safe_load((RULES / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
        if rule.get("alert") == "ServiceDown"
    ]
    assert rule["for"] == "1m"
    path.write_text(yaml.safe_dump({"groups": [{"name": "live-test", "rules": [{**rule, "for": "2s"}]}]}))


def _prometheus_config(path: Path, base: int, lone: int, alertmanager: int, fast_rule: Path) -> None:
    jobs = []
    for offset, service in enumerate(SERVICES):
        targets = [f"127.0.0.1:{base + offset}"] + ([f"127.0.0.1:{lone}"] if service == "logistics" else [])
        jobs.append({"job_name": service, "static_configs": [{"targets": targets}]})
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "recording.yml"), str(RULES / "alerts.yml"), str(fast_rule)],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{alertmanager}"]}]}]},
        "scrape_configs": jobs,
    }
    path.write_text(yaml.safe_dump(config))


def _alertmanager_config(path: Path, receiver_url: str) -> None:
    config = {
        "route": {
            "receiver": "loopback",
            "group_by": ["alertname", "service"],
            "group_wait": "1s",
            "group_interval": "1s",
            "repeat_interval": "1h",
        },
        "receivers": [
            {"name": "loopback", "webhook_configs": [{"url": receiver_url, "send_resolved": False}]}
        ],
    }
    path.write_text(yaml.safe_dump(config))


def _started(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _until(what: str, check: Any, logs: list[Path]) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    tails = "\n".join(f"--- {log.name}\n" + log.read_text()[-3000:] for log in logs if log.exists())
    raise AssertionError(f"{what} within {WAIT}s\n{tails}")


def test_service_down_fires_and_alertmanager_posts_it(
    tmp_path: Path, receiver: tuple[str, "queue.Queue[dict[str, Any]]"]
) -> None:
    prometheus_binary, alertmanager_binary = debian_tools("prometheus", "prometheus-alertmanager")
    receiver_url, posts = receiver
    lone, prometheus_port, alertmanager_port = (free_port_block(1) for _ in range(3))
    fast_rule, prometheus_yml, alertmanager_yml = (
        tmp_path / "fast.yml",
        tmp_path / "prometheus.yml",
        tmp_path / "alertmanager.yml",
    )
    logs = [tmp_path / "prometheus.log", tmp_path / "alertmanager.log"]
    prometheus_url = f"http://127.0.0.1:{prometheus_port}"

    def query(expr: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": expr}, timeout=10).json()
        return list(answer["data"]["result"])

    with bhiv_up(tmp_path / "data", len(SERVICES)) as base:
        lone_service = start_bhiv(
            ["serve", "logistics", "--migrate", "--port", str(lone)],
            env={"BHIV_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lone.db'}"},
        )
        try:
            wait_until_ready(f"http://127.0.0.1:{lone}", lone_service)
            _fast_service_down(fast_rule)
            _prometheus_config(prometheus_yml, base, lone, alertmanager_port, fast_rule)
            _alertmanager_config(alertmanager_yml, receiver_url)
            alertmanager = _started(
                [
                    alertmanager_binary,
                    f"--config.file={alertmanager_yml}",
                    f"--storage.path={tmp_path / 'alertmanager'}",
                    f"--web.listen-address=127.0.0.1:{alertmanager_port}",
                    "--cluster.listen-address=",
                ],
                logs[1],
            )
            prometheus = _started(
                [
                    prometheus_binary,
                    f"--config.file={prometheus_yml}",
                    f"--storage.tsdb.path={tmp_path / 'prometheus'}",
                    f"--web.listen-address=127.0.0.1:{prometheus_port}",
                ],
                logs[0],
            )
            try:
                every_target = len(SERVICES) + 1
                _until(
                    "every target up",
                    lambda: sum(float(s["value"][1]) for s in query("up")) == every_target,
                    logs,
                )
                _until(
                    "a request rate per service recorded",
                    lambda: (
                        {s["metric"]["service"] for s in query("service:bhiv_http_requests:rate5m")}
                        == set(SERVICES)
                    ),
                    logs,
                )
                assert posts.empty()

                assert interrupt(lone_service, signal.SIGTERM) == 0
                post = _until(
                    "Alertmanager's post", lambda: posts.get(timeout=1) if not posts.empty() else None, logs
                )

                [alert] = post["alerts"]
                assert post["status"] == alert["status"] == "firing"
                assert alert["labels"] == {
                    "alertname": "ServiceDown",
                    "severity": "critical",
                    "service": "logistics",
                    "job": "logistics",
                    "instance": f"127.0.0.1:{lone}",
                }
                assert alert["annotations"]["runbook_url"] == "docs/runbooks.md#servicedown"
                firing = httpx.get(f"{prometheus_url}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
                assert {(a["labels"]["alertname"], a["labels"]["instance"]) for a in firing} == {
                    ("ServiceDown", f"127.0.0.1:{lone}")
                }, "only the stopped process is down"

                groups = httpx.get(f"{prometheus_url}/api/v1/rules", timeout=10).json()["data"]["groups"]
                rules = [rule for group in groups for rule in group["rules"]]
                assert len(rules) > 10
                assert {(rule["name"], rule["health"], rule.get("lastError", "")) for rule in rules} == {
                    (rule["name"], "ok", "") for rule in rules
                }, "every real rule evaluates on live data"
            finally:
                _stop(prometheus)
                _stop(alertmanager)
        finally:
            if lone_service.poll() is None:
                interrupt(lone_service, signal.SIGTERM)
