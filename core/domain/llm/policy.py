"""``BHIV_LLM_*``: the LLM service's aliases, quotas, cache and circuit settings."""

import msgspec

from core.domain.llm.moderation import ModerationSettings
from core.domain.llm.routing import AliasConfig


def _embedded_aliases() -> dict[str, AliasConfig]:
    """What the embedded default answers with: the extractive engine and the local embedder."""
    return {
        "default": AliasConfig(routes=["local/extractive"]),
        "fast": AliasConfig(routes=["local/extractive"]),
        "embed": AliasConfig(routes=["local-embedder/multilingual-e5-small"], kind="embedding", cache="off"),
    }


class LlmPolicy(msgspec.Struct, frozen=True, kw_only=True):
    aliases: dict[str, AliasConfig] = msgspec.field(default_factory=_embedded_aliases)
    """``BHIV_LLM_ALIASES`` as JSON, e.g. ``{"default": {"routes": ["groq/llama-3.1-8b-instant",
    "local/extractive"]}}``; each route is a configured provider and its model."""
    user_requests_per_minute: int = 60
    user_tokens_per_day: int = 200_000
    key_requests_per_minute: int = 60
    """Per LLM API key, on top of its owner's own limits."""
    key_tokens_per_day: int = 100_000
    client_requests_per_minute: int = 600
    """Per delegating service client (an agent platform acting for many users)."""
    client_tokens_per_day: int = 2_000_000
    max_completion_tokens: int = 4096
    """The most a request may ask for; more is refused (422)."""
    cache_ttl_seconds: int = 3600
    circuit_failures: int = 3
    """Failures in a row that open a provider's circuit."""
    circuit_open_seconds: float = 30.0
    moderation: ModerationSettings = msgspec.field(default_factory=ModerationSettings)
