"""Threat defence use cases: screening requests, watching behaviour, managing blocks."""

import asyncio

import msgspec

from core.domain.threat.baseline import RateBaseline
from core.domain.threat.detectors_api import PayloadInspector
from core.domain.threat.model import AttackKind, Finding, Location, RequestSample, Verdict
from core.domain.threat.policy import Allowlist, ThreatPolicy, verdict_for
from core.domain.threat.response import ThreatResponder
from core.ports.blocklist import Blocklist
from core.ports.clock import Clock
from core.ports.rate_limit import RateLimit, RateLimiter


class Screening(msgspec.Struct, frozen=True, kw_only=True):
    verdict: Verdict
    findings: list[Finding]
    blocked_for: float | None = None
    """Seconds the IP is blocked for (an existing block, or one this request caused)."""


ALLOWED = Screening(verdict=Verdict.ALLOW, findings=[])


class ScreenRequest:
    """- A request from a blocked IP is refused at once.
    - Every attacker-controlled value is inspected; a confident payload finding refuses the
      request, and ``strikes_to_block_ip`` refusals within the strike window block the IP.
    - An IP sending far above its own usual rate (EWMA z-score) is blocked.
    - Allowlisted IPs are never refused or blocked; what they send is still recorded."""

    def __init__(
        self,
        inspector: PayloadInspector,
        policy: ThreatPolicy,
        blocklist: Blocklist,
        limiter: RateLimiter,
        baseline: RateBaseline,
        responder: ThreatResponder,
        clock: Clock,
    ) -> None:
        self._inspector, self._policy, self._blocklist = inspector, policy, blocklist
        self._limiter, self._baseline, self._responder, self._clock = limiter, baseline, responder, clock
        self._allowlist = Allowlist(policy.allowlist)

    async def execute(self, sample: RequestSample, correlation_id: str | None = None) -> Screening:
        if not self._policy.enabled:
            return ALLOWED
        ip = sample.client_ip
        allowlisted = ip in self._allowlist
        if not allowlisted:
            block = await self._blocklist.get(ip)
            if block is not None:
                remaining = (block.expires_at - self._clock.now()).total_seconds()
                return Screening(verdict=Verdict.BLOCK_IP, findings=[], blocked_for=max(remaining, 1.0))
        findings: list[Finding] = []
        for _ in self._inspector.inspect_in_steps(sample, findings):
            # inspection is CPU work on the event loop: a large body lets other requests in
            await asyncio.sleep(0)
        z = self._baseline.observe(ip, self._clock.monotonic())
        if z is not None:
            findings.append(
                Finding(
                    kind=AttackKind.RATE_ANOMALY,
                    score=1.0,
                    location=Location.BEHAVIOUR,
                    evidence=f"rate z-score {z:.1f}",
                    detector="ewma",
                )
            )
        verdict = verdict_for(findings, self._policy)
        if verdict is Verdict.BLOCK_REQUEST and await self._struck_out(ip):
            verdict = Verdict.BLOCK_IP
        if allowlisted:
            verdict = Verdict.ALLOW
        if not findings or (verdict is Verdict.ALLOW and not allowlisted):
            return Screening(verdict=verdict, findings=findings)
        blocked_for = await self._responder.respond(
            verdict, findings, ip=ip, sample=sample, correlation_id=correlation_id
        )
        return Screening(verdict=verdict, findings=findings, blocked_for=blocked_for)

    async def _struck_out(self, ip: str) -> bool:
        strikes = RateLimit(
            limit=max(1, self._policy.strikes_to_block_ip - 1),
            period_seconds=self._policy.strike_window_seconds,
        )
        decision = await self._limiter.hit(f"threat:strikes:{ip}", strikes)
        if decision.allowed:
            return False
        await self._limiter.reset(f"threat:strikes:{ip}")
        return True


class ObserveBehaviour:
    """- Bursts of 401/403/404 answers to one IP (scanning), floods of invalid tokens, many
      failed logins for one account (brute force) or from one IP (credential stuffing) block
      the IP, for escalating durations like any other block.
    - Allowlisted IPs are never blocked."""

    def __init__(self, policy: ThreatPolicy, limiter: RateLimiter, responder: ThreatResponder) -> None:
        self._limiter, self._responder = limiter, responder
        self._allowlist = Allowlist(policy.allowlist)
        self._errors = RateLimit(limit=policy.error_responses_per_minute, period_seconds=60)
        self._tokens = RateLimit(limit=policy.invalid_tokens_per_minute, period_seconds=60)
        window = policy.login_window_seconds
        self._per_account = RateLimit(limit=policy.failed_logins_per_account, period_seconds=window)
        self._per_ip = RateLimit(limit=policy.failed_logins_per_ip, period_seconds=window)

    async def response(self, ip: str, status: int, *, invalid_token: bool) -> None:
        if invalid_token:
            await self._count(ip, f"threat:tokens:{ip}", self._tokens, AttackKind.TOKEN_FLOOD)
        if status in (401, 403, 404):
            await self._count(ip, f"threat:errors:{ip}", self._errors, AttackKind.SCANNING)

    async def failed_login(self, ip: str, account_digest: str) -> None:
        await self._count(ip, f"threat:logins:{account_digest}", self._per_account, AttackKind.BRUTE_FORCE)
        await self._count(ip, f"threat:logins-ip:{ip}", self._per_ip, AttackKind.CREDENTIAL_STUFFING)

    async def _count(self, ip: str, key: str, limit: RateLimit, kind: AttackKind) -> None:
        if not ip or ip in self._allowlist:
            return
        if (await self._limiter.hit(key, limit)).allowed:
            return
        await self._limiter.reset(key)
        evidence = f"more than {limit.limit} in {limit.period_seconds:g}s"
        finding = Finding(
            kind=kind, score=1.0, location=Location.BEHAVIOUR, evidence=evidence, detector="rate"
        )
        await self._responder.respond(Verdict.BLOCK_IP, [finding], ip=ip)
