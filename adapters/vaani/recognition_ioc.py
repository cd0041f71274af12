"""dishka provider of Vaani's speech recogniser (its ``RecognitionSettings`` from the graph).

APP-scoped: a whisper model, once loaded on first use, is kept for the app's life."""

from dishka import Provider, Scope, provide

from adapters.vaani.recognition import build_recognizer
from adapters.vaani.recognition_settings import RecognitionSettings
from core.ports.vaani import SpeechRecognizer


class RecognitionProvider(Provider):
    scope = Scope.APP

    @provide
    def recognizer(self, settings: RecognitionSettings) -> SpeechRecognizer:
        return build_recognizer(settings)
