"""Chat completions, whole or streamed, through the router, the quotas and the cache."""

from collections.abc import AsyncIterator

import msgspec

from core.domain.llm.cache import CachedAnswer, ResponseCache, cache_key, cacheable
from core.domain.llm.calls import UsageBook, completion_cap, for_provider, prompt_text, screen
from core.domain.llm.moderation import ContentRefused
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.quotas import Quotas
from core.domain.llm.routing import ModelRouter, Route, Routed
from core.domain.llm.streaming_moderation import HeldBackStream
from core.domain.llm.tokens import estimate_chat_tokens, estimate_tokens
from core.domain.llm.usage import Caller
from core.ports.budget import Reservation
from core.ports.llm import ChatCompletion, ChatDelta, ChatRequest, LlmProvider, StreamInterrupted, Usage
from core.ports.moderation import ModerationStage, Moderator


class ChatAnswer(msgspec.Struct, frozen=True, kw_only=True):
    completion: ChatCompletion
    routed: Routed
    cache_hit: bool


class _Deps:
    def __init__(
        self,
        router: ModelRouter,
        quotas: Quotas,
        cache: ResponseCache,
        moderator: Moderator,
        book: UsageBook,
        policy: LlmPolicy,
    ) -> None:
        self._router, self._quotas, self._cache = router, quotas, cache
        self._moderator, self._book, self._policy = moderator, book, policy

    def _prompt_estimate(self, request: ChatRequest) -> int:
        return estimate_chat_tokens(message.content for message in request.messages)


class CompleteChat(_Deps):
    """- `model` is an alias (`default`, `fast`, ...) or `provider/model`; an alias tries its
      providers in order when one is unavailable, timed out, rate limited or its circuit is open.
    - The prompt and the answer pass the content policy (refusals are recorded as security events).
    - Requests per minute and tokens per UTC day are charged to the user, the API key and the
      delegating client; the worst case is reserved first, so concurrent calls cannot overshoot
      (429 with `Retry-After`). A refused prompt counts as a request too.
    - A temperature-0 request without tools is answered from the cache when it was asked before
      (by the same caller, unless the alias is `shared`).
    - Every call leaves a usage record naming the provider that answered and those tried before."""

    async def execute(self, request: ChatRequest, caller: Caller) -> ChatAnswer:
        started = self._book.started()
        try:
            answer = await self._answer(request, caller)
        except Exception as error:
            await self._book.failed(caller, request.model, started, error, streamed=False)
            raise
        usage = answer.completion.usage
        await self._book.record(caller, request.model, started, routed=answer.routed, usage=usage,
                                cache_hit=answer.cache_hit)  # fmt: skip
        return answer

    async def _answer(self, request: ChatRequest, caller: Caller) -> ChatAnswer:
        cap = completion_cap(request, self._router, self._policy)
        await self._quotas.admit(caller)  # refused prompts count too: each is a record and an event
        await screen(self._moderator, prompt_text(request), caller, "input")
        alias = self._router.alias(request.model)
        scope = alias.cache if alias else "private"
        key = cache_key(request, scope, caller.subject) if cacheable(request, scope) else None
        if key is not None and (hit := await self._cache.get(key)) is not None:
            routed = Routed(Route(hit.provider, hit.provider_model), [])
            return ChatAnswer(completion=hit.completion, routed=routed, cache_hit=True)
        held = await self._quotas.reserve(caller, self._prompt_estimate(request) + cap)
        try:
            completion, routed = await self._router.call(
                request.model,
                "chat",
                lambda provider, route: provider.chat(for_provider(request, route.model, cap)),
            )
        except BaseException:
            await self._quotas.refund(held)
            raise
        await self._quotas.settle(held, completion.usage.total_tokens)
        await screen(self._moderator, completion.content or "", caller, "output")
        if key is not None:
            await self._cache.put(key, CachedAnswer(completion, routed.route.provider, routed.route.model))
        return ChatAnswer(completion=completion, routed=routed, cache_hit=False)


class StreamedChat(msgspec.Struct, frozen=True, kw_only=True):
    routed: Routed
    deltas: AsyncIterator[ChatDelta]
    """Checked by the content policy before they are released; the last one carries the finish
    reason and the usage, the same counts a whole answer to the same request would record."""


class StreamChat(_Deps):
    """- As a whole chat completion, but the answer streams as deltas (server-sent events).
    - The provider is chosen before the first delta: a provider that fails before it is replaced
      by the next of the alias; one that fails after it ends the stream with an error event.
    - The answer is held back to a sentence boundary or 200 characters, whichever comes first,
      and checked by the content policy before it is released; a refusal ends the stream.
    - The usage is what the provider reports at the end of the stream (estimated, and marked so,
      when it reports none); a stream the client leaves early is charged what it produced."""

    async def execute(self, request: ChatRequest, caller: Caller) -> StreamedChat:
        started = self._book.started()
        try:
            cap = completion_cap(request, self._router, self._policy)
            await self._quotas.admit(caller)
            await screen(self._moderator, prompt_text(request), caller, "input")
            held = await self._quotas.reserve(caller, self._prompt_estimate(request) + cap)
        except Exception as error:
            await self._book.failed(caller, request.model, started, error, streamed=True)
            raise

        async def opened(provider: LlmProvider, route: Route) -> tuple[AsyncIterator[ChatDelta], ChatDelta]:
            stream = aiter(provider.stream(for_provider(request, route.model, cap)))
            return stream, await anext(stream)  # a failure before the first delta tries the next route

        try:
            (stream, first), routed = await self._router.call(request.model, "chat", opened)
        except Exception as error:
            await self._quotas.refund(held)
            await self._book.failed(caller, request.model, started, error, streamed=True)
            raise
        guard = HeldBackStream(self._moderator, role=caller.role)
        return StreamedChat(
            routed=routed, deltas=self._relay(request, caller, started, routed, held, first, stream, guard)
        )

    async def _relay(
        self,
        request: ChatRequest,
        caller: Caller,
        started: float,
        routed: Routed,
        held: list[Reservation],
        first: ChatDelta,
        stream: AsyncIterator[ChatDelta],
        guard: HeldBackStream,
    ) -> AsyncIterator[ChatDelta]:
        produced: list[str] = []
        usage: Usage | None = None
        outcome = "ok"
        try:
            delta: ChatDelta | None = first
            while delta is not None:
                if delta.usage is not None:
                    usage = delta.usage
                produced.append(delta.content or "")
                released = await guard.push(delta.content or "")
                if delta.finish_reason is not None:
                    released += await guard.finish()
                    yield msgspec.structs.replace(delta, content=released or None, usage=usage)
                    break
                if released or delta.tool_calls:
                    yield msgspec.structs.replace(delta, content=released or None)
                delta = await anext(stream, None)
            else:
                outcome = StreamInterrupted.code
        except ContentRefused:
            outcome = ContentRefused.code
            raise
        except BaseException as error:  # cut by the provider, or the client went away
            outcome = getattr(error, "code", "client_closed")
            raise
        finally:
            if usage is None:  # never reported: the documented estimate of what was produced
                prompt = self._prompt_estimate(request)
                usage = Usage(
                    prompt_tokens=prompt, completion_tokens=estimate_tokens("".join(produced)), estimated=True
                )
            await self._quotas.settle(held, usage.total_tokens)
            refused: tuple[ModerationStage, list[str]] | None = None
            if guard.refusal is not None:
                refused = ("output", list(guard.refusal.categories))
            await self._book.record(caller, request.model, started, outcome=outcome, routed=routed,
                                    usage=usage, streamed=True, refused=refused)  # fmt: skip
