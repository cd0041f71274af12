"""The gateway's own use cases; the adapters they need come from the shared providers."""

from dishka import Provider, Scope, provide

from core.domain.audit.use_cases import SearchAudit, VerifyAudit


class GatewayProvider(Provider):
    scope = Scope.REQUEST

    search_audit = provide(SearchAudit)
    verify_audit = provide(VerifyAudit)
