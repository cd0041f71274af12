"""Who a call is charged to, and the record every call leaves."""

from datetime import date, datetime

import msgspec

from core.domain.access import ApiKeyLimits, Principal


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    """Whom quotas and usage are charged to: the end user, also when a service client (an
    agent) calls on that user's behalf; the key or client it came through is recorded too."""

    subject: str
    role: str
    api_key_id: str | None = None
    client_id: str | None = None
    """The delegating service client, when one acts for the user."""
    key_limits: ApiKeyLimits | None = None

    @classmethod
    def of(cls, principal: Principal, *, delegated_by: Principal | None = None) -> "Caller":
        client = None if delegated_by is None else delegated_by.subject
        return cls(
            subject=principal.subject,
            role=str(principal.role),
            api_key_id=principal.api_key_id,
            client_id=client,
            key_limits=principal.api_key_limits,
        )


class UsageRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    occurred_at: datetime
    subject: str
    api_key_id: str | None
    client_id: str | None
    model: str
    """As asked: an alias or ``provider/model``."""
    provider: str | None
    provider_model: str | None
    tried: list[str]
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    latency_ms: int
    cache_hit: bool
    streamed: bool
    outcome: str
    """``ok``, or the error code the caller got."""


class UsageSummaryRow(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    subject: str
    model: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cache_hits: int
    failures: int
