from dishka import Provider
from litestar import Litestar

from adapters.http.notifications.controllers import (
    ChannelsController,
    CustomerEmailsController,
    NotificationsController,
    RulesController,
)
from adapters.http.webhooks.inbound import InboundCarriersController
from adapters.http.webhooks.messages import WebhookMessagesController
from adapters.http.webhooks.subscriptions import WebhooksController
from adapters.webhooks.ioc import WebhooksProvider
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.integrations.deliveries import CONSUMERS, deliver_webhooks
from apps.integrations.ioc import IntegrationsProvider
from apps.integrations.notifications import ROUTERS, send_notifications

SPEC = ServiceSpec(
    name="integrations",
    title="BHIV Integrations",
    description=(
        "Webhook subscriptions and deliveries, notifiers (Slack, email, webhook) and event consumers."
    ),
    route_handlers=[
        WebhooksController,
        WebhookMessagesController,
        InboundCarriersController,
        ChannelsController,
        RulesController,
        NotificationsController,
        CustomerEmailsController,
    ],
    providers=[WebhooksProvider(), IntegrationsProvider()],
    background=[*CONSUMERS, deliver_webhooks, *ROUTERS, send_notifications],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
