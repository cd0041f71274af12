"""dishka provider of Vaani's engines (its ``VaaniSettings`` from the graph).

The engines are stateless apart from lingua's models, loaded on first use and kept for the app's
life, so everything is APP-scoped.
"""

from dishka import Provider, Scope, provide

from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.keywords import YakeKeywordExtractor
from adapters.vaani.language import LinguaLanguageDetector
from adapters.vaani.recognition import build_recognizer
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from adapters.vaani.tesseract import TesseractTextRecognizer
from adapters.vaani.transliteration import IndicTransliterator
from core.domain.vaani.use_cases import AdaptText, ReportCapabilities
from core.ports.vaani import (
    KeywordExtractor,
    LanguageDetector,
    SpeechRecognizer,
    SpeechSynthesizer,
    TextRecognizer,
    Transliterator,
)


class VaaniProvider(Provider):
    scope = Scope.APP

    keywords = provide(YakeKeywordExtractor, provides=KeywordExtractor)
    transliterator = provide(IndicTransliterator, provides=Transliterator)
    language_detector = provide(LinguaLanguageDetector, provides=LanguageDetector)
    adapt_text = provide(AdaptText)

    # Until a recogniser (the bhiv-core[speech] extra) is wired here, transcribing says it is missing.
    @provide
    def recognizer(self, settings: RecognitionSettings) -> SpeechRecognizer:
        # The first engine installed (the `speech` extra), else one that says which extra is missing.
        return build_recognizer(settings)

    @provide
    def speech(self, settings: VaaniSettings) -> SpeechSynthesizer:
        return EspeakSpeechSynthesizer(settings)

    @provide
    def text_recognizer(self, settings: VaaniSettings) -> TextRecognizer:
        return TesseractTextRecognizer(settings)

    @provide
    def capabilities(
        self,
        speech: SpeechSynthesizer,
        ocr: TextRecognizer,
        transliterator: Transliterator,
        detector: LanguageDetector,
        recognizer: SpeechRecognizer,
    ) -> ReportCapabilities:
        return ReportCapabilities([speech, ocr, transliterator, detector, recognizer])
