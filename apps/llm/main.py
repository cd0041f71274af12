from functools import partial

from dishka import Provider
from litestar import Litestar

from adapters.http.llm.controllers import (
    ChatController,
    EmbeddingsController,
    ModelsController,
    UsageController,
)
from adapters.http.llm.delegation import DelegationProvider
from adapters.http.openai_errors import SERVICE_OPENAI_PATHS, OpenAIErrorPaths
from adapters.llm.ioc import LanguageModelsProvider
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.llm.ioc import LlmServiceProvider

SPEC = ServiceSpec(
    name="llm",
    title="BHIV LLM",
    description=(
        "OpenAI-compatible API over the configured providers (the embedded extractive engine by"
        " default), with fallbacks, a response cache, quotas, content safety and usage records."
    ),
    route_handlers=[ChatController, EmbeddingsController, ModelsController, UsageController],
    providers=[LanguageModelsProvider(), LlmServiceProvider(), DelegationProvider()],
    # OpenAI's clients parse OpenAI's error bodies: the one exception to problem+json.
    asgi_wrappers=[partial(OpenAIErrorPaths, prefixes=SERVICE_OPENAI_PATHS)],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
