"""What happens once a verdict is reached: the record, the IP block and the alert."""

from core.domain.events import DomainEvent, publish
from core.domain.threat.events import ThreatAlertRaised, ThreatIdentityBlocked, ThreatIpBlocked
from core.domain.threat.model import Alert, Finding, RequestSample, ThreatEvent, Verdict
from core.domain.threat.policy import ThreatPolicy, severity_of, worst
from core.ports.blocklist import Blocklist
from core.ports.clock import Clock, IdGenerator
from core.ports.kv import KeyValueStore
from core.ports.threat import Notifier, ThreatUnitOfWork, ThreatUnitsOfWork


class ThreatResponder:
    """- Every refused request, every finding that would refuse a strict field, and every IP or
      identity block is stored as a threat event (with the caller, when authenticated); a block
      and an alert are published (`threat.ip_blocked`, `threat.identity_blocked`,
      `threat.alert_raised`) in the same transaction.
    - A block lasts longer with each earlier block of that IP or identity (``policy.block_seconds``).
    - Each block and each high-severity event raises an alert, at most one per IP (or identity)
      per ``policy.alert_window_seconds``; evidence is truncated and never carries a token."""

    def __init__(
        self,
        policy: ThreatPolicy,
        blocklist: Blocklist,
        kv: KeyValueStore,
        units: ThreatUnitsOfWork,
        notifier: Notifier,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._policy, self._blocklist, self._kv = policy, blocklist, kv
        self._units, self._notifier, self._clock, self._ids = units, notifier, clock, ids

    async def respond(
        self,
        verdict: Verdict,
        findings: list[Finding],
        *,
        ip: str,
        subject: str | None = None,
        sample: RequestSample | None = None,
        correlation_id: str | None = None,
    ) -> float | None:
        """Returns how long the IP (``BLOCK_IP``) or the ``subject`` (``BLOCK_IDENTITY``) is now
        blocked for; None when nothing is."""
        top = worst(findings)
        if top is None:
            return None
        blocked = {Verdict.BLOCK_IP: ip, Verdict.BLOCK_IDENTITY: subject}.get(verdict)
        block_seconds = await self._block(blocked, top.kind) if blocked else None
        severity = severity_of(verdict, findings)
        event = ThreatEvent(
            id=self._ids.new_id(),
            occurred_at=self._clock.now(),
            ip=ip,
            verdict=verdict,
            severity=severity,
            kind=top.kind,
            score=top.score,
            findings=findings[:20],
            method=sample.method if sample else "",
            path=sample.path[:300] if sample else "",
            correlation_id=correlation_id,
            block_seconds=block_seconds,
            subject=subject,
        )
        alert = await self._alert(event) if block_seconds is not None or severity == "high" else None
        async with self._units() as uow:
            await uow.records.add_event(event)
            if block_seconds is not None:
                self._announce(uow, _blocked(event, block_seconds), correlation_id)
            if alert is not None:
                await uow.records.add_alert(alert)
                self._announce(uow, _raised(alert), correlation_id)
            await uow.commit()
        if alert is not None:
            await self._notifier.notify(alert)  # never raises: an outage must not open the gate
        return block_seconds

    def _announce(self, uow: ThreatUnitOfWork, event: DomainEvent, correlation_id: str | None) -> None:
        publish(uow, event, self._ids.new_id(), self._clock.now(), correlation_id)

    async def _block(self, subject: str, reason: str) -> float:
        offences_key = f"threat:offences:{subject}"
        earlier = int((await self._kv.get(offences_key) or b"0").decode())
        seconds = self._policy.block_duration(earlier)
        await self._blocklist.block(subject, reason=f"automatic: {reason}", ttl_seconds=seconds)
        await self._kv.set(
            offences_key, str(earlier + 1).encode(), ttl_seconds=self._policy.offence_memory_seconds
        )
        return seconds

    async def _alert(self, event: ThreatEvent) -> Alert | None:
        """The alert this event raises; None when its IP (or identity) had one in the window."""
        who = event.subject or event.ip
        first_in_window = await self._kv.add(
            f"threat:alerted:{who}", b"1", ttl_seconds=self._policy.alert_window_seconds
        )
        if not first_in_window:
            return None
        if event.block_seconds is not None:
            blocked = event.subject if event.verdict is Verdict.BLOCK_IDENTITY else "address"
            action = f"{blocked} blocked for {event.block_seconds:g}s"
        else:
            action = "request refused" if event.verdict is Verdict.BLOCK_REQUEST else "recorded, let through"
        return Alert(
            id=self._ids.new_id(),
            created_at=event.occurred_at,
            ip=event.ip,
            severity=event.severity,
            kind=event.kind,
            summary=f"{event.kind} from {event.ip}{f' ({event.subject})' if event.subject else ''}: {action}",
            evidence=[finding.evidence[:120] for finding in event.findings[:5]],
        )


def _blocked(event: ThreatEvent, block_seconds: float) -> DomainEvent:
    if event.verdict is Verdict.BLOCK_IDENTITY and event.subject:
        return ThreatIdentityBlocked(
            subject=event.subject,
            ip=event.ip,
            kind=event.kind,
            block_seconds=block_seconds,
            threat_event_id=event.id,
        )
    return ThreatIpBlocked(
        ip=event.ip, kind=event.kind, block_seconds=block_seconds, threat_event_id=event.id
    )


def _raised(alert: Alert) -> ThreatAlertRaised:
    return ThreatAlertRaised(
        alert_id=alert.id, ip=alert.ip, severity=alert.severity, kind=alert.kind, summary=alert.summary
    )
