"""dishka provider of the threat-alert notifier (logged until integrations delivers)."""

from dishka import Provider, Scope, provide

from adapters.alerts.logged import LoggedAlertNotifier
from core.ports.threat import Notifier


class AlertsProvider(Provider):
    scope = Scope.APP

    notifier = provide(LoggedAlertNotifier, provides=Notifier)
