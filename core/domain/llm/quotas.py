"""Requests per minute and tokens per UTC day, per user, per API key and per delegating client.

A call is admitted against every rate that applies to it, then reserves its worst case (prompt
estimate plus the completion cap) from every daily budget, all or none; it settles the real
usage afterwards, or refunds when no provider answered. Concurrent calls cannot overshoot.
"""

from core.domain.errors import TooManyRequests
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.usage import Caller
from core.ports.budget import Budget, BudgetExceeded, Reservation
from core.ports.rate_limit import RateLimit, RateLimiter


class Quotas:
    def __init__(self, limiter: RateLimiter, budget: Budget, policy: LlmPolicy) -> None:
        self._limiter, self._budget, self._policy = limiter, budget, policy

    def _limits(self, caller: Caller) -> list[tuple[str, int, int]]:
        """(key, requests per minute, tokens per day) for each party the call is charged to."""
        policy = self._policy
        limits = [(f"user:{caller.subject}", policy.user_requests_per_minute, policy.user_tokens_per_day)]
        if caller.api_key_id is not None:
            # A key's own limits may narrow the operator's per-key limits, never widen them.
            own = caller.key_limits
            key_rpm = min(
                policy.key_requests_per_minute,
                (own and own.requests_per_minute) or policy.key_requests_per_minute,
            )
            key_tpd = min(
                policy.key_tokens_per_day, (own and own.tokens_per_day) or policy.key_tokens_per_day
            )
            limits.append((f"key:{caller.api_key_id}", key_rpm, key_tpd))
        if caller.client_id is not None:
            limits.append(
                (
                    f"client:{caller.client_id}",
                    policy.client_requests_per_minute,
                    policy.client_tokens_per_day,
                )
            )
        return limits

    async def admit(self, caller: Caller) -> None:
        hits = [
            (f"llm:rpm:{key}", RateLimit(limit=rpm, period_seconds=60.0))
            for key, rpm, _ in self._limits(caller)
        ]
        refused = [d for d in await self._limiter.hit_many(hits) if not d.allowed]
        if refused:
            wait = max(decision.retry_after for decision in refused)
            raise TooManyRequests("too many LLM requests for now", retry_after=wait)

    async def reserve(self, caller: Caller, tokens: int) -> list[Reservation]:
        held: list[Reservation] = []
        try:
            for key, _, per_day in self._limits(caller):
                held.append(await self._budget.reserve(f"llm:tokens:{key}", tokens, per_day))
        except BudgetExceeded:
            await self.refund(held)
            raise
        return held

    async def settle(self, held: list[Reservation], tokens: int) -> None:
        for reservation in held:
            await self._budget.settle(reservation, tokens)

    async def refund(self, held: list[Reservation]) -> None:
        for reservation in held:
            await self._budget.refund(reservation)
