"""Translation between the languages Vaani serves, by a generative language model.

No translation model can be downloaded here, and the embedded extractive engine only quotes its
material, so a translator without a generative provider behind it says so (``Unavailable``);
it never returns the text unchanged or a quotation as a translation.
"""

from typing import Protocol

import msgspec

from core.ports.errors import Unavailable
from core.ports.vaani import CapabilityProbe

ENABLING_SETTINGS = (
    "set BHIV_LLM_PROVIDERS to a generative provider (OpenAI-compatible or Ollama) and route"
    " BHIV_LLM_ALIASES' translate alias (or default) to it"
)


class TranslationUnavailable(Unavailable):
    """No generative provider is configured to translate with; ``setting`` says how to add one."""

    code = "translation_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"translation is not available: {reason}; {ENABLING_SETTINGS}")
        self.setting = ENABLING_SETTINGS


class Translation(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    source: str
    target: str
    engine: str
    """The provider and model that translated (``groq/llama-3.1-8b-instant``)."""


class Translator(CapabilityProbe, Protocol):
    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        """``source`` and ``target`` are ISO 639-1 codes. Raises ``TranslationUnavailable``
        when no generative provider would answer."""
        ...
