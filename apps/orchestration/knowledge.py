"""Orchestration's knowledge base: its use cases, the embedder its vectors come from, and the
caller-bound search agents get.

The embedder is the embedded ``local-embedder`` when the container has it (one vector space for
the HTTP API, the agents and ``bhiv kb ingest``); else the LLM service's ``embed`` alias acting for
the caller when ``BHIV_LLM_CLIENT_*`` is configured; else none (search by words only)."""

from typing import Any

from dishka import AsyncContainer, Provider, Scope, provide, provide_all
from litestar import Request

from adapters.llm.knowledge_embedder import LlmTextEmbedder, NoTextEmbedder, knowledge_embedder
from apps._shared.settings import PlatformSettings
from apps.orchestration.agents import LOCAL_EMBEDDER, bearer_of
from core.domain.knowledge.use_cases import DeleteDocument, GetDocument, IngestDocument, SearchKnowledge
from core.ports.knowledge import TextEmbedder
from core.ports.llm import DelegatedLlm, LlmProviders


class KnowledgeProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(IngestDocument, GetDocument, DeleteDocument, SearchKnowledge)

    @provide
    async def embedder(
        self,
        request: Request,  # type: ignore[type-arg]
        platform: PlatformSettings,
        container: AsyncContainer,
        providers: LlmProviders,
    ) -> TextEmbedder:
        return await embedder_for(request, platform, container, providers)


async def embedder_for(
    request: Request[Any, Any, Any] | None,
    platform: PlatformSettings,
    container: AsyncContainer,
    providers: LlmProviders,
) -> TextEmbedder:
    local = knowledge_embedder(providers.get(LOCAL_EMBEDDER))
    if local.model is not None:
        return local
    token = None if request is None else bearer_of(request)
    if platform.llm_client.base_url and token is not None:
        delegated: DelegatedLlm = await container.get(DelegatedLlm)
        return LlmTextEmbedder(delegated.acting_for(token), model="embed", key="llm-service/embed")
    return NoTextEmbedder()
