"""The gateway's threat defence, as an attacker and an admin meet it: real gateway processes on
loopback. The gateway trusts 127.0.0.1 as a proxy here, so each test picks its own client IP
with X-Forwarded-For."""

import base64
import json
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.gateway import PASSWORD, gateway_env, running_gateway, token

TRUSTING_LOOPBACK = {"BHIV_GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32"}
ATTACKS = [
    ("query", "GET", "/health/live?id=1%27%20UNION%20SELECT%20password%20FROM%20users--", {}),
    ("path", "GET", "/health/live/..%2f..%2f..%2fetc%2fpasswd", {}),
    (
        "header",
        "GET",
        "/health/live",
        {"headers": {"User-Agent": "sqlmap/1.7.2#stable (https://sqlmap.org)"}},
    ),
    (
        "json value",
        "POST",
        "/api/admin/users",
        {"json": {"display_name": "<script>alert(document.cookie)</script>"}},
    ),
    (
        "json value after 20 KB of padding",
        "POST",
        "/api/admin/users",
        {"json": {"display_name": " " * 20_000 + "<script>alert(document.cookie)</script>"}},
    ),
    (
        "form value",
        "POST",
        "/auth/token",
        {"data": {"grant_type": "password", "username": "x; cat /etc/passwd"}},
    ),
]
TRICKY_BUT_BENIGN = [
    {"name": "O'Brien"},
    {"shipping_address": "12 Ping Street, Dublin"},
    {"q": "select a plan from our catalog"},
    {"q": "Drop-leaf table, solid oak"},
    {"question": "is 1=1 true in maths?"},
    {"a": "1", "b": "2"},
]


_used: set[str] = set()


def an_ip() -> str:
    """A client IP no other test of this module uses."""
    while (ip := f"203.0.{random.randint(0, 255)}.{random.randint(1, 254)}") in _used:
        pass
    _used.add(ip)
    return ip


def admin(gateway: str) -> dict[str, str]:
    """The Authorization header of a new admin: routes that need a token answer 401 to anonymous
    callers before their body is read, so attacks on them are sent signed in, each by an identity
    of its own (an authenticated caller's strikes block its identity)."""
    email = f"attacker-{uuid.uuid4().hex[:12]}@example.com"
    user = {"email": email, "password": PASSWORD, "role": "admin", "display_name": "Attacker"}
    headers = {"Authorization": f"Bearer {token(gateway)}"}
    created = httpx.post(f"{gateway}/api/admin/users/", json=user, headers=headers)
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {token(gateway, email)}"}


def send(gateway: str, ip: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    headers = {"X-Forwarded-For": ip, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.request(method, f"{gateway}{path}", headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One gateway for the tests that each use their own client IPs."""
    data = tmp_path_factory.mktemp("gateway") / "data"
    with running_gateway({**gateway_env(data), **TRUSTING_LOOPBACK}) as url:
        yield url


@pytest.mark.parametrize(
    ("where", "method", "path", "kwargs"), ATTACKS, ids=[attack[0] for attack in ATTACKS]
)
def test_an_attack_anywhere_in_the_request_is_refused(gateway: str, where, method, path, kwargs) -> None:  # type: ignore[no-untyped-def]
    if path.startswith("/api/"):
        kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), **admin(gateway)}}
    response = send(gateway, an_ip(), method, path, **kwargs)

    assert response.status_code == 403, (where, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "request_refused"
    assert body["correlation_id"] == response.headers["x-request-id"]
    assert not any(kind in response.text for kind in ("sqli", "xss", "traversal", "cmdi", "scanner"))


@pytest.mark.parametrize("params", TRICKY_BUT_BENIGN)
def test_benign_inputs_that_look_like_attacks_pass(gateway: str, params: dict[str, str]) -> None:
    assert send(gateway, an_ip(), "GET", "/health/live", params=params).status_code == 200


def test_an_attack_in_a_password_is_let_through_and_recorded_without_the_password(
    gateway: str,
) -> None:
    """A password manager's random password may look like anything: secret fields are never
    refused and never strike, but what is found there is recorded and alerted on."""
    attacker, admin = an_ip(), {"Authorization": f"Bearer {token(gateway)}"}
    login = {"grant_type": "password", "username": "alice", "password": "hunter2' OR '1'='1"}

    response = send(gateway, attacker, "POST", "/auth/token", data=login)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    events = httpx.get(f"{gateway}/api/admin/threats", params={"ip": attacker}, headers=admin).json()
    alerts = httpx.get(f"{gateway}/api/admin/alerts", headers=admin).json()["items"]
    findings = [finding for event in events["items"] for finding in event["findings"]]
    assert [finding["field"] for finding in findings] == ["password"]
    assert "hunter2" not in json.dumps(events)
    assert attacker in [alert["ip"] for alert in alerts]
    assert "hunter2" not in json.dumps(alerts)


def test_an_ip_that_keeps_attacking_is_blocked_for_longer_each_time_until_an_admin_unblocks_it(
    gateway: str,
) -> None:
    attacker, admin = an_ip(), {"Authorization": f"Bearer {token(gateway)}"}
    attack = "/health/live?q=%3Cscript%3Ealert(1)%3C/script%3E"

    started = time.monotonic()
    statuses = [send(gateway, attacker, "GET", attack).json()["code"] for _ in range(3)]
    blocked = send(gateway, attacker, "GET", "/health/live")
    block_age = time.monotonic() - started  # at most: the retry-after counts down from the block

    assert statuses == ["request_refused", "request_refused", "ip_blocked"]
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "ip_blocked"
    assert 300 - block_age - 1 <= int(blocked.headers["retry-after"]) <= 300
    assert send(gateway, an_ip(), "GET", "/health/live").status_code == 200, "others are not affected"

    blocks = httpx.get(f"{gateway}/api/admin/blocks", headers=admin).json()["items"]
    assert attacker in [block["subject"] for block in blocks]
    events = httpx.get(f"{gateway}/api/admin/threats", params={"ip": attacker}, headers=admin).json()["items"]
    assert {event["verdict"] for event in events} == {"block_request", "block_ip"}
    alerts = httpx.get(f"{gateway}/api/admin/alerts", headers=admin).json()["items"]
    assert [alert["ip"] for alert in alerts].count(attacker) == 1

    assert httpx.delete(f"{gateway}/api/admin/blocks/{attacker}", headers=admin).status_code == 204
    assert send(gateway, attacker, "GET", "/health/live").status_code == 200

    started = time.monotonic()
    for _ in range(3):
        send(gateway, attacker, "GET", attack)
    retry_after = int(send(gateway, attacker, "GET", "/health/live").headers["retry-after"])
    assert 1800 - (time.monotonic() - started) - 1 <= retry_after <= 1800


def test_an_admin_blocks_an_ip_by_hand(gateway: str) -> None:
    target, admin = an_ip(), {"Authorization": f"Bearer {token(gateway)}"}
    block = {"ip": target, "duration_seconds": 120, "reason": "abuse report #4711"}

    created = httpx.post(f"{gateway}/api/admin/blocks", json=block, headers=admin)
    invalid = httpx.post(f"{gateway}/api/admin/blocks", json={**block, "ip": "999.1.1.1"}, headers=admin)

    assert created.status_code == 201, created.text
    assert send(gateway, target, "GET", "/health/live").json()["code"] == "ip_blocked"
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "rule_violated"


def test_the_allowlist_is_never_blocked_but_its_attacks_are_refused(tmp_path: Path) -> None:
    env = {**gateway_env(tmp_path / "data"), **TRUSTING_LOOPBACK, "BHIV_THREAT_ALLOWLIST": "198.51.100.0/24"}
    with running_gateway(env) as gateway:
        attack = "/health/live?q=1%27%20OR%20%271%27=%271"
        answers = [send(gateway, "198.51.100.7", "GET", attack).json().get("code") for _ in range(5)]
        afterwards = send(gateway, "198.51.100.7", "GET", "/health/live")
        admin = {"Authorization": f"Bearer {token(gateway)}"}
        recorded = httpx.get(f"{gateway}/api/admin/threats", params={"ip": "198.51.100.7"}, headers=admin)
    assert answers == ["request_refused"] * 5
    assert afterwards.status_code == 200
    assert recorded.json()["items"], "what an allowlisted IP sends is still recorded"


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_does_not_dodge_a_block(tmp_path: Path) -> None:
    with running_gateway(gateway_env(tmp_path / "data")) as gateway:  # trusts no proxy
        for _ in range(3):
            send(gateway, an_ip(), "GET", "/health/live?q=%3Csvg%20onload=alert(1)%3E")
        answer = send(gateway, an_ip(), "GET", "/health/live")
    assert answer.json()["code"] == "ip_blocked", (
        "the socket peer (127.0.0.1) was blocked, whatever it claimed"
    )


def test_repeated_failed_logins_for_one_account_block_the_ip(tmp_path: Path) -> None:
    env = {
        **gateway_env(tmp_path / "data"),
        **TRUSTING_LOOPBACK,
        "BHIV_OUTBOX_RELAY_ENABLED": "true",
        "BHIV_OUTBOX_POLL_INTERVAL_SECONDS": "0.05",
        "BHIV_THREAT_FAILED_LOGINS_PER_ACCOUNT": "4",
    }
    attacker = an_ip()
    form = {"grant_type": "password", "username": "victim@example.com", "password": "wrong-password-123"}
    with running_gateway(env) as gateway:
        for _ in range(5):
            send(gateway, attacker, "POST", "/auth/token", data=form)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if send(gateway, attacker, "GET", "/health/live").status_code == 403:
                break
            time.sleep(0.1)
        answer = send(gateway, attacker, "GET", "/health/live")
    assert answer.json()["code"] == "ip_blocked"


@pytest.mark.redis
def test_a_block_made_by_one_gateway_is_honoured_by_another_sharing_redis(
    tmp_path: Path, redis_url: str
) -> None:
    shared = {
        "BHIV_REDIS_URL": redis_url,
        "BHIV_REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
        **TRUSTING_LOOPBACK,
    }
    env = {**gateway_env(tmp_path / "data"), **shared}
    attacker = an_ip()
    with running_gateway(env) as first, running_gateway(env) as second:
        for _ in range(3):
            send(first, attacker, "GET", "/health/live?q=..%2f..%2f..%2fetc%2fshadow")
        assert send(second, attacker, "GET", "/health/live").json()["code"] == "ip_blocked"
    with running_gateway(env) as restarted:
        assert send(restarted, attacker, "GET", "/health/live").json()["code"] == "ip_blocked", (
            "blocks survive"
        )


def test_a_chunked_json_body_is_inspected_like_one_with_a_length(gateway: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"display_name": "<img src=x '
        yield b'onerror=alert(document.domain)>"}'

    response = send(
        gateway,
        an_ip(),
        "POST",
        "/api/admin/users",
        content=chunks(),
        headers={"Content-Type": "application/json", **admin(gateway)},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "request_refused"


def test_a_json_body_too_large_to_inspect_is_not_forwarded(gateway: str) -> None:
    huge = b'{"notes": "' + b"a" * 1_100_000 + b'"}'
    response = send(
        gateway,
        an_ip(),
        "POST",
        "/api/admin/users",
        content=huge,
        headers={"Content-Type": "application/json", **admin(gateway)},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_an_attack_after_hundreds_of_harmless_values_is_refused(gateway: str) -> None:
    harmless = [(f"p{n}", "x") for n in range(600)]
    query = [*harmless, ("q", "1' UNION SELECT password FROM users--")]
    form = {**dict(harmless), "username": "x; cat /etc/passwd"}

    in_query = send(gateway, an_ip(), "GET", "/health/live", params=query)
    in_form = send(gateway, an_ip(), "POST", "/auth/token", data=form)

    assert (in_query.status_code, in_form.status_code) == (403, 403)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("&".join(f"p{n}=x" for n in range(10_001)), "application/x-www-form-urlencoded"),
        (json.dumps({"items": [str(n) for n in range(10_001)]}), "application/json"),
    ],
    ids=["form", "json"],
)
def test_a_body_with_more_values_than_are_inspected_is_not_forwarded(
    gateway: str, content: str, content_type: str
) -> None:
    response = send(
        gateway,
        an_ip(),
        "POST",
        "/api/admin/users",
        content=content,
        headers={"Content-Type": content_type, **admin(gateway)},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_many_values"


def test_a_json_body_labelled_as_something_else_is_neither_inspected_nor_read(gateway: str) -> None:
    """The screen reads JSON and form bodies only; a service reads only what its route declares."""
    signed_in = admin(gateway)
    user = {"email": "mallory@example.com", "password": "correct horse battery staple", "role": "admin"}
    disguised = json.dumps({**user, "display_name": "<script>alert(document.cookie)</script>"})

    response = send(
        gateway,
        an_ip(),
        "POST",
        "/api/admin/users/",
        content=disguised,
        headers={**signed_in, "Content-Type": "text/plain"},
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def _basic(client_id: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:secret".encode()).decode()


DISGUISED = [
    # (how the payload was disguised, method, path, headers, body, status)
    (
        "two Content-Types, JSON read by the route",
        "POST",
        "/api/admin/users/",
        [("Content-Type", "application/json"), ("Content-Type", "text/plain")],
        json.dumps({"display_name": "<script>alert(1)</script>"}).encode(),
        400,
    ),
    (
        "a Content-Type padded with a no-break space",
        "POST",
        "/api/admin/users/",
        [("Content-Type", b"application/json\xa0")],  # bytes: httpx sends str headers as ASCII
        json.dumps({"display_name": "<script>alert(1)</script>"}).encode(),
        403,
    ),
    (
        "a cookie header the standard library gives up on",
        "GET",
        "/health/live",
        [("Cookie", "a=<script>alert(1)</script>; b")],
        b"",
        403,
    ),
    (
        "the first of two User-Agents",
        "GET",
        "/health/live",
        [("User-Agent", "<script>alert(1)</script>"), ("User-Agent", "Mozilla/5.0")],
        b"",
        403,
    ),
    (
        "a Referer's fragment",
        "GET",
        "/health/live",
        [("Referer", "http://x/#<script>alert(1)</script>")],
        b"",
        403,
    ),
    ("an Origin's host", "GET", "/health/live", [("Origin", "http://<script>alert(1)</script>")], b"", 403),
    (
        "a client id in HTTP Basic",
        "POST",
        "/auth/token",
        [("Authorization", _basic("' OR '1'='1' --")), ("Content-Type", "application/x-www-form-urlencoded")],
        b"grant_type=client_credentials",
        403,
    ),
    (
        "9,000 spaces inside an attack, across the windows of a long value",
        "POST",
        "/api/admin/users/",
        [("Content-Type", "application/json")],
        json.dumps({"display_name": "admin'" + " " * 9000 + "--"}).encode(),
        403,
    ),
    ("a query name", "GET", "/health/live?%3Cscript%3Ealert(1)%3C/script%3E=1", [], b"", 403),
    ("a cookie name", "GET", "/health/live", [("Cookie", "<script>alert(1)</script>=v")], b"", 403),
    (
        "a Referer's query name",
        "GET",
        "/health/live",
        [("Referer", "http://a/?<script>alert(1)</script>")],
        b"",
        403,
    ),
    ("a User-Agent of 100 KB", "GET", "/health/live", [("User-Agent", "A" * 100_000)], b"", 431),
    ("a query string of 40 KB", "GET", "/health/live?q=" + "a" * 40_000, [], b"", 414),
    (
        "raw no-break spaces in a form body",
        "POST",
        "/auth/token",
        [("Content-Type", "application/x-www-form-urlencoded")],
        b"grant_type=password&password=x&username=x'\xa0OR\xa01=1\xa0--",
        403,
    ),
]


@pytest.mark.parametrize(
    ("disguise", "method", "path", "headers", "body", "status"), DISGUISED, ids=[d[0] for d in DISGUISED]
)
def test_a_payload_disguised_from_the_screen_but_not_from_the_receiver_is_refused(  # type: ignore[no-untyped-def]
    gateway: str, disguise, method, path, headers, body, status
) -> None:
    """Each way past the screen a review found: the screen now reads what the receiver reads."""
    signed_in = list(admin(gateway).items()) if path.startswith("/api/") else []
    sent = [("X-Forwarded-For", an_ip()), *signed_in, *headers]

    response = httpx.request(method, f"{gateway}{path}", headers=sent, content=body)

    assert response.status_code == status, (disguise, response.text)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("what", "path", "headers", "body"),
    [
        ("Basic credentials that are not ASCII", "/health/live", [("Authorization", b"Basic \xc3\xa9")], b""),
        (
            "a JSON body with invalid UTF-8",
            "/api/admin/users/",
            [("Content-Type", "application/json")],
            b'{"display_name": "\xe9"}',
        ),
        ("JSON nested 1,200 deep in a query value", "/health/live?q=" + "[" * 1200 + "]" * 1200, [], b""),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_requests_the_screen_cannot_parse_get_a_client_error_not_a_500(
    gateway: str, what, path, headers, body
) -> None:  # type: ignore[no-untyped-def]
    sent = [("X-Forwarded-For", an_ip()), ("Authorization", f"Bearer {token(gateway)}"), *headers]

    response = httpx.request("POST" if body else "GET", f"{gateway}{path}", headers=sent, content=body)

    assert response.status_code < 500, (what, response.status_code, response.text)
