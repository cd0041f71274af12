"""The gateway's use cases and domain services; the adapters they need come from the adapter
packages' own providers (the wiring rule, decision 0024)."""

from functools import partial

from dishka import Provider, Scope, provide, provide_all

from adapters.jose.health import SigningKeyProbe
from adapters.jose.keys import JoseSigningKeys
from adapters.peers.ioc import CrmToken, CrmUpstreams
from apps._shared.settings import SERVICE_PORTS, PlatformSettings
from apps.gateway.config import service_routes
from core.domain.access import Permission, Role
from core.domain.identity import use_cases as uc
from core.domain.identity.internal import InternalTokens
from core.domain.identity.llm_key_cache import LlmKeyCache
from core.domain.identity.llm_key_exchange import ExchangeLlmApiKey, LlmKeyTokens
from core.domain.identity.lockout import LoginPolicy, LoginThrottle
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.use_cases.grants import ClientCredentialsGrant, PasswordGrant, RefreshGrant
from core.domain.identity.use_cases.keys import RotateSigningKey
from core.domain.identity.use_cases.token_lifecycle import IntrospectToken, RevokeToken
from core.domain.threat.admin import BlockIp, ListBlocks, RecentAlerts, SearchThreatEvents, UnblockIp
from core.domain.threat.baseline import RateBaseline, RateBaselineSettings
from core.domain.threat.policy import ThreatPolicy
from core.domain.threat.response import ThreatResponder
from core.domain.threat.use_cases import ObserveBehaviour, ScreenRequest
from core.ports.clock import Clock
from core.ports.health import HealthProbe
from core.ports.kv import KeyValueStore
from core.ports.password_hasher import PasswordHasher
from core.ports.rate_limit import RateLimiter


class GatewayProvider(Provider):
    scope = Scope.REQUEST

    identity = provide_all(
        uc.CreateUser,
        uc.ListUsers,
        uc.GetUser,
        uc.ChangeUserRole,
        uc.DisableUser,
        uc.DisableCustomerLogins,
        uc.ResetPassword,
        uc.ChangeOwnPassword,
        uc.SignOutEverywhere,
        uc.UnlockUser,
        uc.CreateServiceClient,
        uc.ListServiceClients,
        uc.DisableServiceClient,
        uc.EnsureServiceClient,
        uc.AuthenticateUser,
        uc.AuthenticateClient,
        uc.EnsureFirstAdmin,
        PasswordGrant,
        ClientCredentialsGrant,
        RefreshGrant,
        RevokeToken,
        IntrospectToken,
        RotateSigningKey,
        uc.CreateLlmApiKey,
        uc.ListOwnLlmApiKeys,
        uc.ListLlmApiKeys,
        uc.RevokeLlmApiKey,
        ExchangeLlmApiKey,
    )
    threat_admin = provide_all(BlockIp, UnblockIp)
    threat = provide_all(
        ThreatResponder,
        ScreenRequest,
        ObserveBehaviour,
        SearchThreatEvents,
        ListBlocks,
        RecentAlerts,
        scope=Scope.APP,
    )

    @provide(scope=Scope.APP)
    def decoy(self, hasher: PasswordHasher) -> uc.DecoyHash:
        return uc.DecoyHash(hasher)

    @provide(scope=Scope.APP)
    def throttle(self, limiter: RateLimiter, kv: KeyValueStore, policy: LoginPolicy) -> LoginThrottle:
        return LoginThrottle(limiter, kv, policy)

    @provide(scope=Scope.APP)
    def baseline(self, policy: ThreatPolicy) -> RateBaseline:
        settings = RateBaselineSettings(
            z_threshold=policy.rate_z_threshold, min_requests_per_second=policy.rate_floor_per_second
        )
        return RateBaseline(settings)

    @provide(scope=Scope.APP)
    def internal_tokens(self, issuer: TokenIssuer, clock: Clock) -> InternalTokens:
        return InternalTokens(issuer, clock)

    @provide(scope=Scope.APP)
    def llm_key_cache(self, kv: KeyValueStore) -> LlmKeyCache:
        return LlmKeyCache(kv)

    @provide(scope=Scope.APP)
    def llm_key_tokens(self, issuer: TokenIssuer, clock: Clock) -> LlmKeyTokens:
        return LlmKeyTokens(issuer, clock)

    @provide(scope=Scope.APP)
    def crm_token(self, tokens: InternalTokens) -> CrmToken:
        """Identity asks CRM whether a customer exists: read access to CRM, nothing more."""
        return CrmToken(partial(tokens.token, Permission.CRM_READ, Role.SUPPORT))

    @provide(scope=Scope.APP)
    def crm_upstreams(self, settings: PlatformSettings) -> CrmUpstreams:
        route = service_routes(settings.gateway, SERVICE_PORTS)["crm"]
        return CrmUpstreams(tuple(upstream.url for upstream in route.upstreams))

    @provide(scope=Scope.APP)
    def signing_key_probe(self, keys: JoseSigningKeys) -> HealthProbe:
        """Only the gateway signs, so only its readiness needs the signing key to open."""
        return SigningKeyProbe(keys)
