"""The gateway's own use cases and readiness probe; the adapters they need come from the shared
providers."""

from dishka import Provider, Scope, provide

from adapters.jose.health import SigningKeyProbe
from adapters.jose.keys import JoseSigningKeys
from core.domain.audit.use_cases import SearchAudit, VerifyAudit
from core.ports.health import HealthProbe


class GatewayProvider(Provider):
    scope = Scope.REQUEST

    search_audit = provide(SearchAudit)
    verify_audit = provide(VerifyAudit)

    @provide(scope=Scope.APP)
    def signing_key_probe(self, keys: JoseSigningKeys) -> HealthProbe:
        """Only the gateway signs, so only its readiness needs the signing key to open."""
        return SigningKeyProbe(keys)
