"""Alerts logged until the integrations service delivers them (Slack, email, webhooks); the
responder has stored each one, and published it as ``threat.alert_raised``, before."""

import logging

from core.domain.threat.model import Alert
from core.ports.threat import Notifier

log = logging.getLogger("bhiv.alerts")


class LoggedAlertNotifier(Notifier):
    async def notify(self, alert: Alert) -> None:
        log.warning(
            "threat alert: %s",
            alert.summary,
            extra={"alert": {"id": alert.id, "ip": alert.ip, "severity": alert.severity, "kind": alert.kind}},
        )
