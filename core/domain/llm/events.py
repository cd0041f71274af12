"""What the LLM service tells the others (decision 0021)."""

from core.domain.events import DomainEvent


class LlmContentRefused(DomainEvent, frozen=True, kw_only=True, tag="llm.content_refused"):
    """A prompt or an answer was refused by the content policy: a security event. It names the
    caller and the categories, never the text."""

    subject: str
    role: str
    stage: str
    """``input`` (the prompt) or ``output`` (a model's answer)."""
    categories: list[str]
    api_key_id: str | None = None
    client_id: str | None = None


LlmEvent = LlmContentRefused
