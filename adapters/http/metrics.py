"""Prometheus metrics of one service, in a registry of its own.

A registry per app (not the process-wide default) because ``bhiv up`` runs six services in
one process and each must report only its own traffic.
"""

from collections.abc import Iterator
from typing import Protocol

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

UNMATCHED_ROUTE = "<unmatched>"
# The *_created series double every metric for no use to our dashboards.
disable_created_metrics()  # type: ignore[no-untyped-call]


class ConnectionPool(Protocol):
    """What SQLAlchemy's ``QueuePool`` says about itself (the adapter stays free of SQLAlchemy)."""

    def size(self) -> int: ...
    def checkedin(self) -> int: ...
    def checkedout(self) -> int: ...


class _PoolCollector(Collector):
    """The database pool's connections, read when scraped (nothing to keep up to date)."""

    def __init__(self, service: str, pool: ConnectionPool) -> None:
        self.service = service
        self.pool = pool

    def collect(self) -> Iterator[GaugeMetricFamily]:
        connections = GaugeMetricFamily(
            "bhiv_db_pool_connections",
            "Database connections the service holds, by state (in_use: checked out; idle: in the pool).",
            labels=["service", "state"],
        )
        connections.add_metric([self.service, "in_use"], self.pool.checkedout())
        connections.add_metric([self.service, "idle"], self.pool.checkedin())
        size = GaugeMetricFamily(
            "bhiv_db_pool_size_connections",
            "The pool's configured size (connections kept open; overflow comes on top).",
            labels=["service"],
        )
        size.add_metric([self.service], self.pool.size())
        yield connections
        yield size


class HttpMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, service: str, version: str = "unknown") -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.requests = Counter(
            "bhiv_http_requests",
            "HTTP requests answered, by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bhiv_http_request_duration_seconds",
            "Time from request start to the end of the response body.",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.in_flight = Gauge(
            "bhiv_http_requests_in_flight",
            "HTTP requests received and not yet answered.",
            ["service"],
            registry=self.registry,
        )
        self.build_info = Gauge(
            "bhiv_build_info",
            "Always 1: the service and the version it runs (a new version is a deployment).",
            ["service", "version"],
            registry=self.registry,
        )
        self.build_info.labels(service, version).set(1)
        self.audit_chain_intact = Gauge(
            "bhiv_audit_chain_intact",
            "1 when the last verification of the audit chain found it intact, 0 when it found a broken link.",
            ["chain"],
            registry=self.registry,
        )
        self.audit_chain_verified = Gauge(
            "bhiv_audit_chain_verified_timestamp_seconds",
            "When the audit chain was last verified (Unix time).",
            ["chain"],
            registry=self.registry,
        )
        self._service = service
        self._in_flight = self.in_flight.labels(service)
        # Looking a labelled child up costs more than using it: keep them (routes are templates,
        # so there are few).
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._latencies: dict[tuple[str, str], Histogram] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._in_flight.dec()
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = self.requests.labels(self._service, method, route, str(status))
            self._counters[method, route, status] = counter
        counter.inc()
        latency = self._latencies.get((method, route))
        if latency is None:
            latency = self._latencies[method, route] = self.latency.labels(self._service, method, route)
        latency.observe(seconds)

    def audit_verified(self, chain: str, intact: bool) -> None:
        """A verification's outcome, for alerting (chains are service names: few)."""
        self.audit_chain_intact.labels(chain).set(1 if intact else 0)
        self.audit_chain_verified.labels(chain).set_to_current_time()

    def watch_pool(self, pool: object) -> None:
        """Export the database pool's gauges, when the pool counts its connections (SQLite's
        in-memory and null pools do not)."""
        if all(callable(getattr(pool, name, None)) for name in ("size", "checkedin", "checkedout")):
            self.registry.register(_PoolCollector(self._service, pool))  # type: ignore[arg-type]

    def started(self) -> None:
        self._in_flight.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
