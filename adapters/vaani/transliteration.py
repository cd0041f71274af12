"""Transliteration between Indic scripts and romanisations with ``indic-transliteration``."""

from typing import Final

from indic_transliteration import sanscript

from core.ports.vaani import Capability, Transliterator, UnknownScheme

ENGINE: Final = "indic-transliteration"


class IndicTransliterator(Transliterator):
    def schemes(self) -> tuple[str, ...]:
        """The library's own scheme names: ``devanagari``, ``iast``, ``itrans``, ``hk``, ``slp1``..."""
        return tuple(sorted(sanscript.SCHEMES))

    async def transliterate(self, text: str, *, source: str, target: str) -> str:
        valid = self.schemes()
        for scheme in (source, target):
            if scheme not in sanscript.SCHEMES:
                raise UnknownScheme(scheme, valid)
        return str(sanscript.transliterate(text, source, target))

    async def capabilities(self) -> list[Capability]:
        return [
            Capability(name="transliteration", engine=ENGINE, available=True, detail=" ".join(self.schemes()))
        ]
