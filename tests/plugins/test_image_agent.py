"""The Image agent tells what an image of the caller's is (format, size, mode, dominant colours)
and the text in it, read through the TextRecognizer port; it names a missing capability instead
of failing, refuses files that are not images, and invents no description of the picture."""

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from adapters.vaani.settings import VaaniSettings
from adapters.vaani.tesseract import TesseractTextRecognizer
from core.domain.errors import RuleViolated
from core.ports.agents import AgentTask
from core.ports.files import FileNotFound
from core.ports.vaani import (
    Capability,
    CapabilityMissing,
    ImageInfo,
    RecognizedText,
    TextLine,
    TextRecognizer,
    UnreadableImage,
)
from plugins.agents.image import ImageAgent
from plugins.inputs import InvalidAgentInput
from plugins.testing import FakeContext, MemoryFileStore
from tests.contracts.vaani_kit import (
    DEVANAGARI_FONT,
    LATIN_FONT,
    needs_binary,
    needs_font,
    needs_tesseract_data,
)

with_tesseract = needs_binary("tesseract", "tesseract-ocr")

INFO = ImageInfo(
    format="PNG",
    width=200,
    height=100,
    mode="RGB",
    exif={},
    dominant_colours=("#ffffff", "#000000"),
)


class FakeRecognizer(TextRecognizer):
    """Reads ``text`` from any image; ``missing`` makes recognize raise CapabilityMissing."""

    def __init__(self, text: str = "Invoice 42", missing: CapabilityMissing | None = None) -> None:
        self.text, self.missing = text, missing
        self.asked: list[list[str]] = []
        self.described = 0

    async def capabilities(self) -> list[Capability]:
        return [Capability(name="ocr", engine="fake", available=True)]

    async def describe(self, image: bytes) -> ImageInfo:
        self.described += 1
        return INFO

    async def recognize(self, image: bytes, languages: Sequence[str]) -> RecognizedText:
        self.asked.append(list(languages))
        if self.missing is not None:
            raise self.missing
        lines = tuple(TextLine(line, 0.9) for line in self.text.splitlines())
        return RecognizedText(
            text=self.text, lines=lines, languages=tuple(languages), engine="fake-ocr", image=INFO
        )


def context_with(
    recognizer: TextRecognizer | None, data: bytes = b"\x89PNG fake", content_type: str = "image/png"
) -> tuple[FakeContext, str]:
    files = MemoryFileStore()
    file_id = files.add(data, content_type=content_type)
    ports = {TextRecognizer: recognizer} if recognizer is not None else {}
    return FakeContext(files=files, ports=ports), file_id


def rendered(text: str, font_path: Path) -> bytes:
    """``text`` in black on white, with a margin, as a PNG file."""
    font = ImageFont.truetype(str(font_path), 48)
    _, _, right, bottom = font.getbbox(text)
    image = Image.new("RGB", (right + 60, bottom + 60), "white")
    ImageDraw.Draw(image).text((30, 30), text, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def test_answers_with_metadata_colours_and_the_text_read_by_ocr() -> None:
    recognizer = FakeRecognizer("Invoice 42\nTotal 1,200")
    context, file_id = context_with(recognizer)

    result = await ImageAgent().run(
        AgentTask(text="What is in this image?", inputs={"file_id": file_id}), context
    )

    assert "PNG, 200 x 100 pixels, mode RGB" in result.answer
    assert "#ffffff, #000000" in result.answer
    assert "Invoice 42\nTotal 1,200" in result.answer
    assert "No vision-capable model is configured" in result.answer
    assert recognizer.asked == [["en"]]
    assert [(s.kind, s.id) for s in result.sources] == [("file", file_id)]
    assert result.engine == "fake-ocr"
    assert result.data is not None
    assert {k: result.data[k] for k in ("format", "width", "height", "mode")} == {
        "format": "PNG",
        "width": 200,
        "height": 100,
        "mode": "RGB",
    }
    assert result.data["dominant_colours"] == ["#ffffff", "#000000"]
    assert result.data["ocr"]["lines"] == [
        {"text": "Invoice 42", "confidence": 0.9},
        {"text": "Total 1,200", "confidence": 0.9},
    ]
    assert result.data["vision"]["available"] is False
    assert result.data["missing"] == []
    assert result.confidence == 0.8


async def test_ocr_languages_are_iso_codes_or_tesseract_s_names() -> None:
    recognizer = FakeRecognizer()
    context, file_id = context_with(recognizer)

    await ImageAgent().run(
        AgentTask(text="", inputs={"file_id": file_id, "languages": ["eng", "hin"]}), context
    )
    await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id, "languages": ["mr"]}), context)

    assert recognizer.asked == [["en", "hi"], ["mr"]]


async def test_without_ocr_only_the_metadata_is_told() -> None:
    recognizer = FakeRecognizer()
    context, file_id = context_with(recognizer)

    result = await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id, "ocr": False}), context)

    assert (recognizer.asked, recognizer.described) == ([], 1)
    assert "Text recognition was not asked for." in result.answer
    assert result.data is not None
    assert "ocr" not in result.data
    assert result.data["width"] == 200


async def test_a_missing_ocr_language_is_named_and_the_metadata_still_answered() -> None:
    missing = CapabilityMissing("ocr:mr", package="tesseract-ocr-mar")
    context, file_id = context_with(FakeRecognizer(missing=missing))

    result = await ImageAgent().run(
        AgentTask(text="", inputs={"file_id": file_id, "languages": ["mr"]}), context
    )

    assert "PNG, 200 x 100 pixels" in result.answer
    assert (
        "Not available here: ocr:mr is not available here; install the debian package tesseract-ocr-mar"
        in (result.answer)
    )
    assert result.data is not None
    assert result.data["missing"][0]["package"] == "tesseract-ocr-mar"
    assert "ocr" not in result.data
    assert result.confidence == 0.5


async def test_without_a_text_recogniser_it_says_what_is_missing() -> None:
    context, file_id = context_with(None)

    result = await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id}), context)

    assert result.answer == "Not available here: this platform offers no text recogniser."
    assert result.sources[0].id == file_id
    assert result.confidence == 0.1


async def test_a_file_that_is_not_an_image_is_refused() -> None:
    context, file_id = context_with(FakeRecognizer(), b"just text", "text/plain")

    with pytest.raises(RuleViolated, match="is text/plain; the image agent reads images only"):
        await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id}), context)


async def test_unknown_inputs_and_unknown_files_are_refused() -> None:
    context, file_id = context_with(FakeRecognizer())

    with pytest.raises(InvalidAgentInput, match="colours"):
        await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id, "colours": 3}), context)
    with pytest.raises(InvalidAgentInput, match="file_id"):
        await ImageAgent().run(AgentTask(text="", inputs={}), context)
    with pytest.raises(FileNotFound):
        await ImageAgent().run(AgentTask(text="", inputs={"file_id": "file-99"}), context)


async def test_bytes_that_are_no_image_are_the_callers_error() -> None:
    context, file_id = context_with(TesseractTextRecognizer(VaaniSettings()), b"not an image at all")

    with pytest.raises(UnreadableImage):
        await ImageAgent().run(AgentTask(text="", inputs={"file_id": file_id, "ocr": False}), context)


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng")
@needs_font(LATIN_FONT)
async def test_tesseract_reads_the_words_of_a_rendered_png() -> None:
    image = rendered("Quarterly budget approved", LATIN_FONT)
    context, file_id = context_with(TesseractTextRecognizer(VaaniSettings()), image)

    result = await ImageAgent().run(
        AgentTask(text="Read the text in this photo", inputs={"file_id": file_id}), context
    )

    assert result.data is not None
    assert result.data["ocr"]["text"] == "Quarterly budget approved"
    assert "Quarterly budget approved" in result.answer
    assert (result.data["format"], result.data["mode"], result.engine) == ("PNG", "RGB", "tesseract")
    assert result.data["width"] > result.data["height"] > 0
    # Black text on white: white is the most frequent colour.
    assert result.data["dominant_colours"][0] in {"#ffffff", "#fefefe", "#fdfdfd"}


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("hin")
@needs_font(DEVANAGARI_FONT)
async def test_tesseract_reads_hindi_when_asked_for_it() -> None:
    image = rendered("भारत एक विशाल देश है", DEVANAGARI_FONT)
    context, file_id = context_with(TesseractTextRecognizer(VaaniSettings()), image)

    result = await ImageAgent().run(
        AgentTask(text="", inputs={"file_id": file_id, "languages": ["hin"]}), context
    )

    assert result.data is not None
    assert result.data["ocr"]["text"] == "भारत एक विशाल देश है"
    assert result.data["ocr"]["languages"] == ["hi"]
