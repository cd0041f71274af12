"""Opening an uploaded image safely with Pillow, and what can be told about it without OCR.

The byte and pixel limits are checked before any pixel is decoded: Pillow reads only the header
on ``Image.open``, so a small file that would expand to gigabytes (a decompression bomb) is
refused from its declared size. Pillow's own bomb guard (``Image.MAX_IMAGE_PIXELS``) stays in
place behind ours.
"""

import io
import warnings
from typing import Final

from PIL import ExifTags, Image, UnidentifiedImageError

from core.ports.files import TooLarge
from core.ports.vaani import ImageInfo, UnreadableImage

ACCEPTED_FORMATS: Final = frozenset({"PNG", "JPEG", "WEBP", "TIFF", "BMP", "GIF"})
_EXIF_VALUE_CHARS: Final = 200
_COLOUR_SAMPLE: Final = (64, 64)


def open_image(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """The decoded image; raises ``TooLarge`` (bytes or pixels) or ``UnreadableImage``."""
    if len(data) > max_bytes:
        raise TooLarge("image", len(data), max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                accepted = ", ".join(sorted(ACCEPTED_FORMATS))
                raise UnreadableImage(f"image format {image.format} is not accepted; accepted: {accepted}")
            pixels = image.width * image.height
            if pixels > max_pixels:
                raise TooLarge("image", pixels, max_pixels, "pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooLarge("image", None, max_pixels, "pixels") from error
    except UnidentifiedImageError as error:
        # Pillow's message names the in-memory file object (and its address); say it plainly.
        accepted = ", ".join(sorted(ACCEPTED_FORMATS))
        raise UnreadableImage(f"not a readable image: no format recognised; accepted: {accepted}") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise UnreadableImage(f"not a readable image: {error}") from error
    return image


def describe(image: Image.Image) -> ImageInfo:
    return ImageInfo(
        format=image.format or "unknown",
        width=image.width,
        height=image.height,
        mode=image.mode,
        exif=_exif(image),
        dominant_colours=dominant_colours(image),
    )


def dominant_colours(image: Image.Image, count: int = 5) -> tuple[str, ...]:
    """The ``count`` most frequent colours of a small copy reduced to a palette of ``count``."""
    sample = image.convert("RGB")
    sample.thumbnail(_COLOUR_SAMPLE)
    palette = sample.quantize(colors=count)
    # A "P" image's colours are (count, palette index) pairs.
    ranked = sorted(palette.getcolors() or [], key=lambda pair: -pair[0])
    indices = [index for _, index in ranked if isinstance(index, int)]
    flat = palette.getpalette() or []
    return tuple("#{:02x}{:02x}{:02x}".format(*flat[i * 3 : i * 3 + 3]) for i in indices)


def png_bytes(image: Image.Image) -> bytes:
    """The image re-encoded as PNG, so the OCR engine's own decoders never see the upload."""
    if image.mode not in ("1", "L", "RGB", "RGBA"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _exif(image: Image.Image) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag, value in image.getexif().items():
        name = ExifTags.TAGS.get(tag, str(tag))
        text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
        found[name] = text[:_EXIF_VALUE_CHARS]
    return found
