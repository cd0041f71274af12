"""Two contexts every built-in agent is run with: the test kit's doubles alone, and the test kit
around the platform's real embedded engines (the extractive LLM, lingua, yake, indic-transliteration).
Tests may import adapters; agents may not."""

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from adapters.llm.extractive import ExtractiveEngine
from adapters.vaani.keywords import YakeKeywordExtractor
from adapters.vaani.language import LinguaLanguageDetector
from adapters.vaani.transliteration import IndicTransliterator
from apps.agents_route_cli import router_for
from core.domain.agents.routing import DEFAULT_THRESHOLD, AgentRouter
from core.ports.vaani import KeywordExtractor, LanguageDetector, Transliterator
from plugins.manager import load_catalog
from plugins.testing import FakeContext

MakeContext = Callable[..., FakeContext]


def real_ports() -> Mapping[type[Any], Any]:
    return {
        LanguageDetector: LinguaLanguageDetector(),
        KeywordExtractor: YakeKeywordExtractor(),
        Transliterator: IndicTransliterator(),
    }


@pytest.fixture(params=["fake", "embedded"])
def make_context(request: pytest.FixtureRequest) -> MakeContext:
    """``make_context(documents=..., files=...)``: a FakeContext, over the real engines when
    the parameter is ``embedded``."""

    def make(**kwargs: Any) -> FakeContext:
        if request.param == "embedded":
            kwargs.setdefault("llm", ExtractiveEngine())
            kwargs.setdefault("ports", real_ports())
        return FakeContext(**kwargs)

    return make


@pytest.fixture
def embedded_context() -> MakeContext:
    def make(**kwargs: Any) -> FakeContext:
        return FakeContext(llm=ExtractiveEngine(), ports=real_ports(), **kwargs)

    return make


@pytest.fixture(scope="session")
def built_in_router() -> tuple[AgentRouter, list[str]]:
    """The router over the installed agents and the embedded embedder, as ``bhiv agents route``
    builds it (the examples are embedded once, on the first route), and every agent's name."""
    catalog = load_catalog({})
    return router_for(catalog, DEFAULT_THRESHOLD), list(catalog.agents())
