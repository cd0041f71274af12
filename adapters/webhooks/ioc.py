"""dishka wiring of outbound webhooks: the endpoint policy, the guarded sender, the sealer and
the retry schedule, from the ``BHIV_WEBHOOK_*`` and ``BHIV_INTEGRATIONS_*`` sections."""

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
from dishka import Provider, Scope, provide

from adapters.webhooks.guard import EndpointPolicy, ResolvingEndpointGuard
from adapters.webhooks.health import SealKeyProbe
from adapters.webhooks.mail import SmtpMailer
from adapters.webhooks.sealing import AesGcmSecretSealer, MissingSealer, seal_key_of
from adapters.webhooks.sender import HttpxWebhookSender
from adapters.webhooks.settings import CarrierSettings, IntegrationsSettings, SmtpSettings, WebhookSettings
from core.domain.webhooks.inbound import CarrierKeys
from core.domain.webhooks.model import RetrySchedule
from core.ports.health import HealthProbe
from core.ports.notifications import Mailer, NotificationsUnitsOfWork
from core.ports.webhooks import EndpointGuard, SecretSealer, WebhookSender, WebhooksUnitsOfWork


class WebhooksProvider(Provider):
    scope = Scope.APP

    @provide
    def policy(self, settings: WebhookSettings) -> EndpointPolicy:
        return EndpointPolicy(settings.allow_cidrs)

    @provide
    def guard(self, policy: EndpointPolicy) -> EndpointGuard:
        return ResolvingEndpointGuard(policy)

    @provide
    async def sender(self, policy: EndpointPolicy, settings: WebhookSettings) -> AsyncIterator[WebhookSender]:
        sender = HttpxWebhookSender(
            policy, timeout_seconds=settings.timeout_seconds, max_response_bytes=settings.max_response_bytes
        )
        try:
            yield sender
        finally:
            await sender.aclose()

    @provide
    def sealer(self, settings: IntegrationsSettings) -> SecretSealer:
        key = seal_key_of(settings)
        return MissingSealer() if key is None else AesGcmSecretSealer(key)

    @provide
    def schedule(self, settings: WebhookSettings) -> RetrySchedule:
        return RetrySchedule(
            delays_seconds=tuple(settings.retry_schedule_seconds),
            jitter=settings.retry_jitter,
            disable_after_seconds=settings.disable_after_seconds,
        )

    @provide
    def seal_key_probe(
        self, units: WebhooksUnitsOfWork, sealer: SecretSealer, channels: NotificationsUnitsOfWork
    ) -> HealthProbe:
        return SealKeyProbe(units, sealer, channels)

    @provide
    def carrier_keys(self, settings: CarrierSettings) -> CarrierKeys:
        secrets = dict(settings.secrets)
        if settings.secrets_file:
            try:
                secrets |= msgspec.json.decode(Path(settings.secrets_file).read_bytes(), type=dict[str, str])
            except (OSError, msgspec.DecodeError) as error:
                raise RuntimeError(f"BHIV_CARRIER_SECRETS_FILE cannot be read: {error}") from None
        lowered = {name.lower(): secret.strip() for name, secret in secrets.items()}
        return CarrierKeys(secrets=lowered, tolerance_seconds=settings.tolerance_seconds)

    @provide
    def mailer(self, settings: SmtpSettings) -> Mailer:
        return SmtpMailer(settings)
