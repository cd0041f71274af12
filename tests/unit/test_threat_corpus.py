"""Quality gate: the held-out part of the threat corpus stays above its floors.

Floors are the measured held-out figures minus about a point (sqli 97.6%, xss 98.7%, traversal
97.4%, cmdi 95.2%; benign flagged 0.19%), not the issue's targets (see bench/threat_eval.py).
Throughput is not asserted here.
"""

import hashlib
import json
from collections import defaultdict
from pathlib import Path

import pytest

from adapters.inspection.detectors.inspector import Inspector

CORPUS = Path(__file__).resolve().parents[3] / "shared/data/threat/corpus.jsonl"
FLOORS = {"sqli": 0.965, "xss": 0.975, "traversal": 0.96, "cmdi": 0.94}
BENIGN_CEILING = 0.005


def held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 10 >= 7


@pytest.mark.skipif(not CORPUS.exists(), reason=f"corpus not present at {CORPUS} (CI provides ../shared)")
def test_held_out_detection_stays_above_floors() -> None:
    inspector = Inspector()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        if not held_out(row["text"]):
            continue
        flagged = inspector.is_attack(inspector.inspect_value(row["text"]))
        counts[row["label"]][0] += flagged
        counts[row["label"]][1] += 1
    rates = {label: hits / total for label, (hits, total) in counts.items()}
    assert rates["benign"] <= BENIGN_CEILING, rates
    for label, floor in FLOORS.items():
        assert rates[label] >= floor, (label, rates)
