import msgspec

from core.domain.webhooks.model import DEFAULT_SCHEDULE

ENV_PREFIX = "BHIV_WEBHOOK_"
SEAL_ENV_PREFIX = "BHIV_INTEGRATIONS_"


class WebhookSettings(msgspec.Struct, frozen=True):
    """``BHIV_WEBHOOK_*``: where outbound webhooks may go and how they are retried."""

    allow_cidrs: list[str] = msgspec.field(default_factory=list)
    """Ranges otherwise refused (loopback, private, link-local) that endpoints may resolve into,
    and over plain http; e.g. ``127.0.0.1/32`` for a receiver on this machine."""
    timeout_seconds: float = 10.0
    max_response_bytes: int = 65_536
    retry_schedule_seconds: list[float] = msgspec.field(default_factory=lambda: list(DEFAULT_SCHEDULE))
    """The wait before each attempt, the first included."""
    retry_jitter: float = 0.1
    disable_after_seconds: float = 432_000.0
    """A subscription whose endpoint has failed, without one success, for this long is disabled."""
    retention_days: float = 30.0
    """Delivered and dead-lettered messages, with their attempts, are deleted this long after."""
    poll_interval_seconds: float = 0.5
    lease_seconds: float = 60.0
    batch_size: int = 50


class IntegrationsSettings(msgspec.Struct, frozen=True):
    """``BHIV_INTEGRATIONS_*``: the key that seals webhook secrets at rest."""

    seal_key: str | None = None
    """base64url of 32 random bytes."""
    seal_key_file: str | None = None


CARRIER_ENV_PREFIX = "BHIV_CARRIER_"


class CarrierSettings(msgspec.Struct, frozen=True):
    """``BHIV_CARRIER_*``: who may post tracking updates to ``/v1/inbound/carriers/{carrier}``."""

    secrets: dict[str, str] = msgspec.field(default_factory=dict)
    """Each carrier's signing secret by name: ``dhl=whsec_...,ups=whsec_...`` or a JSON object."""
    secrets_file: str | None = None
    """A JSON object file of the same, merged over ``secrets`` (for a secrets manager's mount)."""
    tolerance_seconds: float = 300.0
    """How far a message's ``webhook-timestamp`` may be from now."""


SMTP_ENV_PREFIX = "BHIV_SMTP_"


class SmtpSettings(msgspec.Struct, frozen=True):
    """``BHIV_SMTP_*``: the mail server email channels and customer emails go through."""

    host: str | None = None
    """Unset: email notifications fail with "no SMTP server configured" (and are recorded so)."""
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    """Upgrade the connection with STARTTLS before authenticating (refused if the server cannot)."""
    ca_file: str | None = None
    """PEM certificates to trust for the server's (a private CA); unset: the system's."""
    sender: str = "BHIV Core <bhiv@localhost>"
    """The From header."""
    timeout_seconds: float = 10.0
