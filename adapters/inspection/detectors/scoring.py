"""The one shape every payload detector has: a pure scoring function turned into findings."""

from collections.abc import Callable

from core.domain.threat.model import AttackKind, Finding, Location

ScoreFunction = Callable[[str], tuple[float, str]]
"""``value -> (score 0..1, evidence)``; a score of 0 means nothing was found."""
EVIDENCE_CHARS = 80


class ScoringDetector:
    def __init__(self, name: str, kind: AttackKind, score: ScoreFunction) -> None:
        self.name = name
        self._kind = kind
        self._score = score

    def inspect(self, value: str, location: Location, field: str | None) -> list[Finding]:
        score, evidence = self._score(value)
        if score <= 0.0:
            return []
        return [
            Finding(
                kind=self._kind,
                score=score,
                location=location,
                field=field,
                evidence=evidence[:EVIDENCE_CHARS],
                detector=self.name,
            )
        ]
