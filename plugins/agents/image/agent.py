"""The Image agent: what an uploaded image of the caller's is, and the text in it.

It reads the image from ``context.files`` (bound to the caller, so only their own or shared
files) and asks the ``TextRecognizer`` port for the rest: the metadata (format, size, mode, EXIF)
and dominant colours from ``describe``, the text from ``recognize`` (OCR, in the languages asked
for). The platform's LLM port carries text only, so no model looks at the pixels: the answer says
so and describes the image from its metadata and its text, inventing nothing. A port or an OCR
language that is missing here is named in the answer; what is available is still answered.
"""

from typing import Any, ClassVar

import msgspec

from core.domain.errors import RuleViolated
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.errors import Unavailable
from core.ports.vaani import CapabilityMissing, ImageInfo, RecognizedText, TextRecognizer
from plugins.inputs import read_inputs

NO_VISION = (
    "No vision-capable model is configured (the LLM port carries text only), so nothing here "
    "looked at the picture itself: this is what its metadata and the text in it tell."
)
_ISO_CODES = {"eng": "en", "hin": "hi", "mar": "mr", "san": "sa"}
"""tesseract's own language names, accepted too; the port speaks ISO 639-1."""
_COLOURS_SHOWN = 5
_TEXT_SHOWN = 2_000


class ImageOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    file_id: str
    """An image in the caller's files."""
    languages: list[str] = msgspec.field(default_factory=lambda: ["en"])
    """OCR languages, ISO 639-1 (``en``, ``hi``, ``mr``, ``sa``) or tesseract's (``eng``, ``hin``)."""
    ocr: bool = True


class ImageAgent(Agent):
    name = "image"
    title = "Image analysis"
    description = (
        "Tells what an uploaded image is: format, size, colour mode and dominant colours, and the "
        "text in it (OCR in English, Hindi, Marathi or Sanskrit). Says which capability is missing "
        "when this platform lacks one, and never invents what the picture shows."
    )
    version = "0.1.0"
    examples = (
        "What is in this image?",
        "Read the text in this photo",
        "OCR this scanned page",
        "Extract the text from this screenshot",
        "What size and colours is this picture?",
        "describe the photo I uploaded",
        "what are the main colours in this picture",
        "what resolution is this image, width and height",
        "read the amount printed on this bill photo",
        "what does the sign in this picture say",
        "इस तस्वीर में क्या लिखा है",
        "इस फोटो में क्या-क्या दिख रहा है",
        "इस चित्र के मुख्य रंग कौन से हैं",
        "स्क्रीनशॉट में लिखा संदेश पढ़कर बताओ",
        "इस फोटो का आकार और फ़ॉर्मेट बताओ",
        "is photo mein kya likha hai",
        "is pic me kya dikh raha hai",
        "photo me kaunse colour zyada hai",
        "screenshot me likha error padh ke batao",
        "is image ka size aur format kya hai",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "image",
        "photo",
        "picture",
        "ocr",
        "screenshot",
        "scanned",
        "tasveer",
        "तस्वीर",
        "फोटो",
        "चित्र",
    )
    input_schema = ImageOptions
    # tesseract may take its whole engine timeout (30 s) over a large scan, after the decoding.
    timeout_seconds = 60.0

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, ImageOptions)
        stored = await context.files.get(options.file_id)
        content_type = stored.file.content_type.split(";", 1)[0].strip().lower()
        if not content_type.startswith("image/"):
            raise RuleViolated(
                f"file {options.file_id} is {stored.file.content_type}; the image agent reads images only",
                file_id=options.file_id,
            )
        languages = [_ISO_CODES.get(lang.lower(), lang.lower()) for lang in options.languages]
        missing: list[dict[str, Any]] = []
        info, recognized = await _analyse(stored.data, languages, options.ocr, context, missing)
        data: dict[str, Any] = {"file_id": options.file_id, "content_type": content_type}
        if info is not None:
            data |= {
                "format": info.format,
                "width": info.width,
                "height": info.height,
                "mode": info.mode,
                "exif": info.exif,
                "dominant_colours": list(info.dominant_colours),
            }
        if recognized is not None:
            data["ocr"] = {
                "text": recognized.text,
                "lines": [{"text": line.text, "confidence": line.confidence} for line in recognized.lines],
                "languages": list(recognized.languages),
                "engine": recognized.engine,
            }
        data["vision"] = {"available": False, "reason": "no vision-capable model is configured"}
        data["missing"] = missing
        return AgentResult(
            answer=_answer(options, info, recognized, missing),
            engine=recognized.engine if recognized is not None else "rules",
            confidence=_confidence(info, recognized, options.ocr),
            sources=(
                Source(
                    kind="file", id=options.file_id, reference=f"{content_type}, {stored.file.size} bytes"
                ),
            ),
            data=data,
            language=task.language,
        )


async def _analyse(
    image: bytes, languages: list[str], ocr: bool, context: AgentContext, missing: list[dict[str, Any]]
) -> tuple[ImageInfo | None, RecognizedText | None]:
    """Metadata and text, as far as this platform can tell them; what it cannot goes in ``missing``.
    An image the port refuses (unreadable, too large) is the caller's error and is raised."""
    try:
        recognizer: TextRecognizer = context.port(TextRecognizer)
    except LookupError:
        missing.append({"capability": "image_analysis", "reason": "this platform offers no text recogniser"})
        return None, None
    recognized = None
    if ocr:
        try:
            recognized = await recognizer.recognize(image, languages)
        except Unavailable as error:
            missing.append(_missing("ocr", error))
    if recognized is not None:
        return recognized.image, recognized
    try:
        return await recognizer.describe(image), None
    except Unavailable as error:
        missing.append(_missing("image_analysis", error))
        return None, None


def _missing(capability: str, error: Unavailable) -> dict[str, Any]:
    if isinstance(error, CapabilityMissing):
        return {
            "capability": error.capability,
            "package": error.package,
            "package_kind": error.package_kind,
            "reason": str(error),
        }
    return {"capability": capability, "reason": str(error)}


def _answer(
    options: ImageOptions,
    info: ImageInfo | None,
    recognized: RecognizedText | None,
    missing: list[dict[str, Any]],
) -> str:
    parts: list[str] = []
    if info is not None:
        size = f"{info.width} x {info.height} pixels"
        parts.append(f"Image {options.file_id}: {info.format}, {size}, mode {info.mode}.")
        if info.dominant_colours:
            parts.append(f"Dominant colours: {', '.join(info.dominant_colours[:_COLOURS_SHOWN])}.")
    if recognized is not None:
        if recognized.text.strip():
            text = recognized.text.strip()
            cut = "…" if len(text) > _TEXT_SHOWN else ""
            parts.append(f"Text in it ({', '.join(recognized.languages)}):\n{text[:_TEXT_SHOWN]}{cut}")
        else:
            parts.append(f"No text was found in it ({', '.join(recognized.languages)}).")
    elif not options.ocr:
        parts.append("Text recognition was not asked for.")
    if info is not None:
        parts.append(NO_VISION)
    parts.extend(f"Not available here: {item['reason']}." for item in missing)
    return "\n".join(parts)


def _confidence(info: ImageInfo | None, recognized: RecognizedText | None, ocr: bool) -> float:
    if info is None:
        return 0.1
    if recognized is not None or not ocr:
        return 0.8
    return 0.5
