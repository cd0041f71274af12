"""The LLM service's use cases and domain services; its providers come from adapters/llm."""

from dishka import Provider, Scope, provide, provide_all

from adapters.llm.settings import LlmProvidersSettings
from apps._shared.settings import PlatformSettings
from core.domain.llm.cache import ResponseCache
from core.domain.llm.calls import UsageBook
from core.domain.llm.moderation import RuleBasedModerator
from core.domain.llm.policy import LlmPolicy
from core.domain.llm.quotas import Quotas
from core.domain.llm.routing import CircuitBreakers, ModelRouter
from core.domain.llm.use_cases.chat import CompleteChat, StreamChat
from core.domain.llm.use_cases.embeddings import CreateEmbeddings, ListModels
from core.domain.llm.use_cases.usage import ListOwnUsage, SummariseUsage
from core.ports.clock import Clock
from core.ports.kv import KeyValueStore
from core.ports.llm import LlmProviders
from core.ports.moderation import Moderator


class LlmServiceProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        CompleteChat,
        StreamChat,
        CreateEmbeddings,
        ListModels,
        ListOwnUsage,
        SummariseUsage,
        UsageBook,
        Quotas,
    )

    @provide(scope=Scope.APP)
    def policy(self, settings: PlatformSettings) -> LlmPolicy:
        return settings.llm

    @provide(scope=Scope.APP)
    def providers_settings(self, settings: PlatformSettings) -> LlmProvidersSettings:
        return settings.llm_providers

    @provide(scope=Scope.APP)
    def breakers(self, clock: Clock, policy: LlmPolicy) -> CircuitBreakers:
        return CircuitBreakers(
            clock, threshold=policy.circuit_failures, open_seconds=policy.circuit_open_seconds
        )

    @provide(scope=Scope.APP)
    def router(self, providers: LlmProviders, policy: LlmPolicy, breakers: CircuitBreakers) -> ModelRouter:
        return ModelRouter(providers, policy.aliases, breakers)

    @provide(scope=Scope.APP)
    def cache(self, store: KeyValueStore, policy: LlmPolicy) -> ResponseCache:
        return ResponseCache(store, policy.cache_ttl_seconds)

    @provide(scope=Scope.APP)
    def moderator(self, policy: LlmPolicy) -> Moderator:
        return RuleBasedModerator(policy.moderation)
