from dishka import Provider
from litestar import Litestar

from adapters.llm.ioc import PlatformLlmClientProvider
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.orchestration.ioc import OrchestrationProvider

SPEC = ServiceSpec(
    name="orchestration",
    title="BHIV Agent Orchestration",
    description="Agent catalog, routing, sessions, plans, agent runs, knowledge base, file store and Vaani.",
    providers=[PlatformLlmClientProvider(), OrchestrationProvider()],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
