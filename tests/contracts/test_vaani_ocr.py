"""Text recognition with tesseract on images the tests render with Debian's Noto fonts, and the
images it refuses before decoding them."""

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from adapters.vaani.settings import VaaniSettings
from adapters.vaani.tesseract import TesseractTextRecognizer
from core.ports.files import TooLarge
from core.ports.vaani import CapabilityMissing, UnreadableImage, UnsupportedLanguage
from tests.contracts.vaani_kit import (
    DEVANAGARI_FONT,
    LATIN_FONT,
    needs_binary,
    needs_font,
    needs_tesseract_data,
)

with_tesseract = needs_binary("tesseract", "tesseract-ocr")


def rendered(text: str, font_path: Path, *, size: int = 48, image_format: str = "PNG") -> bytes:
    """``text`` in black on white, with a margin, as the bytes of an image file."""
    font = ImageFont.truetype(str(font_path), size)
    _, _, right, bottom = font.getbbox(text)
    image = Image.new("RGB", (right + 60, bottom + 60), "white")
    ImageDraw.Draw(image).text((30, 30), text, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, format=image_format)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: what a decompression bomb
    looks like before it is decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def recognizer() -> TesseractTextRecognizer:
    return TesseractTextRecognizer(VaaniSettings())


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng")
@needs_font(LATIN_FONT)
async def test_an_english_line_is_read_back_with_high_confidence(recognizer: TesseractTextRecognizer) -> None:
    image = rendered("The quick brown fox jumps over the lazy dog", LATIN_FONT)

    result = await recognizer.recognize(image, ["en"])

    assert result.text == "The quick brown fox jumps over the lazy dog"
    [line] = result.lines
    assert line.confidence > 0.8
    assert (result.engine, result.languages, result.image.format) == ("tesseract", ("en",), "PNG")


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("hin")
@needs_font(DEVANAGARI_FONT)
async def test_a_hindi_line_in_devanagari_is_read_back(recognizer: TesseractTextRecognizer) -> None:
    image = rendered("भारत एक विशाल देश है", DEVANAGARI_FONT)

    result = await recognizer.recognize(image, ["hi"])

    assert result.text == "भारत एक विशाल देश है"
    assert result.lines[0].confidence > 0.8


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng", "hin")
@needs_font(DEVANAGARI_FONT)
async def test_several_languages_can_be_read_at_once(recognizer: TesseractTextRecognizer) -> None:
    image = rendered("नमस्ते दुनिया", DEVANAGARI_FONT)

    result = await recognizer.recognize(image, ["en", "hi"])

    assert result.text == "नमस्ते दुनिया"


@pytest.mark.media
@needs_font(LATIN_FONT)
async def test_an_image_is_described_with_its_size_format_and_dominant_colours(
    recognizer: TesseractTextRecognizer,
) -> None:
    info = await recognizer.describe(rendered("Hello", LATIN_FONT, image_format="JPEG"))

    assert info.format == "JPEG"
    assert info.width > 100
    assert info.mode == "RGB"
    assert info.dominant_colours[0] in {"#ffffff", "#fefefe", "#fdfdfd"}


async def test_exif_is_reported_by_tag_name(recognizer: TesseractTextRecognizer) -> None:
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x010F] = "Acme Cameras"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)

    info = await recognizer.describe(out.getvalue())

    assert info.exif["Make"] == "Acme Cameras"
    assert info.dominant_colours[0].startswith("#f") or info.dominant_colours[0].startswith("#e")


@pytest.mark.parametrize(
    ("width", "height"), [(100_000, 100_000), (8_000, 8_000)], ids=["huge", "past-our-limit"]
)
async def test_a_decompression_bomb_is_refused_from_its_header_before_decoding(
    width: int, height: int
) -> None:
    bomb = png_declaring(width, height)
    assert len(bomb) < 2_000
    recognizer = TesseractTextRecognizer(VaaniSettings())

    with pytest.raises(TooLarge) as refused:
        await recognizer.describe(bomb)

    assert refused.value.extensions["unit"] == "pixels"
    assert "40000000 pixels" in refused.value.detail


async def test_the_pixel_limit_is_a_setting() -> None:
    recognizer = TesseractTextRecognizer(VaaniSettings(max_image_pixels=100 * 100))
    image = io.BytesIO()
    Image.new("L", (101, 100)).save(image, format="PNG")

    with pytest.raises(TooLarge):
        await recognizer.describe(image.getvalue())


async def test_an_oversized_upload_is_refused_before_it_is_opened() -> None:
    recognizer = TesseractTextRecognizer(VaaniSettings(max_image_bytes=1_000))

    with pytest.raises(TooLarge) as refused:
        await recognizer.describe(b"\x89PNG" + b"\x00" * 1_000)

    assert refused.value.extensions["unit"] == "bytes"


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"%PDF-1.7\n"])
async def test_bytes_that_are_no_image_are_refused_as_unreadable_naming_the_accepted_formats(
    recognizer: TesseractTextRecognizer, data: bytes
) -> None:
    with pytest.raises(UnreadableImage) as refused:
        await recognizer.describe(data)

    assert refused.value.detail == (
        "not a readable image: no format recognised; accepted: BMP, GIF, JPEG, PNG, TIFF, WEBP"
    )


async def test_a_language_tesseract_is_not_set_up_for_is_refused(recognizer: TesseractTextRecognizer) -> None:
    with pytest.raises(UnsupportedLanguage):
        await recognizer.recognize(b"", ["fr"])


async def test_a_missing_tesseract_binary_is_reported_with_its_debian_package() -> None:
    recognizer = TesseractTextRecognizer(VaaniSettings(tesseract_binary="/nonexistent/tesseract"))

    [ocr] = await recognizer.capabilities()
    assert (ocr.name, ocr.available, ocr.package, ocr.package_kind) == (
        "ocr",
        False,
        "tesseract-ocr",
        "debian",
    )
    with pytest.raises(CapabilityMissing) as refused:
        await recognizer.recognize(b"", ["en"])
    assert refused.value.package == "tesseract-ocr"


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng", "hin", "mar", "san")
async def test_the_capabilities_list_the_languages_whose_data_is_installed(
    recognizer: TesseractTextRecognizer,
) -> None:
    [ocr] = await recognizer.capabilities()

    assert ocr.available
    assert set(ocr.languages) == {"en", "hi", "mr", "sa"}


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng")
@pytest.mark.parametrize(("width", "height"), [(40_000, 100), (100, 40_000)], ids=["wide", "tall"])
async def test_an_image_longer_than_tesseract_reads_on_a_side_is_too_large_within_the_pixel_limit(
    recognizer: TesseractTextRecognizer, width: int, height: int
) -> None:
    image = io.BytesIO()
    Image.new("L", (width, height), 255).save(image, format="PNG")

    with pytest.raises(TooLarge) as refused:
        await recognizer.recognize(image.getvalue(), ["en"])

    assert refused.value.detail == "image side is 40000 pixels; the limit is 32767 pixels"


@pytest.mark.media
@with_tesseract
@needs_tesseract_data("eng")
async def test_an_image_as_long_as_tesseract_reads_on_a_side_is_read(
    recognizer: TesseractTextRecognizer,
) -> None:
    image = io.BytesIO()
    Image.new("L", (32_767, 100), 255).save(image, format="PNG")

    found = await recognizer.recognize(image.getvalue(), ["en"])

    assert (found.image.width, found.text) == (32_767, "")
