"""What the orchestration service's agents are given; its adapters' providers come from them."""

from dishka import Provider, Scope, provide

from adapters.llm.settings import PlatformLlmClientSettings
from apps._shared.settings import PlatformSettings


class OrchestrationProvider(Provider):
    scope = Scope.APP

    @provide
    def llm_client_settings(self, settings: PlatformSettings) -> PlatformLlmClientSettings:
        return settings.llm_client
