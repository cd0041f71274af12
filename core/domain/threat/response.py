"""What happens once a verdict is reached: the record, the IP block and the alert."""

from core.domain.threat.model import Alert, Finding, RequestSample, ThreatEvent, Verdict
from core.domain.threat.policy import ThreatPolicy, severity_of, worst
from core.ports.blocklist import Blocklist
from core.ports.clock import Clock, IdGenerator
from core.ports.kv import KeyValueStore
from core.ports.threat import Notifier, ThreatEventStore


class ThreatResponder:
    """- Every refused request, every finding that would refuse a strict field, and every IP or
      identity block is stored as a threat event (with the caller, when authenticated).
    - A block lasts longer with each earlier block of that IP or identity (``policy.block_seconds``).
    - Each block and each high-severity event raises an alert, at most one per IP (or identity)
      per ``policy.alert_window_seconds``; evidence is truncated and never carries a token."""

    def __init__(
        self,
        policy: ThreatPolicy,
        blocklist: Blocklist,
        kv: KeyValueStore,
        events: ThreatEventStore,
        notifier: Notifier,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._policy, self._blocklist, self._kv = policy, blocklist, kv
        self._events, self._notifier, self._clock, self._ids = events, notifier, clock, ids

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
        await self._events.add(event)
        if block_seconds is not None or severity == "high":
            await self._alert(event)
        return block_seconds

    async def _block(self, subject: str, reason: str) -> float:
        offences_key = f"threat:offences:{subject}"
        earlier = int((await self._kv.get(offences_key) or b"0").decode())
        seconds = self._policy.block_duration(earlier)
        await self._blocklist.block(subject, reason=f"automatic: {reason}", ttl_seconds=seconds)
        await self._kv.set(
            offences_key, str(earlier + 1).encode(), ttl_seconds=self._policy.offence_memory_seconds
        )
        return seconds

    async def _alert(self, event: ThreatEvent) -> None:
        who = event.subject or event.ip
        first_in_window = await self._kv.add(
            f"threat:alerted:{who}", b"1", ttl_seconds=self._policy.alert_window_seconds
        )
        if not first_in_window:
            return
        if event.block_seconds is not None:
            blocked = event.subject if event.verdict is Verdict.BLOCK_IDENTITY else "address"
            action = f"{blocked} blocked for {event.block_seconds:g}s"
        else:
            action = "request refused" if event.verdict is Verdict.BLOCK_REQUEST else "recorded, let through"
        alert = Alert(
            id=self._ids.new_id(),
            created_at=event.occurred_at,
            ip=event.ip,
            severity=event.severity,
            kind=event.kind,
            summary=f"{event.kind} from {event.ip}{f' ({event.subject})' if event.subject else ''}: {action}",
            evidence=[finding.evidence[:120] for finding in event.findings[:5]],
        )
        await self._notifier.notify(alert)  # never raises: an outage must not open the gate
