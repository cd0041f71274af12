"""What every LLM call shares: its cap, its usage record, and the refusal of unsafe text."""

import msgspec

from core.domain.errors import RuleViolated
from core.domain.events import publish
from core.domain.llm.events import LlmContentRefused
from core.domain.llm.moderation import ContentRefused
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.routing import AllProvidersFailed, ModelRouter, Routed
from core.domain.llm.usage import Caller, UsageRecord
from core.ports.clock import Clock, IdGenerator
from core.ports.llm import ChatRequest, Usage
from core.ports.llm_usage import LlmUnitOfWork
from core.ports.moderation import ModerationStage, Moderator

DEFAULT_CAP = 1024
NO_USAGE = Usage(prompt_tokens=0, completion_tokens=0)


def completion_cap(request: ChatRequest, router: ModelRouter, policy: LlmPolicy) -> int:
    """The completion tokens a call may use: what it asks for, else its alias's cap."""
    alias = router.alias(request.model)
    cap = (
        request.max_tokens if request.max_tokens is not None else (alias.max_tokens if alias else DEFAULT_CAP)
    )
    if not 1 <= cap <= policy.max_completion_tokens:
        raise RuleViolated(f"max_tokens: between 1 and {policy.max_completion_tokens}")
    return cap


def outcome_of(error: Exception) -> str:
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else "error"


def tried_of(error: Exception) -> list[str]:
    return list(error.tried) if isinstance(error, AllProvidersFailed) else []


class UsageBook:
    """Writes the usage record of each call (and, for a refusal, its security event) in one
    transaction of the LLM service's database."""

    def __init__(self, uow: LlmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    def started(self) -> float:
        return self._clock.monotonic()

    async def record(
        self,
        caller: Caller,
        model: str,
        started: float,
        *,
        outcome: str = "ok",
        routed: Routed | None = None,
        usage: Usage = NO_USAGE,
        cache_hit: bool = False,
        streamed: bool = False,
        refused: tuple[ModerationStage, list[str]] | None = None,
        tried: list[str] | None = None,
    ) -> None:
        now = self._clock.now()
        record = UsageRecord(
            id=self._ids.new_id(),
            occurred_at=now,
            subject=caller.subject,
            api_key_id=caller.api_key_id,
            client_id=caller.client_id,
            model=model,
            provider=routed.route.provider if routed else None,
            provider_model=routed.route.model if routed else None,
            tried=routed.tried if routed else (tried or []),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            estimated=usage.estimated,
            latency_ms=round((self._clock.monotonic() - started) * 1000),
            cache_hit=cache_hit,
            streamed=streamed,
            outcome=outcome,
        )
        async with self._uow as uow:
            await uow.usage.add(record)
            if refused is not None:
                stage, categories = refused
                event = LlmContentRefused(subject=caller.subject, role=caller.role, stage=stage,
                                          categories=categories, api_key_id=caller.api_key_id,
                                          client_id=caller.client_id)  # fmt: skip
                publish(uow, event, self._ids.new_id(), now)
            await uow.commit()

    async def failed(
        self, caller: Caller, model: str, started: float, error: Exception, *, streamed: bool
    ) -> None:
        """A call that got no answer: its record names the error the caller got."""
        if isinstance(error, ContentRefused):
            refused = (error.stage, list(error.verdict.categories))
            await self.record(caller, model, started, outcome=error.code, streamed=streamed, refused=refused)
        else:
            await self.record(
                caller, model, started, outcome=outcome_of(error), streamed=streamed, tried=tried_of(error)
            )


async def screen(moderator: Moderator, text: str, caller: Caller, stage: ModerationStage) -> None:
    verdict = await moderator.check(text, role=caller.role, stage=stage)
    if not verdict.allowed:
        raise ContentRefused(verdict, stage)


def prompt_text(request: ChatRequest) -> str:
    return "\n".join(message.content for message in request.messages if message.content)


def for_provider(request: ChatRequest, model: str, cap: int) -> ChatRequest:
    return msgspec.structs.replace(request, model=model, max_tokens=cap)
