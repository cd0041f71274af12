"""The whole configuration of a service process, gathered from each adapter's own settings."""

import os
from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from adapters.agents.settings import ENV_PREFIX as AGENTS_PREFIX
from adapters.agents.settings import AgentsSettings
from adapters.crypto.settings import ENV_PREFIX as PASSWORD_PREFIX
from adapters.crypto.settings import PasswordSettings
from adapters.db.settings import ENV_PREFIX as DATABASE_PREFIX
from adapters.db.settings import DatabaseSettings
from adapters.files.settings import ENV_PREFIX as FILES_PREFIX
from adapters.files.settings import FileStoreSettings
from adapters.http.gateway.settings import ENV_PREFIX as GATEWAY_PREFIX
from adapters.http.gateway.settings import GatewaySettings
from adapters.jose.settings import ENV_PREFIX as AUTH_PREFIX
from adapters.jose.settings import AuthSettings
from adapters.llm.settings import CLIENT_ENV_PREFIX as LLM_CLIENT_PREFIX
from adapters.llm.settings import ENV_PREFIX as LLM_PREFIX
from adapters.llm.settings import LlmProvidersSettings, PlatformLlmClientSettings
from adapters.redis.settings import ENV_PREFIX as REDIS_PREFIX
from adapters.redis.settings import RedisSettings
from adapters.vaani.recognition_settings import ENV_PREFIX as RECOGNITION_PREFIX
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import ENV_PREFIX as VAANI_PREFIX
from adapters.vaani.settings import VaaniSettings
from adapters.webhooks.settings import CARRIER_ENV_PREFIX as CARRIER_PREFIX
from adapters.webhooks.settings import ENV_PREFIX as WEBHOOK_PREFIX
from adapters.webhooks.settings import SEAL_ENV_PREFIX as INTEGRATIONS_PREFIX
from adapters.webhooks.settings import SMTP_ENV_PREFIX as SMTP_PREFIX
from adapters.webhooks.settings import CarrierSettings, IntegrationsSettings, SmtpSettings, WebhookSettings
from apps._shared.config import load_settings
from core.domain.identity.lockout import LoginPolicy
from core.domain.llm.policy import LlmPolicy
from core.domain.threat.policy import ThreatPolicy

SERVICE_NAMES = ("gateway", "logistics", "crm", "orchestration", "llm", "integrations")
DEFAULT_BASE_PORT = 8000


def service_ports(base_port: int) -> dict[str, int]:
    """Each service's port when the gateway listens on ``base_port``: the others on the next five."""
    return {name: base_port + offset for offset, name in enumerate(SERVICE_NAMES)}


SERVICE_PORTS = service_ports(DEFAULT_BASE_PORT)


def reachable_host(host: str) -> str:
    """How a local client reaches a server listening on ``host``, in a URL: a wildcard address
    is reached over loopback, and an IPv6 address is bracketed."""
    if host in ("", "0.0.0.0"):  # noqa: S104 - a comparison, not a bind
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def local_url(host: str, port: int) -> str:
    return f"http://{reachable_host(host)}:{port}"


class HttpSettings(msgspec.Struct, frozen=True):
    """``BHIV_HTTP_*``: how a service listens and what it accepts."""

    host: str = "127.0.0.1"
    port: int | None = None
    """None: the service's own port from SERVICE_PORTS."""
    max_body_bytes: int = 1_048_576
    access_log: bool = True
    graceful_timeout_seconds: float = 10.0


class ObservabilitySettings(msgspec.Struct, frozen=True):
    """``BHIV_*``: logs and traces."""

    log_level: str = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"
    """``text``: readable lines; ``json``: one object per line; ``auto``: text on a terminal."""
    otlp_endpoint: str | None = None
    """OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces; unset: no export."""
    environment: str = "development"


class OutboxSettings(msgspec.Struct, frozen=True):
    """``BHIV_OUTBOX_*``: the relay that moves committed outbox rows to the event bus."""

    relay_enabled: bool = True
    poll_interval_seconds: float = 0.5
    batch_size: int = 100
    lease_seconds: float = 30.0
    retention_hours: float = 24.0


class CrmSettings(msgspec.Struct, frozen=True):
    """``BHIV_CRM_*``: CRM's background work."""

    sla_check_interval_seconds: float = 30.0
    """How often the SLA watch flags tickets past their due time (decision 0026)."""


class AdminBootstrap(msgspec.Struct, frozen=True):
    """``BHIV_ADMIN_*``: the first admin, created when there is none; without these, ``bhiv up``
    generates a password and prints it once."""

    email: str | None = None
    password: str | None = None


class PlatformSettings(msgspec.Struct, frozen=True):
    database: DatabaseSettings = msgspec.field(default_factory=DatabaseSettings)
    redis: RedisSettings = msgspec.field(default_factory=RedisSettings)
    http: HttpSettings = msgspec.field(default_factory=HttpSettings)
    observability: ObservabilitySettings = msgspec.field(default_factory=ObservabilitySettings)
    outbox: OutboxSettings = msgspec.field(default_factory=OutboxSettings)
    auth: AuthSettings = msgspec.field(default_factory=AuthSettings)
    password: PasswordSettings = msgspec.field(default_factory=PasswordSettings)
    login: LoginPolicy = msgspec.field(default_factory=LoginPolicy)
    admin: AdminBootstrap = msgspec.field(default_factory=AdminBootstrap)
    gateway: GatewaySettings = msgspec.field(default_factory=GatewaySettings)
    threat: ThreatPolicy = msgspec.field(default_factory=ThreatPolicy)
    crm: CrmSettings = msgspec.field(default_factory=CrmSettings)
    llm: LlmPolicy = msgspec.field(default_factory=LlmPolicy)
    llm_providers: LlmProvidersSettings = msgspec.field(default_factory=LlmProvidersSettings)
    llm_client: PlatformLlmClientSettings = msgspec.field(default_factory=PlatformLlmClientSettings)
    vaani: VaaniSettings = msgspec.field(default_factory=VaaniSettings)
    recognition: RecognitionSettings = msgspec.field(default_factory=RecognitionSettings)
    files: FileStoreSettings = msgspec.field(default_factory=FileStoreSettings)
    agents: AgentsSettings = msgspec.field(default_factory=AgentsSettings)
    webhooks: WebhookSettings = msgspec.field(default_factory=WebhookSettings)
    integrations: IntegrationsSettings = msgspec.field(default_factory=IntegrationsSettings)
    carriers: CarrierSettings = msgspec.field(default_factory=CarrierSettings)
    smtp: SmtpSettings = msgspec.field(default_factory=SmtpSettings)


SECTIONS: dict[str, tuple[type[msgspec.Struct], str]] = {
    "database": (DatabaseSettings, DATABASE_PREFIX),
    "redis": (RedisSettings, REDIS_PREFIX),
    "http": (HttpSettings, "BHIV_HTTP_"),
    "observability": (ObservabilitySettings, "BHIV_"),
    "outbox": (OutboxSettings, "BHIV_OUTBOX_"),
    "auth": (AuthSettings, AUTH_PREFIX),
    "password": (PasswordSettings, PASSWORD_PREFIX),
    "login": (LoginPolicy, "BHIV_LOGIN_"),
    "admin": (AdminBootstrap, "BHIV_ADMIN_"),
    "threat": (ThreatPolicy, "BHIV_THREAT_"),
    "gateway": (GatewaySettings, GATEWAY_PREFIX),
    "crm": (CrmSettings, "BHIV_CRM_"),
    "llm": (LlmPolicy, LLM_PREFIX),
    "llm_providers": (LlmProvidersSettings, LLM_PREFIX),
    "llm_client": (PlatformLlmClientSettings, LLM_CLIENT_PREFIX),
    "vaani": (VaaniSettings, VAANI_PREFIX),
    "recognition": (RecognitionSettings, RECOGNITION_PREFIX),
    "files": (FileStoreSettings, FILES_PREFIX),
    "agents": (AgentsSettings, AGENTS_PREFIX),
    "webhooks": (WebhookSettings, WEBHOOK_PREFIX),
    "integrations": (IntegrationsSettings, INTEGRATIONS_PREFIX),
    "carriers": (CarrierSettings, CARRIER_PREFIX),
    "smtp": (SmtpSettings, SMTP_PREFIX),
}
"""Each section of PlatformSettings, its settings class and its environment prefix."""


def for_service(
    settings: PlatformSettings, service: str, environ: Mapping[str, str] | None = None
) -> PlatformSettings:
    """``settings`` as ``service`` sees them: ``BHIV_<SERVICE>_DATABASE_URL``, when set, is that
    service's own database (each service owns its tables and may live on its own database); the
    others keep ``BHIV_DATABASE_URL``. The audit CLI reads a chain from its service's database."""
    env = os.environ if environ is None else environ
    own = env.get(f"BHIV_{service.upper()}_DATABASE_URL")
    if not own:
        return settings
    return msgspec.structs.replace(settings, database=msgspec.structs.replace(settings.database, url=own))


def load_platform_settings(environ: Mapping[str, str] | None = None) -> PlatformSettings:
    """Raises ``ConfigError`` naming the first missing or malformed variable."""
    sections: dict[str, Any] = {
        name: load_settings(cls, prefix, environ) for name, (cls, prefix) in SECTIONS.items()
    }
    return PlatformSettings(**sections)
