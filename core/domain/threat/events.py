"""What the threat defence publishes (stream ``threat``): blocks and alerts, for the integrations
service to deliver."""

from core.domain.events import DomainEvent


class ThreatIpBlocked(DomainEvent, frozen=True, kw_only=True, tag="threat.ip_blocked"):
    ip: str
    kind: str
    """The attack kind that caused the block (``sqli``, ``scanning``, ``brute_force``, ...)."""
    block_seconds: float
    threat_event_id: str


class ThreatIdentityBlocked(DomainEvent, frozen=True, kw_only=True, tag="threat.identity_blocked"):
    subject: str
    """``user:<id>`` or ``client:<client_id>``."""
    ip: str
    kind: str
    block_seconds: float
    threat_event_id: str


class ThreatAlertRaised(DomainEvent, frozen=True, kw_only=True, tag="threat.alert_raised"):
    alert_id: str
    ip: str
    severity: str
    kind: str
    summary: str


ThreatDomainEvent = ThreatIpBlocked | ThreatIdentityBlocked | ThreatAlertRaised
