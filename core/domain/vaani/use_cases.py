"""Vaani's use cases that are more than one port call."""

from collections.abc import Sequence

import msgspec

from core.domain.errors import RuleViolated
from core.domain.vaani.adaptation import RULES, Adaptation, Platform, Tone, adapt
from core.ports.vaani import CapabilityProbe, CapabilityReport, KeywordExtractor

MAX_ADAPTED_CHARS = 100_000


class AdaptTextCommand(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    platforms: tuple[Platform, ...] = tuple(RULES)
    tone: Tone = "neutral"
    language: str = "en"
    """Of the text, for keyword extraction."""


class AdaptText:
    """- Each platform gets posts within its limit, counted as the platform counts (code points;
      on twitter a link counts as 23).
    - Twitter gets a thread numbered k/n, split between sentences, else between words.
    - Hashtags come from the text's own keywords, most relevant first, as many as the platform
      takes (whatsapp none).
    - Everything left out, text or hashtag, is listed as cut; nothing is dropped silently.
    - A text over 100,000 characters is refused."""

    def __init__(self, keywords: KeywordExtractor) -> None:
        self._keywords = keywords

    async def execute(self, cmd: AdaptTextCommand) -> list[Adaptation]:
        if len(cmd.text) > MAX_ADAPTED_CHARS:
            raise RuleViolated(
                f"the text is {len(cmd.text)} characters; at most {MAX_ADAPTED_CHARS} are adapted"
            )
        most = max((RULES[p].max_hashtags for p in cmd.platforms), default=0)
        keywords = await self._keywords.keywords(cmd.text, language=cmd.language, limit=most)
        return [adapt(cmd.text, platform, cmd.tone, keywords) for platform in cmd.platforms]


class ReportCapabilities:
    """- Lists every capability of every engine, available or not.
    - A missing one names the Debian package or pip extra that provides it."""

    def __init__(self, probes: Sequence[CapabilityProbe]) -> None:
        self._probes = probes

    async def execute(self) -> CapabilityReport:
        found = [capability for probe in self._probes for capability in await probe.capabilities()]
        return CapabilityReport(tuple(found))
