from core.ports.health import HealthProbe
from core.ports.notifications import NotificationsUnitsOfWork
from core.ports.webhooks import SecretSealer, WebhooksUnitsOfWork


class SealKeyProbe(HealthProbe):
    """Ready only when the seal key opens what is stored (a wrong or lost key fails readiness,
    rather than every delivery)."""

    name = "seal_key"

    def __init__(
        self, units: WebhooksUnitsOfWork, sealer: SecretSealer, channels: NotificationsUnitsOfWork
    ) -> None:
        self._units, self._sealer, self._channels = units, sealer, channels

    async def check(self) -> None:
        async with self._units() as uow:
            stored = await uow.subscriptions.any_secrets()
        if stored is not None:  # nothing sealed yet: without a key, creating a webhook answers 503
            subscription_id, secrets = stored
            self._sealer.open(secrets.current, bound_to=subscription_id)
        async with self._channels() as notifications:
            channels = await notifications.channels.all()
        if channels:  # the newest channel's config, sealed as webhook secrets are
            self._sealer.open(channels[-1].config, bound_to=channels[-1].id)
