"""What orchestration tells the others (decision 0021)."""

from core.domain.events import DomainEvent


class OrchestrationCrisisEscalated(
    DomainEvent, frozen=True, kw_only=True, tag="orchestration.crisis_escalated"
):
    """The crisis screen answered a message with the helplines: someone may need a person to
    follow up. It names the run, the caller and what matched, never the message."""

    run_id: str
    subject: str
    categories: list[str]
    """What the screen matched: ``suicidal_intent``, ``self_harm``, ``method``."""
    language: str | None = None
    """The language the message was in, as the caller said or the screen saw it."""


OrchestrationEvent = OrchestrationCrisisEscalated
