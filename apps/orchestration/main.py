from dishka import Provider
from litestar import Litestar

from adapters.files.ioc import FileStoreProvider
from adapters.http.agents.controllers import AgentsController, RunsController, SessionsController
from adapters.http.knowledge.controllers import KnowledgeController
from adapters.http.vaani.files import FilesController
from adapters.http.vaani.speech import VaaniMediaController
from adapters.http.vaani.text import VaaniTextController
from adapters.llm.ioc import LanguageModelsProvider, PlatformLlmClientProvider
from adapters.vaani.ioc import VaaniProvider
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.orchestration.agents import AgentsProvider
from apps.orchestration.ioc import OrchestrationProvider
from apps.orchestration.knowledge import KnowledgeProvider

SPEC = ServiceSpec(
    name="orchestration",
    title="BHIV Agent Orchestration",
    description="Agent catalog, routing, sessions, plans, agent runs, knowledge base, file store and Vaani.",
    route_handlers=[
        VaaniMediaController,
        VaaniTextController,
        FilesController,
        AgentsController,
        SessionsController,
        RunsController,
        KnowledgeController,
    ],
    providers=[
        PlatformLlmClientProvider(),
        VaaniProvider(),
        FileStoreProvider(),
        LanguageModelsProvider(),
        OrchestrationProvider(),
        AgentsProvider(),
        KnowledgeProvider(),
    ],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
