"""``bhiv threat scan``: the gateway's payload detectors over JSON lines or plain lines."""

import sys
import time
from collections.abc import Iterable
from typing import IO, Any

import msgspec

from adapters.inspection.detectors.inspector import Inspector
from core.domain.threat.model import Location

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


def scan(
    lines: Iterable[str], out: IO[str], inspector: Inspector | None = None, *, flush_each: bool = True
) -> int:
    """One JSON verdict per input line, written as soon as it is known (``flush_each``: flushed
    line by line, for a pipe someone is watching); returns the count."""
    inspector = inspector or Inspector()
    count = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        record = _record(line)
        text = record.get("text")
        findings = inspector.inspect_value(text if isinstance(text, str) else str(text), Location.QUERY)
        strongest = inspector.strongest(findings)
        score = round(strongest.score, 3) if strongest is not None else 0.0
        attack = strongest is not None and strongest.score >= inspector.threshold
        verdict = {
            "verdict": "attack" if attack else "benign",
            "kind": strongest.kind.value if attack and strongest is not None else None,
            "score": min(score, 1.0),
        }
        out.write(_encoder.encode({**record, **verdict}).decode() + "\n")
        if flush_each:
            out.flush()
        count += 1
    return count


def _record(line: str) -> dict[str, Any]:
    """A JSON object with a ``text`` key keeps its other keys; anything else is the text itself."""
    if line.startswith("{"):
        try:
            decoded = _decoder.decode(line)
        except msgspec.DecodeError:
            return {"text": line}
        if isinstance(decoded, dict) and "text" in decoded:
            return decoded
    return {"text": line}


def run(source: str, timing: bool = False) -> int:
    started = time.perf_counter()
    if source == "-":
        count = scan(sys.stdin, sys.stdout)
    else:
        with open(source, encoding="utf-8", errors="replace") as file:
            count = scan(file, sys.stdout, flush_each=False)  # a file: no one waits line by line
        sys.stdout.flush()
    if timing:
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed > 0 else 0.0
        print(f"scanned {count} inputs in {elapsed:.3f}s ({rate:.0f} inputs/s)", file=sys.stderr)
    return 0
