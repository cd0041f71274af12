"""Translation for the text agent: the language asked for (an option, or the words "translate
it into Hindi" / "हिंदी में अनुवाद" / "english me translate karo"), through the platform's
``Translator`` port (a generative model behind the LLM service's aliases). Without one the
answer says so and how to add one; a text is never passed off as its own translation."""

import re
from typing import Any

from core.domain.vaani.languages import LANGUAGE_NAMES
from core.ports.agents import AgentContext
from core.ports.translation import TranslationUnavailable, Translator

_NAMES = {name.casefold(): code for code, name in LANGUAGE_NAMES.items()}
_NAMES.update({"हिंदी": "hi", "हिन्दी": "hi", "अंग्रेज़ी": "en", "अंग्रेजी": "en", "मराठी": "mr", "angrezi": "en"})
_ASKED = re.compile(
    r"translat\w*(?:\s+\S+){0,4}?\s+(?:in)?to\s+(?P<en>\w+)"
    r"|(?P<hi>\S+)\s+(?:में|me|mein|mai)\s+(?:अनुवाद|translate|tarjuma|anuvad)"
    r"|(?:अनुवाद|translate)\s+(?:करो|kar\w*)?\s*(?:in)?\s*(?P<tail>\S+)\s+(?:में|me|mein)",
    re.IGNORECASE,
)


def asked_language(text: str) -> str | None:
    """The language code the words ask the text to be translated into, if they do."""
    found = _ASKED.search(text)
    if not found:
        return None
    name = next(group for group in found.groups() if group)
    return _NAMES.get(name.casefold().strip(".,:;!?"))


async def translated(text: str, source: str | None, target: str, context: AgentContext) -> dict[str, Any]:
    """``{"target", "text", "engine"}``, or ``{"target", "available": False, "reason"}``."""
    try:
        translator: Translator = context.port(Translator)
        done = await translator.translate(text, source=source or "en", target=target)
    except LookupError:
        return {"target": target, "available": False, "reason": "this platform offers no translator"}
    except TranslationUnavailable:  # its message names server settings: for operators, not callers
        return {
            "target": target,
            "available": False,
            "reason": "no generative model is configured to translate",
        }
    return {"target": target, "text": done.text, "engine": done.engine}
