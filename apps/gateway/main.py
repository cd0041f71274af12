from dishka import AsyncContainer, Provider
from litestar import Litestar

from adapters.alerts.ioc import AlertsProvider
from adapters.crypto.ioc import CryptoProvider
from adapters.http.audit.controller import AuditController
from adapters.http.identity.admin_clients import AdminClientsController
from adapters.http.identity.admin_keys import AdminKeysController
from adapters.http.identity.admin_users import AdminUsersController
from adapters.http.identity.llm_keys import AdminLlmKeysController, OwnLlmKeysController
from adapters.http.identity.oauth import OAuthController
from adapters.http.threat.admin import ThreatAdminController
from adapters.inspection.ioc import InspectionProvider
from adapters.peers.ioc import PeersProvider
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.erasures import follow_erasures
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.gateway.ioc import GatewayProvider
from apps.gateway.routing import with_routing
from apps.gateway.threat_loops import watch_failed_logins
from core.domain.identity.use_cases import DisableCustomerLogins
from core.ports.tokens import SigningKeys


async def ensure_signing_key(container: AsyncContainer) -> None:
    """The gateway signs tokens: it needs a current key (and the master key to seal it)."""
    await (await container.get(SigningKeys)).ensure_current()


SPEC = ServiceSpec(
    name="gateway",
    title="BHIV Gateway",
    description=(
        "The only door for REST clients: identity (OAuth2 tokens, JWKS), admin APIs, routing to the"
        " services, rate limits and threat inspection."
    ),
    route_handlers=[
        OAuthController,
        AdminUsersController,
        AdminClientsController,
        AdminKeysController,
        OwnLlmKeysController,
        AdminLlmKeysController,
        AuditController,
        ThreatAdminController,
    ],
    providers=[CryptoProvider(), InspectionProvider(), AlertsProvider(), PeersProvider(), GatewayProvider()],
    on_startup=[ensure_signing_key],
    background=[watch_failed_logins, follow_erasures("gateway-erasures", DisableCustomerLogins)],
    serves_own_audit=False,
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    settings = settings or load_platform_settings()
    return build_service_app(with_routing(SPEC, settings), settings, overrides)
