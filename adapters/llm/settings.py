"""Settings of the HTTP LLM providers (env prefixes ``BHIV_OPENAI_`` and ``BHIV_OLLAMA_``)."""

import msgspec

OPENAI_ENV_PREFIX = "BHIV_OPENAI_"
OLLAMA_ENV_PREFIX = "BHIV_OLLAMA_"


class HttpProviderSettings(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind"):
    """What every HTTP provider needs; each provider's own class gives its defaults."""

    name: str
    """Recorded with every answer; tells two configured providers of one kind apart."""
    base_url: str
    api_key: str | None = None
    """Sent as ``Authorization: Bearer ...``; never logged, and cut out of the errors raised."""
    extra_headers: dict[str, str] = msgspec.field(default_factory=dict)
    """E.g. ``OpenAI-Organization`` or a proxy's own header."""
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 120.0
    """The longest silence between two bytes of an answer (a long answer may take longer)."""
    max_retries: int = 2
    """Further attempts after a 429, a 5xx or a failed connection; never after a streamed delta."""
    retry_base_seconds: float = 0.5
    """Full jitter: the n-th wait is uniform in [0, min(retry_max_seconds, base * 2**n))."""
    retry_max_seconds: float = 8.0
    retry_budget_seconds: float = 30.0
    """The most all the waits of one call may add up to, ``Retry-After`` included; a wait that
    would exceed it is not made and the last error is raised instead."""


class OpenAICompatibleSettings(HttpProviderSettings, frozen=True, kw_only=True, tag="openai"):
    name: str = "openai"
    base_url: str = "https://api.openai.com/v1"
    """Up to and including the version: ``https://api.groq.com/openai/v1``,
    ``http://127.0.0.1:8080/v1`` (llama.cpp, vLLM), ``http://127.0.0.1:11434/v1`` (Ollama)."""
    stream_usage: bool = True
    """Send ``stream_options.include_usage``; turn off for a server that refuses the option."""


class OllamaSettings(HttpProviderSettings, frozen=True, kw_only=True, tag="ollama"):
    name: str = "ollama"
    base_url: str = "http://127.0.0.1:11434"


ENV_PREFIX = "BHIV_LLM_"


class LlmProvidersSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``BHIV_LLM_PROVIDERS``: the providers the LLM service may route to, besides the embedded
    ones; JSON, e.g. ``[{"kind": "openai", "name": "groq", "base_url":
    "https://api.groq.com/openai/v1", "api_key": "..."}, {"kind": "ollama"}]``. Their names are
    what ``BHIV_LLM_ALIASES`` routes name (``groq/llama-3.1-8b-instant``)."""

    providers: list[OpenAICompatibleSettings | OllamaSettings] = msgspec.field(default_factory=list)
    local_engine: bool = True
    """The embedded extractive engine, as provider ``local`` (model ``extractive``)."""
    local_embedder: bool = True
    """The embedded multilingual embedder, as provider ``local-embedder``."""
    local_embedder_threads: int = 2
    """CPU threads of the local embedder (measured on 2 cores: 1 or 2 threads gave 58-61 texts/s,
    the library's own default 23)."""


CLIENT_ENV_PREFIX = "BHIV_LLM_CLIENT_"


class PlatformLlmClientSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``BHIV_LLM_CLIENT_*``: how another service (orchestration) reaches the platform's LLM
    service as a service client of its own (decision 0033). Unset ``base_url``: no client."""

    base_url: str | None = None
    """The LLM service's OpenAI-compatible API up to the version: ``http://llm:8004/v1`` in a
    cluster, ``https://gateway.example.com/api/llm/v1`` through the gateway."""
    token_url: str | None = None
    """The gateway's token endpoint (``.../auth/token``), for the client_credentials grant."""
    client_id: str | None = None
    client_secret: str | None = None
    """Never logged; sent to the token endpoint only."""
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 120.0
    """The longest silence between two bytes of an answer (a long answer may take longer)."""
    token_leeway_seconds: float = 60.0
    """A token is replaced this long before it expires, so none expires on the way."""
