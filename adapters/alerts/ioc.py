"""dishka provider of the threat-alert notifier (stored and logged until integrations delivers)."""

from dishka import Provider, Scope, provide

from adapters.alerts.stored import StoredAlertNotifier
from core.ports.threat import Notifier


class AlertsProvider(Provider):
    scope = Scope.APP

    notifier = provide(StoredAlertNotifier, provides=Notifier)
