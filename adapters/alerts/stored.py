"""Alerts kept and logged until the integrations service delivers them (Slack, email, webhooks)."""

import logging

from core.domain.threat.model import Alert
from core.ports.errors import Unavailable
from core.ports.threat import AlertStore, Notifier

log = logging.getLogger("bhiv.alerts")


class StoredAlertNotifier(Notifier):
    def __init__(self, store: AlertStore) -> None:
        self._store = store

    async def notify(self, alert: Alert) -> None:
        try:
            await self._store.add(alert)
        except Unavailable as error:
            log.error("threat alert not stored (%s): %s", error, alert.summary)
            return
        log.warning(
            "threat alert: %s",
            alert.summary,
            extra={"alert": {"id": alert.id, "ip": alert.ip, "severity": alert.severity, "kind": alert.kind}},
        )
