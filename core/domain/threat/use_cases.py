"""Threat defence use cases: screening requests, watching behaviour, managing blocks."""

import msgspec

from core.domain.threat.baseline import RateBaseline
from core.domain.threat.budget import InspectionBudget
from core.domain.threat.fields import NO_CONTENT, ContentFields
from core.domain.threat.model import PAYLOAD_KINDS, AttackKind, Finding, Location, RequestSample, Verdict
from core.domain.threat.policy import Allowlist, ThreatPolicy, refuses, strikes, verdict_for
from core.domain.threat.response import ThreatResponder
from core.ports.blocklist import Blocklist
from core.ports.clock import Clock, Scheduler
from core.ports.inspection import PayloadInspector
from core.ports.rate_limit import RateLimit, RateLimiter


class Screening(msgspec.Struct, frozen=True, kw_only=True):
    verdict: Verdict
    findings: list[Finding]
    blocked_for: float | None = None
    """Seconds the IP or identity is blocked for (an existing block, or one this request caused)."""
    retry_after: float | None = None
    """Set when the client spent its inspection budget: come back after this many seconds."""


ALLOWED = Screening(verdict=Verdict.ALLOW, findings=[])


class ScreenRequest:
    """- A request from a blocked IP is refused at once, before anything else is read
      (``blocked``); a blocked identity's requests are refused once its token is verified.
    - Every attacker-controlled value is inspected; a confident payload finding refuses the
      request, by the rule of its field (``fields``): strict fields at ``block_request_score``,
      declared content fields only at ``content_block_score``, secret fields never.
    - ``strikes_to_block_ip`` refusals for strict fields within the strike window block the
      caller: its identity when it is authenticated (its office's address stays open), else its IP.
    - An IP sending far above its own usual rate (EWMA z-score) is blocked.
    - Inspection time is charged to the caller (identity, else IP); a caller over its budget
      gets ``retry_after`` instead of an inspection.
    - Allowlisted IPs are never blocked; their attacks are still refused and recorded."""

    def __init__(
        self,
        inspector: PayloadInspector,
        policy: ThreatPolicy,
        blocklist: Blocklist,
        limiter: RateLimiter,
        baseline: RateBaseline,
        responder: ThreatResponder,
        clock: Clock,
        scheduler: Scheduler,
    ) -> None:
        self._inspector, self._policy, self._blocklist = inspector, policy, blocklist
        self._limiter, self._baseline, self._responder, self._clock = limiter, baseline, responder, clock
        self._scheduler = scheduler
        self._allowlist = Allowlist(policy.allowlist)
        self._budget = InspectionBudget(policy.inspection_cpu_seconds_per_minute, clock)

    async def blocked(self, ip: str) -> Screening | None:
        """The IP's active block as a refusal; None when its requests may go on."""
        if not self._policy.enabled or ip in self._allowlist:
            return None
        return await self._block_of(ip, Verdict.BLOCK_IP)

    async def execute(
        self,
        sample: RequestSample,
        correlation_id: str | None = None,
        *,
        content: ContentFields = NO_CONTENT,
        identity: str | None = None,
    ) -> Screening:
        if not self._policy.enabled:
            return ALLOWED
        if identity is not None and (blocked := await self._block_of(identity, Verdict.BLOCK_IDENTITY)):
            return blocked
        ip, client = sample.client_ip, identity or sample.client_ip
        findings: list[Finding] = []
        if not await self._inspect(sample, findings, client):
            return Screening(
                verdict=Verdict.BLOCK_REQUEST, findings=[], retry_after=self._budget.retry_after(client)
            )
        self._observe_rate(ip, findings)
        verdict = verdict_for(findings, self._policy, content)
        allowlisted = ip in self._allowlist
        if allowlisted and verdict is Verdict.BLOCK_IP:
            refused = any(refuses(finding, self._policy, content) for finding in findings)
            verdict = Verdict.BLOCK_REQUEST if refused else Verdict.ALLOW
        elif (
            verdict is Verdict.BLOCK_REQUEST
            and not allowlisted
            and strikes(findings, self._policy, content)
            and await self._struck_out(client)
        ):
            verdict = Verdict.BLOCK_IDENTITY if identity else Verdict.BLOCK_IP
        if not self._notable(verdict, findings):
            return Screening(verdict=verdict, findings=findings)
        blocked_for = await self._responder.respond(
            verdict, findings, ip=ip, subject=identity, sample=sample, correlation_id=correlation_id
        )
        return Screening(verdict=verdict, findings=findings, blocked_for=blocked_for)

    async def _block_of(self, subject: str, verdict: Verdict) -> Screening | None:
        block = await self._blocklist.get(subject)
        if block is None:
            return None
        remaining = (block.expires_at - self._clock.now()).total_seconds()
        return Screening(verdict=verdict, findings=[], blocked_for=max(remaining, 1.0))

    async def _inspect(self, sample: RequestSample, findings: list[Finding], client: str) -> bool:
        """False when the client's inspection budget ran out (before or during the inspection).
        Each step is timed alone: the pauses between steps serve other requests, not this one."""
        if self._budget.remaining(client) <= 0:
            return False
        spent = 0.0
        steps = self._inspector.inspect_in_steps(sample, findings)
        while True:
            started = self._clock.monotonic()
            finished = next(steps, True) is True
            spent += self._clock.monotonic() - started
            if finished:
                break
            if spent >= self._budget.remaining(client):
                self._budget.spend(client, spent)
                return False
            await self._scheduler.pause()  # inspection is CPU work on the event loop: let others in
        self._budget.spend(client, spent)
        return True

    def _observe_rate(self, ip: str, findings: list[Finding]) -> None:
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

    def _notable(self, verdict: Verdict, findings: list[Finding]) -> bool:
        """Worth a record: anything refused or blocked, and a finding that would refuse a strict
        field wherever it was (content and secrets are let through, not ignored)."""
        bar = self._policy.block_request_score
        return verdict is not Verdict.ALLOW or any(
            finding.kind in PAYLOAD_KINDS and finding.score >= bar for finding in findings
        )

    async def _struck_out(self, client: str) -> bool:
        strikes = RateLimit(
            limit=max(1, self._policy.strikes_to_block_ip - 1),
            period_seconds=self._policy.strike_window_seconds,
        )
        decision = await self._limiter.hit(f"threat:strikes:{client}", strikes)
        if decision.allowed:
            return False
        await self._limiter.reset(f"threat:strikes:{client}")
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
