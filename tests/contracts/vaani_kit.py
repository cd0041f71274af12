"""What the Vaani tests share: skipping cleanly when a Debian engine, its data or a font is missing."""

import shutil
import subprocess
from pathlib import Path

import pytest

NOTO = Path("/usr/share/fonts/truetype/noto")
LATIN_FONT = NOTO / "NotoSans-Regular.ttf"
DEVANAGARI_FONT = NOTO / "NotoSansDevanagari-Regular.ttf"


def needs_binary(binary: str, package: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which(binary) is None, reason=f"{binary} is not on PATH (Debian package {package})"
    )


def tesseract_languages() -> set[str]:
    if shutil.which("tesseract") is None:
        return set()
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return {line.strip() for line in listed.stdout.splitlines()[1:]}


def needs_tesseract_data(*codes: str) -> pytest.MarkDecorator:
    missing = sorted(set(codes) - tesseract_languages())
    return pytest.mark.skipif(
        bool(missing), reason=f"tesseract data missing for {missing} (tesseract-ocr-<lang> packages)"
    )


def needs_font(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is missing (Debian fonts-noto-core)")
