"""Text recognition with the ``tesseract`` binary (its TSV output gives per-word confidence).

The binary is run directly through ``run_engine`` rather than through pytesseract: pytesseract
keeps the binary's path in a module global and blocks on temporary files, where this gets an
async subprocess with a deadline and the configured binary per adapter.
"""

import asyncio
import csv
import io
from collections.abc import Sequence
from typing import Final

from PIL import Image

from adapters.vaani.images import describe, open_image, png_bytes
from adapters.vaani.process import locate, run_engine
from adapters.vaani.settings import VaaniSettings
from core.ports.files import TooLarge
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    ImageInfo,
    RecognizedText,
    TextLine,
    TextRecognizer,
    UnsupportedLanguage,
)

ENGINE: Final = "tesseract"
TESSERACT_CODES: Final = {"en": "eng", "hi": "hin", "mr": "mar", "sa": "san"}
BINARY_PACKAGE: Final = "tesseract-ocr"
MAX_SIDE: Final = 32_767
"""tesseract refuses ("Image too large") an image wider or taller than this, whatever its area."""


def data_package(code: str) -> str:
    return f"tesseract-ocr-{code}"


def lines_from_tsv(tsv: str) -> tuple[TextLine, ...]:
    """Words grouped by tesseract's (block, paragraph, line), confidence averaged over words."""
    grouped: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text, confidence = (row.get("text") or "").strip(), float(row.get("conf") or -1)
        if row.get("level") == "5" and text and confidence >= 0:
            key = (row["block_num"], row["par_num"], row["line_num"])
            grouped.setdefault(key, []).append((text, confidence))
    return tuple(
        TextLine(" ".join(word for word, _ in words), round(sum(c for _, c in words) / len(words) / 100, 3))
        for words in grouped.values()
    )


class TesseractTextRecognizer(TextRecognizer):
    def __init__(self, settings: VaaniSettings) -> None:
        self._settings = settings

    async def describe(self, image: bytes) -> ImageInfo:
        opened = await asyncio.to_thread(self._open, image)
        return await asyncio.to_thread(describe, opened)

    async def recognize(self, image: bytes, languages: Sequence[str]) -> RecognizedText:
        codes = await self._codes(languages)
        opened = await asyncio.to_thread(self._open, image)
        if max(opened.size) > MAX_SIDE:
            raise TooLarge("image side", max(opened.size), MAX_SIDE, "pixels")
        info, png = await asyncio.to_thread(lambda: (describe(opened), png_bytes(opened)))
        tsv = await run_engine(
            [self._settings.tesseract_binary, "stdin", "stdout", "-l", "+".join(codes), "tsv"],
            png,
            time_limit=self._settings.engine_timeout_seconds,
            capability="ocr",
            package=BINARY_PACKAGE,
        )
        lines = lines_from_tsv(tsv.decode(errors="replace"))
        return RecognizedText(
            text="\n".join(line.text for line in lines),
            lines=lines,
            languages=tuple(languages),
            engine=ENGINE,
            image=info,
        )

    async def capabilities(self) -> list[Capability]:
        installed = await self._installed()
        if installed is None:
            return [
                Capability(
                    name="ocr", engine=ENGINE, available=False, package=BINARY_PACKAGE, package_kind="debian"
                )
            ]
        found = [
            Capability(
                name="ocr",
                engine=ENGINE,
                available=True,
                languages=tuple(lang for lang, code in TESSERACT_CODES.items() if code in installed),
            )
        ]
        for language in self._settings.ocr_languages:
            code = TESSERACT_CODES[language]
            if code not in installed:
                found.append(
                    Capability(
                        name=f"ocr:{language}",
                        engine=ENGINE,
                        available=False,
                        languages=(language,),
                        package=data_package(code),
                        package_kind="debian",
                    )
                )
        return found

    def _open(self, image: bytes) -> Image.Image:
        return open_image(
            image, max_bytes=self._settings.max_image_bytes, max_pixels=self._settings.max_image_pixels
        )

    async def _codes(self, languages: Sequence[str]) -> list[str]:
        supported = list(TESSERACT_CODES)
        unknown = [lang for lang in languages if lang not in TESSERACT_CODES]
        if unknown or not languages:
            raise UnsupportedLanguage(unknown[0] if unknown else "", supported)
        installed = await self._installed()
        if installed is None:
            raise CapabilityMissing("ocr", package=BINARY_PACKAGE)
        codes = [TESSERACT_CODES[lang] for lang in languages]
        for language, code in zip(languages, codes, strict=True):
            if code not in installed:
                raise CapabilityMissing(f"ocr:{language}", package=data_package(code))
        return codes

    async def _installed(self) -> set[str] | None:
        """The language data tesseract has here; None without the binary."""
        if locate(self._settings.tesseract_binary) is None:
            return None
        listing = await run_engine(
            [self._settings.tesseract_binary, "--list-langs"],
            b"",
            time_limit=self._settings.engine_timeout_seconds,
            capability="ocr",
            package=BINARY_PACKAGE,
        )
        return {line.strip() for line in listing.decode().splitlines()[1:] if line.strip()}
