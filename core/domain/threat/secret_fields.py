"""Fields whose values are secrets: what a detector found there is kept out of the record.

A password field is inspected like any other (``' or '1'='1`` in a password is the oldest
authentication bypass), but its value must not reach threat events, alerts or logs: the
"attack" may be a user's real password, and then its evidence would be that password."""

import re

import msgspec

from core.domain.threat.model import Finding

REDACTED = "[redacted: secret field]"

SECRET_WORDS = frozenset(
    {
        "pw", "pwd", "pass", "passwd", "password", "passwords", "passphrase", "passcode",
        "pin", "pincode", "cvv", "cvv2", "cvc", "cvc2", "otp", "totp", "hotp",
        "secret", "secrets", "token", "tokens", "apikey", "credential", "credentials",
        "session", "sessionid", "sid", "cookie", "authorization", "signature", "verifier",
    }
)  # fmt: skip
"""A name holding one of these as a whole segment is secret: ``user_pin``, ``client_secret``,
``cards[0][cvv]``; never ``keyword``, ``spinach``, ``pinned``."""

KEY_QUALIFIERS = frozenset(
    {
        "api",
        "private",
        "secret",
        "access",
        "signing",
        "encryption",
        "client",
        "license",
        "master",
        "auth",
        "session",
    }
)
"""``key`` alone names a map's key (``{"key": ..., "value": ...}``), a sort key, a boarding pass's
key: it is secret only after one of these (``X-Api-Key``, ``privateKey``, ``access_key``)."""

SECRET_ENDINGS = (
    "password", "passwd", "pwd", "passphrase", "passcode", "secret", "token", "apikey", "privatekey",
    "credential", "credentials", "sessionid", "sessid", "verifier",
)  # fmt: skip
"""Words long enough to recognise at the end of a name written without separators:
``newpassword``, ``csrftoken``, ``clientsecret``, ``JSESSIONID``, ``PHPSESSID``."""

# Segments: split on separators, then before an upper-case letter that starts a word
# (``apiKey``, ``APIKey``), but not inside an all-capitals name (``PHPSESSID``).
_SEPARATORS = re.compile(r"[_\-.\[\]\s]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def name_segments(name: str) -> list[str]:
    """``X-Api-Key`` -> x, api, key; ``clientSecret`` -> client, secret; lower-cased."""
    return [
        segment.lower()
        for part in _SEPARATORS.split(name)
        for segment in _CAMEL_BOUNDARY.split(part)
        if segment
    ]


def is_secret_field(field: str | None) -> bool:
    """Judged on the last part of a JSON path (``$.user.new_password``), a form or query
    parameter, or a cookie name. A name itself (``...#key``) is never secret: it is written by
    the sender and read as a value, so naming a key ``pin`` cannot exempt it from the screen."""
    if not field or field.endswith("#key"):
        return False
    name = field.rsplit(".", 1)[-1].split("#", 1)[0].split("?")[-1]
    segments = name_segments(name)
    if any(segment in SECRET_WORDS or segment.endswith(SECRET_ENDINGS) for segment in segments):
        return True
    return any(
        segment in ("key", "keys") and index > 0 and segments[index - 1] in KEY_QUALIFIERS
        for index, segment in enumerate(segments)
    )


def without_evidence(findings: list[Finding]) -> list[Finding]:
    """``findings`` (made in a secret field) with their evidence replaced."""
    return [msgspec.structs.replace(finding, evidence=REDACTED) for finding in findings]
