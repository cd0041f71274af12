"""A usage line for every Vaani call: who, which capability, engine, language, sizes, latency and
outcome. Never the text, audio or image itself, nor anything derived from it."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from core.domain.access import Principal

log = logging.getLogger("bhiv.vaani.usage")
SizeUnit = Literal["chars", "bytes"]


@dataclass
class Usage:
    capability: str
    subject: str
    input_size: int
    input_unit: SizeUnit
    language: str | None = None
    engine: str | None = None
    output_size: int | None = None

    def done(self, *, engine: str, language: str | None = None, output_size: int | None = None) -> None:
        self.engine = engine
        self.language = language or self.language
        self.output_size = output_size


@asynccontextmanager
async def metered(
    capability: str, by: Principal, *, size: int, unit: SizeUnit = "chars", language: str | None = None
) -> AsyncIterator[Usage]:
    """Log one ``bhiv.vaani.usage`` line when the block ends, however it ends."""
    usage = Usage(capability, by.subject, size, unit, language)
    started = time.perf_counter()
    outcome = "ok"
    try:
        yield usage
    except Exception as error:
        code = getattr(error, "code", None)
        outcome = code if isinstance(code, str) else type(error).__name__
        raise
    finally:
        log.info(
            "vaani %s %s",
            capability,
            outcome,
            extra={
                "vaani": {
                    "capability": capability,
                    "subject": usage.subject,
                    "engine": usage.engine,
                    "language": usage.language,
                    "input_size": usage.input_size,
                    "input_unit": usage.input_unit,
                    "output_size": usage.output_size,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                    "outcome": outcome,
                }
            },
        )
