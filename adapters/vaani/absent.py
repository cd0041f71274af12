"""The speech recogniser of a machine without one: every use says which pip extra provides it.

Wired by default until a recogniser (the ``bhiv-core[speech]`` extra) is; replacing it is one line
of ``adapters/vaani/ioc.py``.
"""

from typing import Final

from core.ports.vaani import Capability, CapabilityMissing, SpeechRecognizer, Transcript

EXTRA: Final = "bhiv-core[speech]"
CAPABILITY: Final = "speech_recognition"


class AbsentSpeechRecognizer(SpeechRecognizer):
    async def transcribe(self, audio: bytes, *, content_type: str, language: str | None = None) -> Transcript:
        raise CapabilityMissing(CAPABILITY, package=EXTRA, package_kind="pip")

    async def capabilities(self) -> list[Capability]:
        return [
            Capability(name=CAPABILITY, engine="none", available=False, package=EXTRA, package_kind="pip")
        ]
