"""Quality and speed of ``bhiv threat scan`` on the labelled threat corpus.

Runs the real CLI in a subprocess (each input scanned as one query-parameter value), then prints
detection per label (for benign: the share wrongly flagged), per source, on the development
and the held-out split (a fixed hash of the text: 70% / 30%; tune only on dev), and inputs/s as
measured inside the CLI process (``--timing``: start-up excluded); then the same at the
gateway's refusal score, which is lower than the CLI's "attack". When ``libinjection``
imports (``pip install -e '.[bench]'``), its figures are printed alongside.

Run: python bench/threat_eval.py [CORPUS]   (default: ../shared/data/threat/corpus.jsonl)
"""

import hashlib
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core.domain.threat.policy import ThreatPolicy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared/data/threat/corpus.jsonl"
LABELS = ("sqli", "xss", "traversal", "cmdi", "benign")


def split_of(text: str) -> str:
    """Deterministic: the same text is always in the same split, whatever the file order."""
    return "held-out" if int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 10 >= 7 else "dev"


def run_cli(corpus: Path) -> tuple[list[dict[str, object]], str]:
    result = subprocess.run(
        [sys.executable, "-m", "apps.cli", "threat", "scan", str(corpus), "--timing"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.split("\n") if line], result.stderr.strip()


def libinjection_verdicts(rows: list[dict[str, object]]) -> tuple[list[bool], float] | None:
    try:
        import libinjection  # type: ignore[import-not-found]
    except ImportError:
        return None
    started = time.perf_counter()
    verdicts = [
        bool(
            libinjection.is_sql_injection(str(r["text"]))["is_sqli"]
            or libinjection.is_xss(str(r["text"]))["is_xss"]
        )
        for r in rows
    ]
    return verdicts, len(rows) / (time.perf_counter() - started)


def rate(hits: int, total: int) -> str:
    return f"{100 * hits / total:6.2f}% ({hits}/{total})" if total else "     -"


def report(title: str, rows: list[dict[str, object]], flagged: list[bool]) -> None:
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row, hit in zip(rows, flagged, strict=True):
        for key in (("label", str(row["label"])), ("split", f"{split_of(str(row['text']))} {row['label']}")):
            groups[key][0] += hit
            groups[key][1] += 1
        if row["label"] != "benign":
            source = str(row["source"]).split(":")[0] + " " + str(row["label"])
            groups[("source", source)][0] += hit
            groups[("source", source)][1] += 1
    print(f"\n== {title}")
    print("per label (benign: flagged rate)")
    for label in LABELS:
        print(f"  {label:10} {rate(*groups[('label', label)])}")
    print("dev vs held-out")
    for label in LABELS:
        dev, held = groups[("split", f"dev {label}")], groups[("split", f"held-out {label}")]
        print(f"  {label:10} dev {rate(*dev)}   held-out {rate(*held)}")
    print("per source")
    for (kind, name), counts in sorted(groups.items()):
        if kind == "source":
            print(f"  {name:55} {rate(*counts)}")


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").split("\n") if line.strip()]
    verdicts, timing = run_cli(corpus)
    assert len(verdicts) == len(rows), "the CLI must answer every line"
    report("bhiv threat scan", rows, [v["verdict"] == "attack" for v in verdicts])
    print(f"throughput (inside the CLI, one core, start-up excluded): {timing}")
    refused = ThreatPolicy().block_request_score
    gateway_view = [float(v["score"]) >= refused for v in verdicts]
    report(
        f"the gateway's view: a score of {refused} refuses the request (BHIV_THREAT_BLOCK_REQUEST_SCORE)",
        rows,
        gateway_view,
    )
    reference = libinjection_verdicts(rows)
    if reference is None:
        print("\nlibinjection not installed: pip install -e '.[bench]' to compare")
    else:
        flagged, speed = reference
        report("libinjection (is_sqli or is_xss)", rows, flagged)
        print(f"throughput: {speed:.0f} inputs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
