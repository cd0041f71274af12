"""Translation by a generative model reached through the LLM port, over the configured aliases.

The alias ``translate`` is used when it is configured, else ``default``. Only its routes to a
generative provider are tried, in order; the extractive engine is skipped, since quoting the
text back is no translation. An answer that still says ``engine: extractive`` (a remote LLM
service that fell back to it) is refused the same way.
"""

from typing import Final

from core.domain.llm.routing import AllProvidersFailed, ModelRouter, Route
from core.domain.vaani.languages import LANGUAGE_NAMES, LANGUAGES
from core.ports.llm import BadLlmRequest, ChatMessage, ChatRequest, LlmError
from core.ports.translation import ENABLING_SETTINGS, Translation, TranslationUnavailable, Translator
from core.ports.vaani import Capability

ALIASES: Final = ("translate", "default")
INSTRUCTION: Final = (
    "Translate the user's message from {source} to {target}. Answer with the translation only,"
    " keeping names, numbers and line breaks; add no notes."
)


class LlmTranslator(Translator):
    def __init__(self, router: ModelRouter, aliases: tuple[str, ...] = ALIASES) -> None:
        self._router = router
        self._aliases = aliases

    def _alias(self) -> str | None:
        return next((name for name in self._aliases if self._router.alias(name) is not None), None)

    def _generative_routes(self) -> tuple[str | None, list[Route]]:
        alias = self._alias()
        if alias is None:
            return None, []
        routes = self._router.chain(alias, "chat")
        return alias, [r for r in routes if self._router.provider(r.provider).engine == "generative"]

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        alias, routes = self._generative_routes()
        if not routes:
            raise TranslationUnavailable(_why(alias))
        request_messages = (
            ChatMessage(
                role="system",
                content=INSTRUCTION.format(source=LANGUAGE_NAMES[source], target=LANGUAGE_NAMES[target]),
            ),
            ChatMessage(role="user", content=text),
        )
        tried: list[str] = []
        last: LlmError | None = None
        for route in routes:
            provider = self._router.provider(route.provider)
            request = ChatRequest(model=route.model, messages=request_messages, temperature=0.0)
            try:
                answer = await provider.chat(request)
            except BadLlmRequest:
                raise
            except LlmError as error:
                tried.append(str(route))
                last = error
                continue
            if answer.engine != "generative" or not answer.content:
                tried.append(str(route))
                continue
            return Translation(text=answer.content.strip(), source=source, target=target, engine=str(route))
        if last is None:
            raise TranslationUnavailable(f"{', '.join(tried)} answered without generating")
        raise AllProvidersFailed(alias or "translate", tried, last)

    async def capabilities(self) -> list[Capability]:
        alias, routes = self._generative_routes()
        if not routes:
            return [
                Capability(
                    name="translation",
                    engine="none",
                    available=False,
                    detail=f"{_why(alias)}; {ENABLING_SETTINGS}",
                )
            ]
        engines = ", ".join(map(str, routes))
        return [Capability(name="translation", engine=engines, available=True, languages=LANGUAGES)]


def _why(alias: str | None) -> str:
    if alias is None:
        return f"no alias {' or '.join(ALIASES)} is configured"
    return f"alias {alias!r} routes to no generative provider (only the extractive engine)"
