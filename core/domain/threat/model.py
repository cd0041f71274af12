"""What threat detection looks at and what it concludes."""

from datetime import datetime
from enum import StrEnum

import msgspec


class AttackKind(StrEnum):
    SQLI = "sqli"
    XSS = "xss"
    TRAVERSAL = "traversal"
    CMDI = "cmdi"
    SCANNER = "scanner"
    """A known attack tool's signature (User-Agent, probe paths)."""
    BRUTE_FORCE = "brute_force"
    """Many failed logins for one account."""
    CREDENTIAL_STUFFING = "credential_stuffing"
    """Failed logins for many accounts from one IP."""
    RATE_ANOMALY = "rate_anomaly"
    SCANNING = "scanning"
    """A burst of 401/403/404 answers to one IP."""
    TOKEN_FLOOD = "token_flood"  # noqa: S105 (an attack kind, not a secret)
    """Many invalid bearer tokens from one IP."""


PAYLOAD_KINDS = frozenset({AttackKind.SQLI, AttackKind.XSS, AttackKind.TRAVERSAL, AttackKind.CMDI})


class Location(StrEnum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"
    BODY = "body"
    BEHAVIOUR = "behaviour"


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    kind: AttackKind
    score: float
    """0..1: how sure the detector is; the policy decides what a score means."""
    location: Location
    field: str | None = None
    """The query parameter, header, cookie or JSON path the value came from."""
    evidence: str = ""
    """What matched, truncated; never a secret or token."""
    detector: str = ""


class RequestSample(msgspec.Struct, frozen=True, kw_only=True):
    """The attacker-controlled parts of one request, already split into values."""

    method: str
    path: str
    query: list[tuple[str, str]] = msgspec.field(default_factory=list)
    headers: list[tuple[str, str]] = msgspec.field(default_factory=list)
    """Data-carrying headers only (User-Agent, Referer, ...); cookies go in ``cookies``."""
    cookies: list[tuple[str, str]] = msgspec.field(default_factory=list)
    body: list[tuple[str, str]] = msgspec.field(default_factory=list)
    """Each JSON or form value with its path (``items[0].name``), never the raw body text."""
    client_ip: str = ""


class Verdict(StrEnum):
    ALLOW = "allow"
    BLOCK_REQUEST = "block_request"
    BLOCK_IP = "block_ip"
    BLOCK_IDENTITY = "block_identity"
    """An authenticated caller's strikes block its user or client, not the address it shares."""


class ThreatEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One decision worth keeping: a refused request, a blocked IP, an anomaly."""

    id: str
    occurred_at: datetime
    ip: str
    verdict: Verdict
    severity: str
    kind: AttackKind
    score: float
    findings: list[Finding]
    method: str = ""
    path: str = ""
    correlation_id: str | None = None
    block_seconds: float | None = None
    subject: str | None = None
    """The authenticated caller (``user:<id>``, ``client:<client_id>``); None when anonymous."""


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    created_at: datetime
    ip: str
    severity: str
    kind: AttackKind
    summary: str
    evidence: list[str]
    """Truncated fragments; never a secret or token."""
