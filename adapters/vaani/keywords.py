"""Keywords with YAKE: statistical, single-document, no model to download."""

import asyncio
from typing import Final

import yake

from core.ports.vaani import KeywordExtractor

MAX_WORDS_PER_KEYWORD: Final = 2


class YakeKeywordExtractor(KeywordExtractor):
    async def keywords(self, text: str, *, language: str, limit: int) -> list[str]:
        if limit <= 0 or not text.strip():
            return []
        return await asyncio.to_thread(self._extract, text, language, limit)

    @staticmethod
    def _extract(text: str, language: str, limit: int) -> list[str]:
        # YAKE falls back to no stopword list for a language it has none for (Hindi, Marathi):
        # still useful, as repeated phrases score high anyway.
        extractor = yake.KeywordExtractor(lan=language, n=MAX_WORDS_PER_KEYWORD, top=limit)
        return [keyword for keyword, _ in extractor.extract_keywords(text)]
