"""What is found in a secret field is still an attack, but the record keeps none of the value."""

import pytest

from adapters.inspection.detectors.inspector import Inspector
from core.domain.threat.model import Location, RequestSample
from core.domain.threat.secret_fields import REDACTED, is_secret_field

inspector = Inspector()


@pytest.mark.parametrize(
    "field",
    [
        "password",
        "new_password",
        "newpassword",
        "$.user.password",
        "passwd",
        "pass",
        "pw",
        "user_pw",
        "pwd",
        "passphrase",
        "passcode",
        "pin",
        "pinCode",
        "card-pin",
        "cvv",
        "cvv2",
        "cvc",
        "$.card.cvc",
        "cards[0][cvv]",
        "apikey",
        "api_key",
        "apiKey",
        "APIKey",
        "X-Api-Key",
        "private_key",
        "privateKey",
        "ssh.private-key",
        "otp",
        "totp",
        "mfa_otp",
        "client_secret",
        "clientSecret",
        "clientsecret",
        "refresh_token",
        "csrftoken",
        "XSRF-TOKEN",
        "credentials",
        "sessionid",
        "JSESSIONID",
        "PHPSESSID",
        "connect.sid",
        "sid",
        "code_verifier",
        "Proxy-Authorization",
        "X-Hub-Signature-256",
        "Referer?access_token",
    ],
)
def test_secret_fields_are_recognised_by_name(field: str) -> None:
    assert is_secret_field(field)


@pytest.mark.parametrize(
    "field",
    [
        None,
        "",
        "q",
        "username",
        "$.display_name",
        "side",
        "inside",
        "pinned",
        "spinach",
        "pinpoint",
        "keyword",
        "keywords",
        "monkey",
        "turnkey",
        "passenger",
        "compass",
        "bypass",
        "secretary",
        "tokenizer",
        "opinion",
        "$.items[0].sku",
        "key",
        "$.attrs[0].key",
        "sort_key",
        "$.password#key",
        "$.meta.<img src=x onerror=alert(1)> pin#key",
    ],
)
def test_ordinary_fields_are_not_secret_even_when_they_contain_a_secret_word(field: str | None) -> None:
    """Whole name segments are compared (split on ``_ - . [``, and camelCase), so an attack in
    an ordinary field keeps its evidence. ``key`` alone is a map's key, and a name written by the
    sender (``#key``) is read as a value, never as a secret (a review slipped attacks through
    both)."""
    assert not is_secret_field(field)


def test_an_attack_in_a_password_is_found_with_its_evidence_redacted() -> None:
    sample = RequestSample(
        method="POST",
        path="/auth/token",
        body=[("username", "alice"), ("password", "hunter2' OR '1'='1")],
        cookies=[("session", "../../../etc/passwd")],
        query=[("q", "1 UNION SELECT password FROM users")],
    )

    findings = {finding.field: finding for finding in inspector.inspect_request(sample)}

    assert inspector.is_attack([findings["password"]])
    assert findings["password"].evidence == REDACTED
    assert findings["session"].evidence == REDACTED
    assert "UNION" in findings["q"].evidence.upper(), "ordinary fields keep their evidence"


def test_the_same_value_in_an_ordinary_field_keeps_its_evidence_after_a_secret_one() -> None:
    """The verdict memo is shared by all fields: redaction must not leak into it or out of it."""
    value = "x' OR '1'='1"
    secret = inspector.inspect_value(value, Location.BODY, "password")
    ordinary = inspector.inspect_value(value, Location.BODY, "comment")

    assert secret[0].evidence == REDACTED
    assert ordinary[0].evidence != REDACTED
