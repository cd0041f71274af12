"""The gateway's threat defence wiring: detectors, policy, responder, stores, use cases."""

from dishka import Provider, Scope, provide, provide_all
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.alerts.stored import StoredAlertNotifier
from adapters.db.threat.stores import SqlAlertStore, SqlThreatEventStore
from adapters.inspection.detectors.inspector import Inspector
from apps._shared.settings import PlatformSettings
from core.domain.threat.admin import BlockIp, ListBlocks, RecentAlerts, SearchThreatEvents, UnblockIp
from core.domain.threat.baseline import RateBaseline, RateBaselineSettings
from core.domain.threat.policy import ThreatPolicy
from core.domain.threat.response import ThreatResponder
from core.domain.threat.use_cases import ObserveBehaviour, ScreenRequest
from core.ports.inspection import PayloadInspector
from core.ports.threat import AlertStore, Notifier, ThreatEventStore


class ThreatProvider(Provider):
    scope = Scope.APP

    @provide
    def policy(self, platform: PlatformSettings) -> ThreatPolicy:
        return platform.threat

    @provide
    def inspector(self) -> PayloadInspector:
        return Inspector()

    @provide
    def baseline(self, policy: ThreatPolicy) -> RateBaseline:
        return RateBaseline(
            RateBaselineSettings(
                z_threshold=policy.rate_z_threshold, min_requests_per_second=policy.rate_floor_per_second
            )
        )

    @provide
    def events(self, engine: AsyncEngine) -> ThreatEventStore:
        return SqlThreatEventStore(engine)

    @provide
    def alerts(self, engine: AsyncEngine) -> AlertStore:
        return SqlAlertStore(engine)

    @provide
    def notifier(self, alerts: AlertStore) -> Notifier:
        return StoredAlertNotifier(alerts)

    app_scoped = provide_all(
        ThreatResponder, ScreenRequest, ObserveBehaviour, SearchThreatEvents, ListBlocks, RecentAlerts
    )
    admin = provide_all(BlockIp, UnblockIp, scope=Scope.REQUEST)
