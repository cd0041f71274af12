from dishka import Provider
from litestar import Litestar

from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings

SPEC = ServiceSpec(
    name="integrations",
    title="BHIV Integrations",
    description=(
        "Webhook subscriptions and deliveries, notifiers (Slack, email, webhook) and event consumers."
    ),
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
