"""What the agents' routes read and answer, checked by msgspec before any agent sees them."""

from datetime import datetime
from typing import Annotated, Any

import msgspec

from core.domain.agents.running import AgentAnswer
from core.domain.agents.sessions import Turn
from core.ports.agents import Source

MAX_TEXT = 8_000
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TEXT)]
AgentName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
SessionId = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-fA-F-]{8,64}$")]
LanguageCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$", description="ISO 639-1 code, e.g. hi")]


class QueryIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    agent: AgentName | None = None
    """Ask this agent; otherwise the router chooses."""
    session_id: SessionId | None = None
    """Continue this conversation; otherwise a new one starts."""
    language: LanguageCode | None = None
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    """Structured inputs (a ``file_id``...), checked against the input schema of the agent that
    answers."""
    stream: bool = False
    """Answer as server-sent events: ``delta`` (partial answers), then ``done`` (the answer)."""


class RunIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Text
    inputs: dict[str, Any] = msgspec.field(default_factory=dict)
    """Checked against the agent's input schema."""
    session_id: SessionId | None = None
    language: LanguageCode | None = None
    stream: bool = False
    """As for ``/v1/query``."""


class AnswerOut(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    agent: str
    answer: str
    sources: list[Source]
    engine: str
    confidence: float
    run_id: str
    session_id: str
    data: dict[str, Any] | None = None
    attachments: list[str] | None = None

    @classmethod
    def of(cls, answer: AgentAnswer) -> "AnswerOut":
        result = answer.result
        return cls(
            agent=answer.agent,
            answer=result.answer,
            sources=list(result.sources),
            engine=result.engine,
            confidence=result.confidence,
            run_id=answer.run_id,
            session_id=answer.session_id,
            data=result.data,
            attachments=list(result.attachments) or None,
        )


class AgentOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    title: str
    description: str
    version: str
    distribution: str
    permission: str
    examples: list[str]
    keywords: list[str]


class AgentsOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AgentOut]
    next_cursor: str | None = None
    """Always null: the catalog comes whole."""


class SessionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    created_at: datetime
    turns: list[Turn]
    expires_in: float | None
    """Seconds left before the session is forgotten (renewed by each turn)."""


class RunOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    subject: str
    agent: str
    started_at: datetime
    latency_ms: int
    status: str
    engine: str | None
    route: dict[str, Any]
    """How the agent was chosen (``by``: explicit, classifier, fallback, crisis), how sure, and why."""
    flagged: bool
    session_id: str | None
    error: str | None
