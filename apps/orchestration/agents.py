"""Orchestration's agents: the catalog, the router, sessions, limits, and the context each run
gets, bound to the caller of the request.

The catalog comes from the plugin manager (``plugins.manager.load_catalog``, the ``bhiv.agents``
entry points) once it exists, and is empty until then; tests pass their own with a provider of
``AgentCatalog`` (``override=True``)."""

import importlib
import logging
from typing import Any, cast

from dishka import AsyncContainer, Provider, Scope, provide, provide_all
from litestar import Request

from adapters.agents.catalog import StaticAgentCatalog
from adapters.agents.context import NoLanguageModel, RequestAgentContexts
from adapters.agents.invoker import AsyncioAgentInvoker
from adapters.agents.settings import AgentsSettings
from adapters.llm.knowledge_embedder import query_embedder
from apps._shared.settings import PlatformSettings
from core.domain.agents.routing import AgentRouter
from core.domain.agents.running import AgentRunner, CrisisPolicy
from core.domain.agents.sessions import Sessions
from core.domain.agents.slots import RunSlots
from core.domain.agents.use_cases import (
    AnswerQuery,
    EndSession,
    GetRun,
    GetSession,
    ListAgents,
    ListRuns,
    RunAgent,
)
from core.domain.knowledge.use_cases import ReadableKnowledge, reader_for
from core.ports.agent_runs import AgentContexts, AgentInvoker
from core.ports.agents import AgentCatalog, Caller, KnowledgeSearch
from core.ports.clock import Clock, IdGenerator
from core.ports.files import FileStore
from core.ports.knowledge import KnowledgeUnitOfWork, TextEmbedder
from core.ports.kv import KeyValueStore
from core.ports.llm import DelegatedLlm, LlmProvider, LlmProviders
from core.ports.translation import Translator
from core.ports.vaani import (
    KeywordExtractor,
    LanguageDetector,
    SpeechRecognizer,
    SpeechSynthesizer,
    TextRecognizer,
    Transliterator,
)

log = logging.getLogger("bhiv.agents")
LOCAL_EMBEDDER = "local-embedder"


def plugin_catalog() -> AgentCatalog:
    """The agents the installed plugins register, or none while the plugin manager is absent."""
    try:
        manager = importlib.import_module("plugins.manager")
    except ModuleNotFoundError:
        log.warning("no plugin manager: orchestration starts with no agents")
        return StaticAgentCatalog()
    return cast(AgentCatalog, manager.load_catalog())


def bearer_of(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class AgentsProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(ListAgents, AnswerQuery, RunAgent, GetSession, EndSession, ListRuns, GetRun)
    runner = provide(AgentRunner)
    invoker = provide(AsyncioAgentInvoker, provides=AgentInvoker, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def settings(self, settings: PlatformSettings) -> AgentsSettings:
        return settings.agents

    @provide(scope=Scope.APP)
    def catalog(self) -> AgentCatalog:
        return plugin_catalog()

    @provide(scope=Scope.APP)
    def router(self, catalog: AgentCatalog, settings: AgentsSettings, providers: LlmProviders) -> AgentRouter:
        """Over the embedded embedder when the process has one (``bhiv up`` does); else by words."""
        embedder = query_embedder(providers.get(LOCAL_EMBEDDER))
        return AgentRouter(catalog.info(), embedder, settings.route_threshold)

    @provide(scope=Scope.APP)
    def crisis(self, settings: AgentsSettings) -> CrisisPolicy:
        return CrisisPolicy(helplines=settings.helplines)

    @provide(scope=Scope.APP)
    def sessions(
        self, store: KeyValueStore, clock: Clock, ids: IdGenerator, settings: AgentsSettings
    ) -> Sessions:
        return Sessions(
            store, clock, ids, ttl_seconds=settings.session_ttl_seconds, max_turns=settings.session_max_turns
        )

    @provide(scope=Scope.APP)
    def slots(self, store: KeyValueStore, settings: AgentsSettings, ids: IdGenerator) -> RunSlots:
        return RunSlots(store, settings.max_concurrent_runs, ids)

    @provide
    async def contexts(
        self,
        request: Request,  # type: ignore[type-arg]
        platform: PlatformSettings,
        container: AsyncContainer,
        providers: LlmProviders,
        files: FileStore,
        clock: Clock,
        speech: SpeechSynthesizer,
        ocr: TextRecognizer,
        transliterator: Transliterator,
        detector: LanguageDetector,
        keywords: KeywordExtractor,
        recognizer: SpeechRecognizer,
        knowledge: KnowledgeUnitOfWork,
        embedder: TextEmbedder,
        translator: Translator,
        crisis: CrisisPolicy,
    ) -> AgentContexts:
        ports: dict[type[Any], Any] = {
            Translator: translator,
            CrisisPolicy: crisis,
            SpeechSynthesizer: speech,
            TextRecognizer: ocr,
            Transliterator: transliterator,
            LanguageDetector: detector,
            KeywordExtractor: keywords,
            SpeechRecognizer: recognizer,
        }
        return RequestAgentContexts(
            llm=await agent_llm(request, platform, container, providers),
            files=files,
            clock=clock,
            ports=ports,
            knowledge=lambda caller: caller_knowledge(knowledge, embedder, caller),
        )


def caller_knowledge(uow: KnowledgeUnitOfWork, embedder: TextEmbedder, caller: Caller) -> KnowledgeSearch:
    """The knowledge base as the caller may read it: their documents, shared ones (all: an admin)."""
    return ReadableKnowledge(uow, embedder, reader_for(caller))


async def agent_llm(
    request: Request[Any, Any, Any],
    platform: PlatformSettings,
    container: AsyncContainer,
    providers: LlmProviders,
) -> LlmProvider:
    """The LLM service acting for the caller (``X-BHIV-On-Behalf-Of``: their quotas, their usage)
    when its client is configured (``bhiv up`` does; decision 0033), else the in-process engine."""
    token = bearer_of(request)
    if platform.llm_client.base_url and token is not None:
        delegated: DelegatedLlm = await container.get(DelegatedLlm)
        return delegated.acting_for(token)
    return providers.get("local") or next(iter(providers.values()), None) or NoLanguageModel()
