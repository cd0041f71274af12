"""``bhiv agents route TEXT|-``: which agent orchestration would choose, offline, as a caller who
may use every agent; ``-`` reads JSON lines (``{"text": ...}``) and writes one decision per line,
keeping the line's other keys."""

import sys
from collections.abc import Iterable
from typing import IO, Any

import msgspec

from core.domain.agents.crisis import screen
from core.domain.agents.routing import AgentRouter
from core.domain.agents.running import WELLNESS
from core.ports.agents import AgentCatalog

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


def decide(text: str, router: AgentRouter, names: list[str]) -> dict[str, Any]:
    if screen(text) is not None:
        return {"agent": WELLNESS, "confidence": 1.0}
    decision = router.route(text, names)
    if decision is None:
        return {"agent": None, "confidence": 0.0}
    return {"agent": decision.agent, "confidence": decision.confidence}


def route_lines(lines: Iterable[str], out: IO[str], catalog: AgentCatalog, threshold: float) -> int:
    router, names = AgentRouter(catalog.info(), threshold), list(catalog.agents())
    count = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        record = _record(line)
        text = record.get("text")
        decision = decide(text if isinstance(text, str) else str(text), router, names)
        out.write(_encoder.encode({**record, **decision}).decode() + "\n")
        out.flush()
        count += 1
    return count


def _record(line: str) -> dict[str, Any]:
    if line.startswith("{"):
        try:
            decoded = _decoder.decode(line)
        except msgspec.DecodeError:
            return {"text": line}
        if isinstance(decoded, dict) and "text" in decoded:
            return decoded
    return {"text": line}


def run(text: str, catalog: AgentCatalog, threshold: float) -> int:
    if text == "-":
        route_lines(sys.stdin, sys.stdout, catalog, threshold)
    else:
        router = AgentRouter(catalog.info(), threshold)
        print(_encoder.encode(decide(text, router, list(catalog.agents()))).decode())
    return 0
