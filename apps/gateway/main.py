from dishka import Provider
from litestar import Litestar

from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings

SPEC = ServiceSpec(
    name="gateway",
    title="BHIV Gateway",
    description=(
        "The only door for REST clients: identity (OAuth2 tokens, JWKS), admin APIs, routing to the"
        " services, rate limits and threat inspection."
    ),
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
