"""Fields whose values are secrets: what a detector found there is kept out of the record.

A password field is inspected like any other (``' or '1'='1`` in a password is the oldest
authentication bypass), but its value must not reach threat events, alerts or logs: the
"attack" may be a user's real password, and then its evidence would be that password."""

import re

import msgspec

from core.domain.threat.model import Finding

REDACTED = "[redacted: secret field]"
_SECRET_NAME = re.compile(
    r"pass(?:word|wd|phrase|code)?|pwd|secret|token|api[_-]?key|credential|private[_-]?key"
    r"|session|^sid$|^otp$|totp|^pin$|signature|code[_-]?verifier|cookie|authorization",
    re.IGNORECASE,
)


def is_secret_field(field: str | None) -> bool:
    """Judged on the last part of a JSON path (``$.user.new_password``), a form or query
    parameter, or a cookie name."""
    if not field:
        return False
    name = field.rsplit(".", 1)[-1].split("#", 1)[0].split("?")[-1]
    return _SECRET_NAME.search(name) is not None


def without_evidence(findings: list[Finding]) -> list[Finding]:
    """``findings`` (made in a secret field) with their evidence replaced."""
    return [msgspec.structs.replace(finding, evidence=REDACTED) for finding in findings]
