"""Embeddings and the model list."""

import msgspec

from core.domain.errors import RuleViolated
from core.domain.llm.calls import UsageBook
from core.domain.llm.quotas import Quotas
from core.domain.llm.routing import ModelRouter, Routed
from core.domain.llm.tokens import estimate_tokens
from core.domain.llm.usage import Caller
from core.ports.llm import EmbeddingRequest, Embeddings, LlmError, ModelInfo

MAX_INPUTS = 256
MAX_INPUT_CHARS = 32_000


class EmbeddingAnswer(msgspec.Struct, frozen=True, kw_only=True):
    embeddings: Embeddings
    routed: Routed


class CreateEmbeddings:
    """- `model` is an embedding alias (`embed`) or `provider/model`; fallbacks as for chat.
    - At most 256 inputs of at most 32000 characters each.
    - Charged to the same quotas as chat (the input tokens); every call leaves a usage record."""

    def __init__(self, router: ModelRouter, quotas: Quotas, book: UsageBook) -> None:
        self._router, self._quotas, self._book = router, quotas, book

    async def execute(self, request: EmbeddingRequest, caller: Caller) -> EmbeddingAnswer:
        started = self._book.started()
        try:
            answer = await self._embed(request, caller)
        except Exception as error:
            await self._book.failed(caller, request.model, started, error, streamed=False)
            raise
        await self._book.record(
            caller, request.model, started, routed=answer.routed, usage=answer.embeddings.usage
        )
        return answer

    async def _embed(self, request: EmbeddingRequest, caller: Caller) -> EmbeddingAnswer:
        if not 1 <= len(request.inputs) <= MAX_INPUTS:
            raise RuleViolated(f"input: between 1 and {MAX_INPUTS} texts")
        if any(len(text) > MAX_INPUT_CHARS for text in request.inputs):
            raise RuleViolated(f"input: each text at most {MAX_INPUT_CHARS} characters")
        await self._quotas.admit(caller)
        held = await self._quotas.reserve(caller, sum(estimate_tokens(text) for text in request.inputs))
        try:
            embeddings, routed = await self._router.call(
                request.model,
                "embedding",
                lambda provider, route: provider.embed(msgspec.structs.replace(request, model=route.model)),
            )
        except BaseException:
            await self._quotas.refund(held)
            raise
        await self._quotas.settle(held, embeddings.usage.total_tokens)
        return EmbeddingAnswer(embeddings=embeddings, routed=routed)


class ListModels:
    """- The configured aliases first (what clients should ask for), then each reachable
    provider's own models as `provider/model`. A provider that does not answer is left out."""

    def __init__(self, router: ModelRouter) -> None:
        self._router = router

    async def execute(self) -> list[ModelInfo]:
        models = [
            ModelInfo(id=name, kind=alias.kind, owned_by="bhiv")
            for name, alias in self._router.aliases.items()
        ]
        for provider_name in sorted(self._router.providers):
            try:
                listed = await self._router.provider(provider_name).models()
            except LlmError:
                continue
            models += [
                ModelInfo(id=f"{provider_name}/{model.id}", kind=model.kind, owned_by=model.owned_by)
                for model in listed
            ]
        return models
