"""The orchestration service's own wiring: Vaani's and the file store's settings and use cases,
and translation through the configured language models."""

from dishka import Provider, Scope, provide, provide_all

from adapters.files.settings import FileStoreSettings
from adapters.llm.settings import LlmProvidersSettings, PlatformLlmClientSettings
from adapters.vaani.llm_translation import LlmTranslator
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from apps._shared.settings import PlatformSettings
from core.domain.files.use_cases import DeleteFile, GetFile, UploadFile
from core.domain.llm.routing import CircuitBreakers, ModelRouter
from core.domain.vaani.speech import Speak, Transcribe
from core.domain.vaani.text import DetectLanguage, RecognizeText, Transliterate
from core.domain.vaani.translation import TranslateText
from core.domain.vaani.use_cases import ReportCapabilities
from core.ports.clock import Clock
from core.ports.llm import LlmProviders
from core.ports.translation import Translator
from core.ports.vaani import (
    LanguageDetector,
    SpeechRecognizer,
    SpeechSynthesizer,
    TextRecognizer,
    Transliterator,
)


class OrchestrationProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        Speak,
        Transcribe,
        RecognizeText,
        Transliterate,
        DetectLanguage,
        TranslateText,
        UploadFile,
        GetFile,
        DeleteFile,
    )

    @provide(scope=Scope.APP)
    def vaani_settings(self, settings: PlatformSettings) -> VaaniSettings:
        return settings.vaani

    @provide(scope=Scope.APP)
    def recognition_settings(self, settings: PlatformSettings) -> RecognitionSettings:
        return settings.recognition

    @provide(scope=Scope.APP)
    def file_settings(self, settings: PlatformSettings) -> FileStoreSettings:
        return settings.files

    @provide(scope=Scope.APP)
    def llm_client_settings(self, settings: PlatformSettings) -> PlatformLlmClientSettings:
        return settings.llm_client

    @provide(scope=Scope.APP)
    def providers_settings(self, settings: PlatformSettings) -> LlmProvidersSettings:
        return settings.llm_providers

    @provide(scope=Scope.APP)
    def translator(self, providers: LlmProviders, settings: PlatformSettings, clock: Clock) -> Translator:
        # Orchestration reaches the configured providers itself, over the LLM service's aliases;
        # the place to switch to the LLM service's own client (quotas, usage records) later.
        breakers = CircuitBreakers(
            clock, threshold=settings.llm.circuit_failures, open_seconds=settings.llm.circuit_open_seconds
        )
        return LlmTranslator(ModelRouter(providers, settings.llm.aliases, breakers))

    @provide(scope=Scope.APP, override=True)
    def capabilities(
        self,
        speech: SpeechSynthesizer,
        ocr: TextRecognizer,
        transliterator: Transliterator,
        detector: LanguageDetector,
        recognizer: SpeechRecognizer,
        translator: Translator,
    ) -> ReportCapabilities:
        return ReportCapabilities([speech, ocr, transliterator, detector, recognizer, translator])
