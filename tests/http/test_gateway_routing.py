"""The gateway in its own process in front of real upstream processes on loopback.

No verdict here depends on the machine's speed: upstreams hold requests and streams until a
test releases them (``tests/support/upstream.py``), tests wait for conditions rather than for
time, and the only short limits (read, body and pool timeouts) are set on a gateway of their own
for the tests about them.
"""

import asyncio
import json
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support.gateway import gateway_env, running_gateway, start_upstream, token
from tests.support.processes import free_port_block

IDS = ("a", "b", "c", "d", "e")
PATIENCE = 60.0
"""Limits and waits that no test here is about: far beyond what a busy machine needs."""


def until(condition: Callable[[], bool], what: str) -> None:
    """Returns as soon as ``condition`` holds; fails after ``PATIENCE`` seconds."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {PATIENCE} s"
        time.sleep(0.05)


class Platform:
    def __init__(self, url: str, token: str, ports: dict[str, int], upstreams: dict[str, Any]) -> None:
        self.url = url
        self.auth = {"Authorization": f"Bearer {token}"}
        self.ports = ports
        self.upstreams = upstreams

    def address(self) -> tuple[str, int]:
        host, port = self.url.removeprefix("http://").split(":")
        return host, int(port)

    def raw_head(self, request_line: str, content_length: int) -> bytes:
        """An authenticated request head for a raw socket, promising a body of that length."""
        return (
            f"{request_line} HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/octet-stream\r\n"
            f"authorization: {self.auth['Authorization']}\r\ncontent-length: {content_length}\r\n\r\n"
        ).encode()

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return httpx.get(f"{self.url}{path}", headers=headers, timeout=PATIENCE, **kwargs)

    def report(self, service: str) -> list[dict[str, Any]]:
        """The gateway's report on each upstream of ``service``."""
        report = httpx.get(f"{self.url}/health/ready", timeout=PATIENCE).json()["upstreams"]
        return list(report[service]["upstreams"])

    def in_flight(self, service: str) -> int:
        return sum(upstream["in_flight"] for upstream in self.report(service))

    def holding(self, ident: str) -> int:
        """How many ``/hold`` requests upstream ``ident`` has waiting."""
        url = f"http://127.0.0.1:{self.ports[ident]}/control/holding"
        return int(httpx.get(url, timeout=PATIENCE).json()["holding"])

    def release(self, ident: str) -> None:
        """Lets upstream ``ident`` answer the requests and send the stream event it holds."""
        httpx.post(f"http://127.0.0.1:{self.ports[ident]}/control/release", timeout=PATIENCE)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    base = free_port_block(7)
    ports = {ident: base + offset for offset, ident in enumerate(IDS)}
    upstreams = {ident: start_upstream(ident, port) for ident, port in ports.items()}
    url = {ident: f"http://127.0.0.1:{port}" for ident, port in ports.items()}
    dead = [f"http://127.0.0.1:{base + 5}", f"http://127.0.0.1:{base + 6}"]
    abc = [url["a"], url["b"], url["c"]]
    env = {
        **gateway_env(tmp_path_factory.mktemp("gateway")),
        "BHIV_GATEWAY_UPSTREAMS": json.dumps(
            {
                "logistics": abc,
                "crm": abc,
                "orchestration": abc,
                "llm": dead,
                # by name: an HTTP client keeps cookies for host names, not for IP addresses
                "integrations": [f"http://localhost:{ports[ident]}" for ident in ("d", "e")],
            }
        ),
        "BHIV_GATEWAY_STRATEGIES": "crm=least_connections,orchestration=weighted",
        "BHIV_GATEWAY_WEIGHTS": f"{url['a']}=3",
        "BHIV_GATEWAY_HEALTH_INTERVAL_SECONDS": "0.3",
        "BHIV_GATEWAY_HEALTH_TIMEOUT_SECONDS": str(PATIENCE),
        "BHIV_GATEWAY_EJECT_AFTER_FAILURES": "2",
        "BHIV_GATEWAY_EJECT_SECONDS": "1",
        "BHIV_GATEWAY_TRUSTED_PROXIES": "127.0.0.2/32",
        "BHIV_GATEWAY_MAX_BODY_BYTES": "200000",
    }
    try:
        with running_gateway(env) as gateway:
            yield Platform(gateway, token(gateway), ports, upstreams)
    finally:
        for process in upstreams.values():
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def solo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A gateway with short limits, for the tests about them, in front of one upstream: crm reads
    for 1 s, client bodies may stall for 0.5 s, and one connection is waited for 0.5 s."""
    port = free_port_block(1)
    upstream = start_upstream("solo", port)
    env = {
        **gateway_env(tmp_path_factory.mktemp("solo")),
        "BHIV_GATEWAY_UPSTREAMS": f"logistics=http://127.0.0.1:{port},crm=http://127.0.0.1:{port}",
        "BHIV_GATEWAY_READ_TIMEOUTS": "crm=1",
        "BHIV_GATEWAY_CLIENT_BODY_TIMEOUT_SECONDS": "0.5",
        "BHIV_GATEWAY_POOL_CONNECTIONS": "1",
        "BHIV_GATEWAY_CONNECT_TIMEOUT_SECONDS": "0.5",
        "BHIV_GATEWAY_EJECT_AFTER_FAILURES": "1",
        "BHIV_GATEWAY_HEALTH_INTERVAL_SECONDS": "0.2",
        "BHIV_GATEWAY_HEALTH_TIMEOUT_SECONDS": str(PATIENCE),
    }
    try:
        with running_gateway(env) as gateway:
            yield Platform(gateway, token(gateway), {"solo": port}, {"solo": upstream})
    finally:
        upstream.kill()
        upstream.wait()


def ids(platform: Platform, path: str, count: int) -> list[str]:
    responses = [platform.get(path) for _ in range(count)]
    assert all(response.status_code == 200 for response in responses), responses[-1].text
    return [response.json()["id"] for response in responses]


def seen_headers(response: httpx.Response) -> dict[str, str]:
    return dict(response.json()["headers"])


def test_round_robin_strips_the_prefix_and_takes_each_upstream_in_turn(platform: Platform) -> None:
    response = platform.get("/api/logistics/v1/products?limit=2")
    assert response.json()["path"] == "/v1/products"
    assert response.json()["query"] == "limit=2"
    assert Counter(ids(platform, "/api/logistics/v1/x", 9)) == {"a": 3, "b": 3, "c": 3}


def test_weighted_spreads_by_weight(platform: Platform) -> None:
    assert Counter(ids(platform, "/api/orchestration/v1/x", 10)) == {"a": 6, "b": 2, "c": 2}


async def test_least_connections_spreads_concurrent_slow_requests(platform: Platform) -> None:
    abc = ("a", "b", "c")
    async with httpx.AsyncClient(base_url=platform.url, headers=platform.auth, timeout=PATIENCE) as client:
        held = [asyncio.create_task(client.get("/api/crm/hold")) for _ in range(6)]
        deadline = time.monotonic() + PATIENCE
        while sum(holding := [platform.holding(ident) for ident in abc]) < 6:  # all six in flight
            assert time.monotonic() < deadline, holding
            await asyncio.sleep(0.05)
        for ident in abc:
            platform.release(ident)
        responses = await asyncio.gather(*held)
    assert holding == [2, 2, 2]
    assert Counter(response.json()["id"] for response in responses) == {"a": 2, "b": 2, "c": 2}


def test_a_silent_upstream_is_a_504_after_the_read_timeout(solo: Platform) -> None:
    started = time.monotonic()
    try:
        response = solo.get("/api/crm/hold")  # never answered: crm's read timeout is 1 s
    finally:
        solo.release("solo")
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream_timeout"
    assert 1 <= elapsed < PATIENCE / 2, "crm's read timeout, not the default of 60 s"


def test_no_healthy_upstream_is_an_immediate_503_problem(platform: Platform) -> None:
    platform.get("/api/llm/v1/usage")  # the first request may find the breakers closed
    started = time.monotonic()
    response = platform.get("/api/llm/v1/usage")  # a path of problem+json (the OpenAI ones are not)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream_unavailable"
    # At once, not after waiting for an upstream to come back: none will, so a gateway that
    # waited would answer only when the client gives up.
    assert time.monotonic() - started < PATIENCE / 2


def test_readiness_reports_each_upstream_without_failing(platform: Platform) -> None:
    until(lambda: not any(u["available"] for u in platform.report("llm")), "llm's first checks")
    response = httpx.get(f"{platform.url}/health/ready", timeout=PATIENCE)
    assert response.status_code == 200
    upstreams = response.json()["upstreams"]
    assert upstreams["llm"]["available"] is False
    assert upstreams["logistics"]["available"] is True
    assert upstreams["crm"]["strategy"] == "least_connections"
    assert {u["breaker"] for u in upstreams["logistics"]["upstreams"]} == {"closed"}


def test_server_sent_events_arrive_one_by_one(platform: Platform) -> None:
    received = []
    params = {"events": "5", "interval": "release"}  # each event after the first on a release
    with httpx.stream(
        "GET", f"{platform.url}/api/logistics/sse", params=params, headers=platform.auth, timeout=PATIENCE
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line.removeprefix("data:"))
                received.append(event["n"])
                # The upstream has not sent the next event yet: this one was not held back for it.
                platform.release(event["id"])
    assert received == [0, 1, 2, 3, 4]


def test_request_bodies_are_streamed_and_limited(platform: Platform) -> None:
    upload = f"{platform.url}/api/logistics/v1/upload"
    response = httpx.post(upload, headers=platform.auth, content=b"x" * 150_000, timeout=PATIENCE)
    assert response.json()["body_bytes"] == 150_000

    def chunks() -> Iterator[bytes]:
        yield from (b"y" * 10_000 for _ in range(15))

    streamed = httpx.post(upload, headers=platform.auth, content=chunks(), timeout=PATIENCE)
    assert streamed.json()["body_bytes"] == 150_000
    too_large = httpx.post(upload, headers=platform.auth, content=b"x" * 250_000, timeout=PATIENCE)
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "request_too_large"


def test_hop_by_hop_headers_are_dropped_both_ways(platform: Platform) -> None:
    response = platform.get(
        "/api/logistics/v1/x",
        headers={"Connection": "keep-alive, x-private", "X-Private": "1", "TE": "trailers", "X-Kept": "1"},
    )
    upstream_saw = seen_headers(response)
    assert "x-private" not in upstream_saw
    assert "te" not in upstream_saw
    assert upstream_saw["x-kept"] == "1"
    assert upstream_saw["authorization"].startswith("Bearer "), "the service checks the token again"
    assert "x-upstream-hop" not in response.headers
    assert response.headers["x-upstream-id"] in {"a", "b", "c"}
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_connection_header_naming_the_length_cannot_unframe_the_body(platform: Platform) -> None:
    smuggled = b"GET /v1/admin HTTP/1.1\r\nhost: internal\r\nx-ignore: "
    response = httpx.post(
        f"{platform.url}/api/logistics/v1/x",
        headers={**platform.auth, "Connection": "content-length"},
        content=smuggled,
        timeout=PATIENCE,
    )
    assert response.json()["body_bytes"] == len(smuggled)  # one request, its body whole
    assert seen_headers(response)["content-length"] == str(len(smuggled))


def test_an_encoded_line_break_in_the_path_stays_encoded_on_the_way_up(platform: Platform) -> None:
    # Routed by its decoded form (%6c is "l"), the path is sent on encoded, never raw.
    response = platform.get("/api/%6cogistics/v1/x%0d%0aX-Injected:%201")
    assert response.status_code == 200
    assert response.json()["path"] == "/v1/x\r\nX-Injected: 1"  # decoded by the upstream itself
    assert "x-injected" not in seen_headers(response)


def test_clients_that_hang_up_mid_upload_eject_no_upstream(platform: Platform) -> None:
    for _ in range(6):  # three times the failures that would eject an upstream
        until(lambda: platform.in_flight("logistics") == 0, "the upload before ended at the gateway")
        with socket.create_connection(platform.address()) as client:
            client.sendall(platform.raw_head("POST /api/logistics/v1/upload", 100_000) + b"x" * 1000)
            # The gateway has the request under way, then its client is gone.
            until(lambda: platform.in_flight("logistics") > 0, "the upload under way")

    until(lambda: platform.in_flight("logistics") == 0, "the uploads ended at the gateway")
    assert {upstream["breaker"] for upstream in platform.report("logistics")} == {"closed"}
    assert platform.get("/api/logistics/v1/x").status_code == 200


def test_a_client_that_hangs_up_on_a_stream_ends_it_at_the_upstream(platform: Platform) -> None:
    params = {"events": "1000", "interval": "0.05"}  # 50 s of events
    for _ in range(3):
        with httpx.stream(
            "GET", f"{platform.url}/api/logistics/sse", params=params, headers=platform.auth, timeout=PATIENCE
        ) as response:
            next(response.iter_lines())  # the stream is under way; then the client hangs up
    until(lambda: platform.in_flight("logistics") == 0, "the streams still hold their upstreams")


def test_a_client_that_stalls_mid_upload_gets_a_408_and_frees_its_upstream(solo: Platform) -> None:
    with socket.create_connection(solo.address()) as client:
        client.sendall(solo.raw_head("POST /api/logistics/v1/upload", 10_000) + b"x" * 100)
        client.settimeout(PATIENCE)
        answer = b""  # nothing more is sent: the client body timeout is 0.5 s
        while b"request_timeout" not in answer and (piece := client.recv(4096)):
            answer += piece  # the head and the body may come apart
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"request_timeout" in answer
    until(lambda: solo.in_flight("logistics") == 0, "the upstream freed")


def test_a_not_modified_answer_with_a_length_keeps_the_clients_connection(platform: Platform) -> None:
    with httpx.Client(headers=platform.auth, timeout=PATIENCE) as client:
        for _ in range(3):  # one connection, kept alive across the answers
            assert client.get(f"{platform.url}/api/logistics/status/304").status_code == 304
            assert client.get(f"{platform.url}/api/logistics/v1/x").status_code == 200


def test_cookies_set_by_a_service_reach_only_the_client_that_got_them(platform: Platform) -> None:
    first = platform.get("/api/integrations/set-cookie")
    assert first.headers["set-cookie"].startswith("session=secret-of-the-first-client")

    for _ in range(4):  # every upstream in turn
        assert "cookie" not in seen_headers(platform.get("/api/integrations/v1/x"))


def test_the_gateway_adds_no_content_negotiation_of_its_own(platform: Platform) -> None:
    with httpx.Client(headers=platform.auth, timeout=PATIENCE) as client:
        for name in ("accept", "accept-encoding", "user-agent"):
            del client.headers[name]
        response = client.post(f"{platform.url}/api/logistics/v1/x", content=b"raw bytes")

    assert not {"accept", "accept-encoding", "content-type", "user-agent"} & seen_headers(response).keys()


def test_forwarded_for_comes_from_the_socket_unless_the_peer_is_trusted(platform: Platform) -> None:
    spoofed = platform.get("/api/logistics/v1/x", headers={"X-Forwarded-For": "6.6.6.6"})
    assert seen_headers(spoofed)["x-forwarded-for"] == "127.0.0.1"
    assert seen_headers(spoofed)["x-forwarded-proto"] == "http"

    via_proxy = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=PATIENCE)
    honoured = via_proxy.get(
        f"{platform.url}/api/logistics/v1/x",
        headers={**platform.auth, "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert seen_headers(honoured)["x-forwarded-for"] == "203.0.113.9, 127.0.0.2"
    assert seen_headers(honoured)["x-forwarded-proto"] == "https"


def test_trace_context_and_request_id_reach_the_upstream(platform: Platform) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = platform.get(
        "/api/logistics/v1/x",
        headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01", "X-Request-ID": "req-gateway-1"},
    )
    upstream_saw = seen_headers(response)
    assert upstream_saw["x-request-id"] == "req-gateway-1" == response.headers["x-request-id"]
    assert upstream_saw["traceparent"].split("-")[1] == trace_id


def test_proxied_routes_need_a_token_and_gateway_routes_still_work(platform: Platform) -> None:
    assert httpx.get(f"{platform.url}/api/logistics/v1/x", timeout=PATIENCE).status_code == 401
    assert platform.get("/api/admin/users").status_code == 200
    assert platform.get("/auth/me").status_code == 200


def test_errors_a_service_renders_itself_never_take_it_out_of_rotation(platform: Platform) -> None:
    # A 503 or 502 the service answers as JSON (a capability it lacks, a provider of its own that
    # failed) is the service speaking; any caller could provoke three of them.
    for status in (503, 502, 504) * 3:
        assert platform.get(f"/api/integrations/status/{status}").status_code == status
    assert set(ids(platform, "/api/integrations/v1/x", 8)) == {"d", "e"}, "both still in rotation"


def test_a_killed_upstream_fails_no_idempotent_request_and_rejoins(platform: Platform) -> None:
    assert set(ids(platform, "/api/integrations/v1/x", 4)) == {"d", "e"}
    platform.upstreams["e"].kill()
    platform.upstreams["e"].wait()
    assert set(ids(platform, "/api/integrations/v1/x", 20)) == {"d"}, "retried on d, then e ejected"
    until(
        lambda: [u["available"] for u in platform.report("integrations")] == [True, False],
        "e reported unavailable",
    )

    platform.upstreams["e"] = start_upstream("e", platform.ports["e"])
    until(lambda: "e" in ids(platform, "/api/integrations/v1/x", 4), "e rejoining once healthy")


def test_a_full_connection_pool_is_a_503_that_leaves_the_upstream_healthy(solo: Platform) -> None:
    with ThreadPoolExecutor() as pool:
        held = pool.submit(solo.get, "/api/logistics/hold")
        try:
            until(lambda: held.done() or solo.holding("solo") == 1, "the only connection taken")
            busy = solo.get("/api/logistics/v1/x")  # waits 0.5 s for the connection, in vain
            ready = solo.report("logistics")
        finally:
            solo.release("solo")
        assert held.result().status_code == 200
    assert (busy.status_code, busy.json()["code"]) == (503, "upstream_busy")
    assert [(u["healthy"], u["breaker"]) for u in ready] == [(True, "closed")]
    assert solo.get("/api/logistics/v1/x").status_code == 200
