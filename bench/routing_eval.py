"""How well the router picks the agent: accuracy on the labelled routing set, overall, per
language and per expected agent, with counts and a 95% Wilson interval, and how often
out-of-scope requests are declined.

The set is ``tests/data/routing/``: ``heldout.jsonl`` was written and committed before the
router was tuned and is never edited; ``dev.jsonl`` is what the router was tuned on. Each query
has its acceptable answers (agents, ``clarify`` or ``decline``); a decision is right when it is
one of them. The router runs as ``bhiv agents route`` does: the installed agents, a caller who
may use them all, the embedded embedder.

Run: python bench/routing_eval.py [heldout|dev|PATH] [--errors]
"""

import asyncio
import math
import sys
from collections import defaultdict
from pathlib import Path

import msgspec

from apps.agents_route_cli import decide, router_for
from core.domain.agents.routing import DEFAULT_THRESHOLD
from plugins.manager import load_catalog

SETS = Path(__file__).resolve().parent.parent / "tests" / "data" / "routing"
TARGETS = {"overall": 0.90, "per language": 0.80}


class Query(msgspec.Struct, frozen=True):
    text: str
    language: str
    accept: list[str]
    kind: str
    length: str | None = None


def wilson(right: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of a proportion; sound for small counts and for 0% or 100%."""
    if total == 0:
        return 0.0, 0.0
    share = right / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def label_of(decision: dict[str, object]) -> str:
    by = decision.get("by")
    return str(by) if by in ("clarify", "decline") else str(decision.get("agent"))


async def evaluate(queries: list[Query]) -> list[tuple[Query, str, float]]:
    catalog = load_catalog()
    router, names = router_for(catalog, DEFAULT_THRESHOLD), list(catalog.agents())
    outcomes = []
    for query in queries:
        decision = await decide(query.text, router, names)
        outcomes.append((query, label_of(decision), float(decision["confidence"])))  # type: ignore[arg-type]
    return outcomes


def line(name: str, right: int, total: int) -> str:
    low, high = wilson(right, total)
    share = right / total if total else 0.0
    return f"  {name:<14} {right:>4}/{total:<4} {share:6.1%}   95% CI {low:6.1%} - {high:6.1%}"


def report(outcomes: list[tuple[Query, str, float]], show_errors: bool) -> None:
    by_language: dict[str, list[bool]] = defaultdict(list)
    by_label: dict[str, list[bool]] = defaultdict(list)
    for query, got, _ in outcomes:
        right = got in query.accept
        by_language[query.language].append(right)
        by_label[query.accept[0]].append(right)
    every = [got in query.accept for query, got, _ in outcomes]
    print(line("overall", sum(every), len(every)), f"(target {TARGETS['overall']:.0%})")
    print(f"per language (target {TARGETS['per language']:.0%} each):")
    for language in sorted(by_language):
        print(line(language, sum(by_language[language]), len(by_language[language])))
    print("per expected agent (the first acceptable answer):")
    for label in sorted(by_label):
        print(line(label, sum(by_label[label]), len(by_label[label])))
    out_of_scope = [got for query, got, _ in outcomes if query.kind == "out_of_scope"]
    declined = sum(got == "decline" for got in out_of_scope)
    print(line("declined", declined, len(out_of_scope)), "(out-of-scope requests declined)")
    in_scope = [got for query, got, _ in outcomes if query.kind != "out_of_scope"]
    wrongly = sum(got == "decline" for got in in_scope)
    print(f"  in-scope requests declined: {wrongly}/{len(in_scope)}")
    if show_errors:
        print("errors:")
        for query, got, confidence in outcomes:
            if got not in query.accept:
                print(f"  [{query.language}] {query.accept} -> {got} ({confidence:.2f}): {query.text}")


def main(argv: list[str]) -> int:
    name = next((arg for arg in argv if not arg.startswith("--")), "heldout")
    path = SETS / f"{name}.jsonl" if (SETS / f"{name}.jsonl").exists() else Path(name)
    queries = [msgspec.json.decode(raw, type=Query) for raw in path.read_text().splitlines() if raw.strip()]
    print(f"routing set {path.name}: {len(queries)} queries")
    report(asyncio.run(evaluate(queries)), "--errors" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
