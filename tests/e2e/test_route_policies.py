"""What services declare to the gateway (``x-bhiv``), and how callers meet it: prose in content
fields goes through, public routes need no token, an authenticated attacker's strikes block
its identity and not the office it shares an address with. A real gateway process in front of
a test upstream whose OpenAPI document Litestar made from declared routes."""

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.gateway import PASSWORD, gateway_env, running_gateway, start_upstream, token
from tests.support.processes import free_port_block

TICKET_TEXTS = [
    "My query SELECT name FROM users WHERE id = 1 fails",
    "if (x > 0 && y < 10) { ok(); }",
    '<img src="logo.png"> is broken on the invoice',
    "How do I stop ' OR 1=1 -- attacks in my login form?",
    "The log says: rm -rf /tmp/cache; then cat /etc/hosts failed",
]
OFFICE = "198.51.100.20"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port_block(1)
    upstream = start_upstream("svc", port)
    env = {
        **gateway_env(tmp_path_factory.mktemp("policies") / "data"),
        "BHIV_GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32",
        "BHIV_GATEWAY_UPSTREAMS": f"logistics=http://127.0.0.1:{port}",
    }
    try:
        with running_gateway(env) as url:
            wait_for_policies(url)
            yield url
    finally:
        upstream.kill()
        upstream.wait()


def wait_for_policies(gateway: str) -> None:
    """The gateway reads them once the upstream answers; until then every route is strict."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if carrier_update(gateway, "203.0.113.250").status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError("the gateway never read the upstream's route policies")


def carrier_update(gateway: str, ip: str, **body: object) -> httpx.Response:
    return httpx.post(
        f"{gateway}/api/logistics/inbound/carriers/dhl",
        json={"tracking": "JD0001", "status": "delivered", **body},
        headers={"X-Forwarded-For": ip},
    )


def new_user(gateway: str) -> dict[str, str]:
    """A new support user's Authorization header (made by the test admin)."""
    email = f"support-{uuid.uuid4().hex[:10]}@example.com"
    user = {"email": email, "password": PASSWORD, "role": "support", "display_name": "Support"}
    made = httpx.post(f"{gateway}/api/admin/users/", json=user, headers=admin(gateway))
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {token(gateway, email)}"}


def admin(gateway: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(gateway)}"}


def post(gateway: str, path: str, body: object, headers: dict[str, str], ip: str = OFFICE) -> httpx.Response:
    return httpx.post(f"{gateway}/api/logistics{path}", json=body, headers={**headers, "X-Forwarded-For": ip})


def test_prose_in_a_declared_content_field_goes_through_however_often(gateway: str) -> None:
    user = new_user(gateway)

    answers = [
        post(gateway, "/v1/tickets", {"subject": "Help", "description": text}, user).status_code
        for text in TICKET_TEXTS * 2
    ]

    assert answers == [200] * len(TICKET_TEXTS) * 2


def test_chat_messages_are_content_at_any_position(gateway: str) -> None:
    messages = [
        {"role": "system", "content": "You answer questions about web security."},
        {"role": "user", "content": "Explain what <script>alert(document.cookie)</script> does."},
    ]

    answer = post(gateway, "/v1/chat", {"model": "default", "messages": messages}, new_user(gateway))

    assert answer.status_code == 200, answer.text


def test_the_same_text_in_a_field_not_declared_content_is_refused(gateway: str) -> None:
    answer = post(gateway, "/v1/tickets", {"subject": TICKET_TEXTS[3], "description": "x"}, new_user(gateway))

    assert answer.status_code == 403
    assert answer.json()["code"] == "request_refused"


def test_what_is_found_in_content_is_recorded_with_who_sent_it(gateway: str) -> None:
    user = new_user(gateway)
    ip = "198.51.100.77"
    post(gateway, "/v1/tickets", {"description": "1 UNION SELECT password FROM users--"}, user, ip)

    events = httpx.get(f"{gateway}/api/admin/threats", params={"ip": ip}, headers=admin(gateway)).json()

    [event] = events["items"]
    assert event["verdict"] == "allow"
    assert event["kind"] == "sqli"
    assert event["subject"].startswith("user:")
    assert event["findings"][0]["field"] == "$.description"


def test_a_public_route_needs_no_token_and_every_other_route_does(gateway: str) -> None:
    public = carrier_update(gateway, "203.0.113.9")
    private = post(gateway, "/v1/tickets", {"description": "hello"}, {})
    undeclared = httpx.get(f"{gateway}/api/logistics/v1/products", headers={"X-Forwarded-For": "203.0.113.9"})

    assert public.status_code == 200
    assert public.json()["path"] == "/inbound/carriers/dhl"
    assert (private.status_code, undeclared.status_code) == (401, 401)
    assert private.headers["www-authenticate"].startswith("Bearer")


def test_an_anonymous_body_is_capped_small_and_an_unauthorised_one_is_never_read(gateway: str) -> None:
    big = carrier_update(gateway, "203.0.113.10", notes="n" * 70_000)
    started = time.monotonic()
    huge_without_token = post(gateway, "/v1/tickets", {"description": "`" * 1_000_000}, {}, "203.0.113.11")

    assert big.status_code == 413
    assert big.json()["code"] == "body_too_large"
    assert huge_without_token.status_code == 401
    assert time.monotonic() - started < 30  # refused, not inspected (inspection would take seconds)


def test_an_authenticated_attacker_blocks_its_identity_not_the_office_address(gateway: str) -> None:
    attacker, colleague = new_user(gateway), new_user(gateway)
    attack = {"subject": "1' UNION SELECT password FROM users--", "description": "x"}

    codes = [post(gateway, "/v1/tickets", attack, attacker).json()["code"] for _ in range(3)]
    after = post(gateway, "/v1/tickets", {"description": "hello"}, attacker)
    colleague_answer = post(gateway, "/v1/tickets", {"description": "hello"}, colleague)

    assert codes == ["request_refused", "request_refused", "identity_blocked"]
    assert after.status_code == 403
    assert after.json()["code"] == "identity_blocked"
    assert int(after.headers["retry-after"]) > 0
    assert colleague_answer.status_code == 200, "the office's address stays open"
    blocks = httpx.get(f"{gateway}/api/admin/blocks", headers=admin(gateway)).json()["items"]
    [mine] = [
        block for block in blocks if block["kind"] == "identity" and block["subject"].startswith("user:")
    ]
    assert (
        httpx.delete(f"{gateway}/api/admin/blocks/{mine['subject']}", headers=admin(gateway)).status_code
        == 204
    )
    assert post(gateway, "/v1/tickets", {"description": "hello"}, attacker).status_code == 200


def test_a_laptops_own_address_is_refused_per_attack_but_never_blocked(tmp_path: Path) -> None:
    """``bhiv up``'s default: loopback is allowlisted, so a local script's attacks are refused
    and its address is never blocked, not even for a burst of requests."""
    env = {**gateway_env(tmp_path / "data"), "BHIV_THREAT_ALLOWLIST": "127.0.0.0/8,::1/128"}
    with running_gateway(env) as gateway:
        attacks = [
            httpx.get(f"{gateway}/health/live", params={"q": "<script>alert(1)</script>"}) for _ in range(5)
        ]
        burst = [httpx.get(f"{gateway}/health/live").status_code for _ in range(50)]
    assert [answer.json()["code"] for answer in attacks] == ["request_refused"] * 5
    assert burst == [200] * 50


@pytest.mark.parametrize("path", ["/metrics", "/openapi/openapi.json"])
def test_a_services_metrics_and_openapi_are_for_those_who_observe_the_platform(
    gateway: str, path: str
) -> None:
    url = f"{gateway}/api/logistics{path}"
    where = {"X-Forwarded-For": "198.51.100.30"}

    anonymous = httpx.get(url, headers=where)
    support = httpx.get(url, headers={**where, **new_user(gateway)})
    operator = httpx.get(url, headers={**where, **admin(gateway)})

    assert anonymous.status_code == 401
    assert support.status_code == 403
    assert support.json()["detail"].endswith("platform:observe permission")
    assert operator.status_code == 200


def test_a_body_trickled_in_gets_a_408_instead_of_holding_a_socket(tmp_path: Path) -> None:
    """Slowloris on a public route: the screen reads a JSON or form body within the client body
    timeout or answers 408 (a review held sockets for minutes with a byte every 45 s)."""
    env = {**gateway_env(tmp_path / "data"), "BHIV_GATEWAY_CLIENT_BODY_TIMEOUT_SECONDS": "0.5"}
    with running_gateway(env) as gateway:
        host, port = gateway.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as client:
            head = (
                "POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100\r\n\r\n"
            )
            client.sendall(head.encode() + b"grant_type")  # and then nothing more
            client.settimeout(60)
            answer = b""
            while b"request_timeout" not in answer and (piece := client.recv(4096)):
                answer += piece
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_forged_tokens_block_their_address_and_revoked_ones_do_not(gateway: str) -> None:
    """After an admin ends many sessions, honest clients retry with revoked tokens: that is no
    attack (a review's office got blocked for it). Tokens that were never good are."""
    revoked = new_user(gateway)
    assert httpx.post(f"{gateway}/auth/logout-all", headers=revoked).status_code == 204
    forged = {"Authorization": "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl"}

    honest = [post(gateway, "/v1/tickets", {}, revoked, "198.51.100.41").status_code for _ in range(25)]
    hostile = [post(gateway, "/v1/tickets", {}, forged, "198.51.100.42").status_code for _ in range(25)]

    assert honest == [401] * 25
    assert 403 in hostile
    assert post(gateway, "/v1/tickets", {}, {}, "198.51.100.42").json()["code"] == "ip_blocked"
