from core.ports.health import HealthProbe
from core.ports.webhooks import SecretSealer, WebhooksUnitsOfWork


class SealKeyProbe(HealthProbe):
    """Ready only when the seal key opens what is stored (a wrong or lost key fails readiness,
    rather than every delivery)."""

    name = "seal_key"

    def __init__(self, units: WebhooksUnitsOfWork, sealer: SecretSealer) -> None:
        self._units, self._sealer = units, sealer

    async def check(self) -> None:
        async with self._units() as uow:
            stored = await uow.subscriptions.any_secrets()
        if stored is None:  # nothing sealed yet: without a key, creating a webhook answers 503
            return
        subscription_id, secrets = stored
        self._sealer.open(secrets.current, bound_to=subscription_id)
