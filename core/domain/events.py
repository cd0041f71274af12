"""Domain events: what a context tells the others, through the outbox (decision 0021).

Each is a frozen msgspec Struct tagged with its wire type ``<context>.<entity>_<past_verb>``
(``identity.login_failed``), its class name the PascalCase of that (``IdentityLoginFailed``), and
lives in ``core/domain/<context>/events.py`` beside the context's union of them. The stream is the
context. The payload is the Struct's JSON, ``type`` included; consumers decode the union.
"""

from datetime import datetime

import msgspec

from core.ports.events import Event
from core.ports.uow import UnitOfWork

SECURITY_CONTEXTS = frozenset({"identity", "threat", "orchestration", "llm"})
"""Contexts whose events only a holder of ``threats:manage`` may receive (webhooks, notification
rules; ``*`` includes them only for such a holder): sign-ins and threats, and events that name a
user in distress (``orchestration.crisis_escalated``) or refused for content (``llm.content_refused``)."""


class DomainEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Fields may be added (optional, with defaults); a breaking change is a new wire type."""


def wire_type(event: DomainEvent) -> str:
    return str(event.__struct_config__.tag)


def stream_of(event: DomainEvent) -> str:
    return wire_type(event).split(".", 1)[0]


def publish(
    uow: UnitOfWork, event: DomainEvent, event_id: str, at: datetime, correlation_id: str | None = None
) -> None:
    """Staged in ``uow``'s outbox: it reaches the bus after the commit, and only then."""
    envelope = Event(
        id=event_id,
        type=wire_type(event),
        payload=msgspec.json.encode(event),
        occurred_at=at,
        correlation_id=correlation_id,
    )
    uow.outbox.add(stream_of(event), envelope)
