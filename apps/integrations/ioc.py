"""The integrations service's own wiring: its settings sections and the webhooks' use cases."""

from dishka import Provider, Scope, provide, provide_all

from adapters.webhooks.settings import CarrierSettings, IntegrationsSettings, SmtpSettings, WebhookSettings
from apps._shared.settings import PlatformSettings
from core.domain.notifications.routing import RouteEvent
from core.domain.notifications.use_cases import (
    CreateChannel,
    CreateRule,
    DeleteChannel,
    DeleteRule,
    GetEmailPreferences,
    ListChannels,
    ListNotifications,
    ListRules,
    SetEmailPreferences,
)
from core.domain.webhooks.delivery import AcceptEvent
from core.domain.webhooks.inbound import ReceiveCarrierUpdate
from core.domain.webhooks.messages import (
    ListDeliveries,
    ListMessages,
    ReplayMessage,
    ReplaySince,
    SendTestEvent,
)
from core.domain.webhooks.use_cases import (
    CreateSubscription,
    DeleteSubscription,
    GetSubscription,
    ListSubscriptions,
    RotateSecret,
    UpdateSubscription,
)


class IntegrationsProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        CreateSubscription,
        ListSubscriptions,
        GetSubscription,
        UpdateSubscription,
        DeleteSubscription,
        RotateSecret,
        ListDeliveries,
        ListMessages,
        ReplayMessage,
        ReplaySince,
        SendTestEvent,
        AcceptEvent,
        ReceiveCarrierUpdate,
        CreateChannel,
        ListChannels,
        DeleteChannel,
        CreateRule,
        ListRules,
        DeleteRule,
        ListNotifications,
        RouteEvent,
        GetEmailPreferences,
        SetEmailPreferences,
    )

    @provide(scope=Scope.APP)
    def webhook_settings(self, settings: PlatformSettings) -> WebhookSettings:
        return settings.webhooks

    @provide(scope=Scope.APP)
    def integrations_settings(self, settings: PlatformSettings) -> IntegrationsSettings:
        return settings.integrations

    @provide(scope=Scope.APP)
    def carrier_settings(self, settings: PlatformSettings) -> CarrierSettings:
        return settings.carriers

    @provide(scope=Scope.APP)
    def smtp_settings(self, settings: PlatformSettings) -> SmtpSettings:
        return settings.smtp
