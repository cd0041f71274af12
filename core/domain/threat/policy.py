"""Turning findings into a verdict, and how long an IP stays blocked."""

import ipaddress
from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache

import msgspec

from core.domain.threat.fields import NO_CONTENT, ContentFields, FieldRule, rule_for
from core.domain.threat.model import PAYLOAD_KINDS, AttackKind, Finding, Verdict

BEHAVIOUR_KINDS = frozenset(
    {
        AttackKind.BRUTE_FORCE,
        AttackKind.CREDENTIAL_STUFFING,
        AttackKind.RATE_ANOMALY,
        AttackKind.SCANNING,
        AttackKind.TOKEN_FLOOD,
    }
)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ThreatPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """``BHIV_THREAT_*``: what a score means, and how blocks escalate."""

    enabled: bool = True
    block_request_score: float = 0.5
    """A payload finding scoring this much refuses the request (strict fields)."""
    content_block_score: float | None = None
    """A finding in a declared content field scoring this much refuses the request; unset, content
    is never refused (a question quoting ``' OR 1=1 --`` scores 1.0), only recorded and alerted on."""
    strikes_to_block_ip: int = 3
    """Refused requests within ``strike_window_seconds`` that block the IP, or the identity when
    the caller is authenticated."""
    strike_window_seconds: float = 600.0
    block_seconds: list[float] = msgspec.field(default_factory=lambda: [300.0, 1800.0, 86_400.0])
    """The first, second, third (and every later) block of the same IP."""
    offence_memory_seconds: float = 7 * 86_400.0
    """How long earlier blocks count towards the next block's length."""
    allowlist: list[str] = msgspec.field(default_factory=list)
    """CIDRs never blocked (monitoring, office egress); their findings are still recorded."""
    alert_window_seconds: float = 600.0
    """At most one alert per IP in this window."""
    error_responses_per_minute: int = 60
    """401/403/404 answers to one IP beyond this are scanning."""
    invalid_tokens_per_minute: int = 20
    failed_logins_per_account: int = 10
    """Within ``login_window_seconds``: beyond this, brute force."""
    failed_logins_per_ip: int = 30
    """Within ``login_window_seconds``: beyond this, credential stuffing."""
    login_window_seconds: float = 600.0
    rate_z_threshold: float = 6.0
    """Requests per second this many standard deviations above an IP's own EWMA are anomalous."""
    rate_floor_per_second: float = 20.0
    """Below this rate nothing is anomalous."""
    anonymous_max_body_bytes: int = 65_536
    """Larger bodies from callers without a valid token are refused (413) before inspection."""
    inspection_cpu_seconds_per_minute: float = 6.0
    """Inspection time one client (identity, else IP) may cost a gateway process per minute (and
    at once, as a burst); beyond it, its requests get 429 until the budget refills."""

    def __post_init__(self) -> None:
        if not self.block_seconds or any(seconds <= 0 for seconds in self.block_seconds):
            raise ValueError("block_seconds needs at least one positive duration")
        for cidr in self.allowlist:
            ipaddress.ip_network(cidr, strict=False)

    def block_duration(self, earlier_blocks: int) -> float:
        return self.block_seconds[min(earlier_blocks, len(self.block_seconds) - 1)]


class Allowlist:
    def __init__(self, cidrs: Sequence[str]) -> None:
        self._networks = [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
        # Asked for every request; the same addresses come again and again.
        self._answers = lru_cache(maxsize=4096)(self._contains)

    def __contains__(self, ip: str) -> bool:
        return self._answers(ip) if self._networks else False

    def _contains(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in self._networks)


def worst(findings: Sequence[Finding]) -> Finding | None:
    return max(findings, key=lambda finding: finding.score, default=None)


def refuses(finding: Finding, policy: ThreatPolicy, content: ContentFields = NO_CONTENT) -> bool:
    """A payload finding that refuses its request, by the rule of its field (``fields``)."""
    if finding.kind not in PAYLOAD_KINDS | {AttackKind.SCANNER}:
        return False
    rule = rule_for(finding, content)
    if rule is FieldRule.SECRET:
        return False
    bar = policy.block_request_score if rule is FieldRule.STRICT else policy.content_block_score
    return bar is not None and finding.score >= bar


def strikes(findings: Sequence[Finding], policy: ThreatPolicy, content: ContentFields = NO_CONTENT) -> bool:
    """Only a refusal for a strict field counts towards a block: content and secrets never do."""
    return any(refuses(f, policy, content) and rule_for(f, content) is FieldRule.STRICT for f in findings)


def verdict_for(
    findings: Sequence[Finding], policy: ThreatPolicy, content: ContentFields = NO_CONTENT
) -> Verdict:
    """Behaviour that crossed its threshold blocks the IP; a confident payload refuses the request."""
    if any(finding.kind in BEHAVIOUR_KINDS for finding in findings):
        return Verdict.BLOCK_IP
    if any(refuses(finding, policy, content) for finding in findings):
        return Verdict.BLOCK_REQUEST
    return Verdict.ALLOW


def severity_of(verdict: Verdict, findings: Sequence[Finding]) -> Severity:
    top = worst(findings)
    if verdict is Verdict.BLOCK_IP or (top is not None and top.score >= 0.9):
        return Severity.HIGH
    if verdict is Verdict.BLOCK_REQUEST:
        return Severity.MEDIUM
    return Severity.LOW
