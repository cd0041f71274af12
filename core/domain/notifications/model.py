"""Notifiers: channels (Slack, email, generic webhook), routing rules with grouping and
throttling per key as Alertmanager has them, and a record of every notification (decision 0041)."""

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from core.domain.errors import NotFound, RuleViolated
from core.domain.events import SECURITY_CONTEXTS

_PATTERN = re.compile(r"\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*\*?)")
_FIELD = re.compile(r"[a-z][a-z_]{0,63}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


class ChannelKind(StrEnum):
    SLACK = "slack"
    """An incoming-webhook URL; the message goes as ``{"text"}``."""
    EMAIL = "email"
    """Addresses, sent through the SMTP server of ``BHIV_SMTP_*``."""
    WEBHOOK = "webhook"
    """Any URL; the message goes as ``{"type", "severity", "text", "data"}``."""


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return (Severity.INFO, Severity.WARNING, Severity.CRITICAL).index(self)


_SEVERITY_OF_TYPE = {
    "threat.ip_blocked": Severity.CRITICAL,
    "threat.identity_blocked": Severity.CRITICAL,
    "orchestration.crisis_escalated": Severity.CRITICAL,
    "logistics.stock_low": Severity.WARNING,
    "crm.ticket_sla_breached": Severity.WARNING,
    "webhooks.subscription_disabled": Severity.WARNING,
    "webhooks.message_dead_lettered": Severity.WARNING,
}
_SEVERITY_WORDS = {"critical": Severity.CRITICAL, "high": Severity.CRITICAL, "medium": Severity.WARNING,
                   "warning": Severity.WARNING}  # fmt: skip


def severity_of(event_type: str, data: dict[str, Any]) -> Severity:
    """The event's own ``severity`` when it has one (threat alerts), else the type's."""
    word = data.get("severity")
    if isinstance(word, str):
        return _SEVERITY_WORDS.get(word.lower(), Severity.INFO)
    return _SEVERITY_OF_TYPE.get(event_type, Severity.INFO)


def matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


class ChannelNotFound(NotFound):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"channel {channel_id!r} not found", channel_id=channel_id)


class RuleNotFound(NotFound):
    def __init__(self, rule_id: str) -> None:
        super().__init__(f"rule {rule_id!r} not found", rule_id=rule_id)


class ChannelConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a channel needs to send, all of it sealed at rest and never answered."""

    url: str | None = None
    to: list[str] = msgspec.field(default_factory=list)

    def checked(self, kind: ChannelKind) -> "ChannelConfig":
        if kind is ChannelKind.EMAIL:
            if not 1 <= len(self.to) <= 20 or self.url is not None:
                raise RuleViolated('an email channel\'s config is {"to": [1 to 20 addresses]}')
            bad = [a for a in self.to if not _EMAIL.fullmatch(a)]
            if bad:
                raise RuleViolated("not email addresses", invalid=bad)
        elif not self.url or self.to or len(self.url) > 2000:
            raise RuleViolated(f'a {kind} channel\'s config is {{"url": ...}}')
        return self


class Channel(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: ChannelKind
    security: bool
    """Receives identity.* and threat.* events; created, seen and used by admins only."""
    config: bytes
    """The sealed ``ChannelConfig`` JSON."""
    created_by: str
    created_at: datetime

    def __post_init__(self) -> None:
        if not 1 <= len(self.name.strip()) <= 100:
            raise RuleViolated("name: 1 to 100 characters")


class Rule(msgspec.Struct, frozen=True, kw_only=True):
    """Events of these types at or above ``min_severity`` go to ``channel_ids``, once per group
    (the values of ``group_by`` in the event) per ``repeat_seconds``; the rest are counted."""

    id: str
    name: str
    events: tuple[str, ...]
    min_severity: Severity = Severity.INFO
    channel_ids: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    repeat_seconds: float = 3600.0
    created_by: str
    created_at: datetime

    def __post_init__(self) -> None:
        if not 1 <= len(self.name.strip()) <= 100:
            raise RuleViolated("name: 1 to 100 characters")
        if not 1 <= len(self.events) <= 50 or any(not _PATTERN.fullmatch(p) for p in self.events):
            raise RuleViolated(
                "events: 1 to 50 wire types or wildcards (`*`, `threat.*`, `logistics.stock_*`)"
            )
        if not 1 <= len(self.channel_ids) <= 10:
            raise RuleViolated("channel_ids: 1 to 10 channels")
        if len(self.group_by) > 5 or any(not _FIELD.fullmatch(f) for f in self.group_by):
            raise RuleViolated("group_by: at most 5 field names of the event (`ip`, `product_id`)")
        if not 0 <= self.repeat_seconds <= 7 * 86_400:
            raise RuleViolated("repeat_seconds: 0 to 604800")

    @property
    def security(self) -> bool:
        return any(p == "*" or p.split(".", 1)[0] in SECURITY_CONTEXTS for p in self.events)

    def wants(self, event_type: str, severity: Severity) -> bool:
        return severity.rank >= self.min_severity.rank and any(matches(p, event_type) for p in self.events)

    def group_of(self, data: dict[str, Any]) -> str:
        return "|".join(f"{name}={data.get(name, '')}" for name in self.group_by)


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Every attempt failed (or the channel is gone)."""


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    event_id: str
    event_type: str
    rule_id: str
    channel_id: str
    severity: Severity
    group_key: str
    subject: str
    text: str
    data: bytes
    """The event's JSON, for generic webhooks."""
    status: NotificationStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None


def render(event_type: str, severity: Severity, data: dict[str, Any]) -> tuple[str, str]:
    """A subject line and a short text: the type, then each plain field as ``name: value``."""
    subject = f"[{severity.upper()}] {event_type}"
    fields = [f"{k}: {v}" for k, v in data.items() if k != "type" and isinstance(v, str | int | float | bool)]
    return subject, "\n".join([subject, *fields])


class CustomerContact(msgspec.Struct, frozen=True, kw_only=True):
    """What integrations knows of a CRM customer, from CRM's events: where to write, and whether
    they asked not to be written to. Erased with the customer."""

    customer_id: str
    email: str | None = None
    opted_out: bool = False
    updated_at: datetime


CUSTOMER_CHANNEL = "customer:"
"""A notification to a customer names ``customer:<customer id>`` as its channel."""
CUSTOMER_RULE = "customer-emails"

_CUSTOMER_TEXTS = {
    "logistics.order_shipped": ("Your order has shipped", "Your order {order_id} is on its way."),
    "crm.ticket_replied": ("We replied to your ticket", "There is a new reply on your ticket {ticket_id}."),
}


def customer_email(event_type: str, data: dict[str, Any]) -> tuple[str, str] | None:
    """The subject and text a customer gets for this event, or None when they get nothing."""
    found = _CUSTOMER_TEXTS.get(event_type)
    if found is None:
        return None
    subject, text = found
    return subject, text.format_map({k: str(v) for k, v in data.items()})
