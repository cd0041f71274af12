"""Hybrid ranking: the chunks found by their words and those found by their meaning, combined by
reciprocal rank fusion (each list adds ``1 / (RRF_K + rank)``), so neither measure's scale
matters, only each list's order."""

from collections.abc import Sequence

from core.ports.agents import KnowledgeHit
from core.ports.knowledge import ChunkMatch

RRF_K = 60
BEST = 2 / (RRF_K + 1)
"""The score of a chunk first in both lists: scores are divided by it, so 1.0 is the best."""


def fuse(*rankings: Sequence[ChunkMatch], limit: int) -> list[KnowledgeHit]:
    scores: dict[str, float] = {}
    found: dict[str, ChunkMatch] = {}
    for ranking in rankings:
        for rank, match in enumerate(ranking, start=1):
            scores[match.chunk_id] = scores.get(match.chunk_id, 0.0) + 1 / (RRF_K + rank)
            found.setdefault(match.chunk_id, match)
    best_first = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))[:limit]
    return [
        KnowledgeHit(
            document_id=found[c].document_id,
            chunk_id=c,
            title=found[c].title,
            text=found[c].text,
            score=round(scores[c] / BEST, 4),
            start=found[c].start,
            end=found[c].end,
        )
        for c in best_first
    ]
