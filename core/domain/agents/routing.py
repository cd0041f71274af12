"""Which agent takes a query nobody addressed to an agent by name.

A nearest-intent classifier: the query's embedding is compared with each agent's example
utterances (and with the router's own examples of requests to decline or too vague to act on);
an agent's score is its nearest example's cosine similarity plus a bonus for its keywords found
in the query. The best score wins when it stands out enough; else ``qna`` answers (or the router
asks what is meant). A message with several intents that route to different agents goes to the
planner. Without an embedder the similarity is the word overlap with the nearest example, so
the router still works, less well, where no model is installed.

The weights were tuned on ``tests/data/routing/dev.jsonl``; ``bench/routing_eval.py`` reports
the held-out figures.
"""

import math
import re
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from core.domain.agents.intents import (
    CLARIFY,
    CLARIFY_EXAMPLES,
    DECLINE,
    DECLINE_EXAMPLES,
    clauses,
    request_part,
)
from core.ports.agents import AgentInfo, QueryEmbedder, QueryRouting, RouteCandidate, RouteDecision

ORCHESTRATOR = "orchestrator"
"""The router as an agent: it answers clarify and decline itself; it is never a routing target."""
PLANNER = "planner"
FALLBACK = "qna"
DEFAULT_THRESHOLD = 0.2
KEYWORD_WEIGHT = 0.02
"""Each keyword found adds half of what is left to 1, times this, to the similarity."""
TEMPERATURE = 0.01
"""Softmax temperature over the scores: cosine similarities of e5 sit within a narrow band."""
OVERLAP_WEIGHT = 0.02
"""Times the word overlap (Dice) with the nearest example by words, added to the similarity."""
MIN_CLAUSE_CONFIDENCE = 0.7
SHORT_WORDS = 2
_STOPWORD_TEXT = """
a an the is are was were be been am i me my we our you your it its this that these those to of
in on at for from by with and or but not no do does did can could would should will shall what
which who whom how why when where please tell give show about into than then there here have has
had so as if up out just some any all hai hain ka ki ke ko se me mein aur kya kaise
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 1 and w not in _STOPWORDS]


class _Intent:
    """An agent (or decline/clarify) as the router sees it."""

    def __init__(self, name: str, examples: Sequence[str], keywords: Sequence[str]) -> None:
        self.name, self.examples, self.keywords = name, tuple(examples), tuple(keywords)
        self.example_words = [set(words(example)) for example in self.examples]
        self.vectors: np.ndarray | None = None


class AgentRouter:
    def __init__(
        self,
        agents: Iterable[AgentInfo],
        embedder: QueryEmbedder | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self._intents = [
            _Intent(info.name, info.examples or (info.description,), info.keywords)
            for info in agents
            if info.name != ORCHESTRATOR
        ]
        self._intents.append(_Intent(DECLINE, DECLINE_EXAMPLES, ()))
        self._intents.append(_Intent(CLARIFY, CLARIFY_EXAMPLES, ()))
        self._embedder, self._threshold = embedder, threshold
        self._embedded = embedder is None

    async def route(self, text: str, allowed: Collection[str]) -> RouteDecision | None:
        """The decision for ``text`` among ``allowed`` (names the caller may use), or None when
        none of them fits and the caller may not use ``qna``."""
        await self._prepare()
        asked = request_part(text)
        parts = clauses(asked)
        texts = [asked, *parts] if len(parts) > 1 else [asked]
        vectors = await self._embed(texts)
        lexical = vectors[0] is None
        raw = [self._scores(each, vector, allowed) for each, vector in zip(texts, vectors, strict=True)]
        if len(parts) > 1 and PLANNER in allowed:
            plan = _plan(parts, [_normalised(scores, lexical=lexical) for scores in raw[1:]])
            if plan is not None:
                return plan
        # One request among sentences of context: the sentence that asks may score best alone.
        best = {c.agent: c for scores in raw for c in scores if c.confidence >= _score_of(raw[0], c.agent)}
        return self._decide(text, _normalised(list(best.values()), lexical=lexical), allowed)

    async def _prepare(self) -> None:
        """The examples' vectors, once; two first queries at once both compute the same ones."""
        if self._embedded or self._embedder is None:
            return
        every = [example for intent in self._intents for example in intent.examples]
        vectors = np.asarray(await self._embedder.embed_queries(every), dtype=np.float32)
        at = 0
        for intent in self._intents:
            intent.vectors = vectors[at : at + len(intent.examples)]
            at += len(intent.examples)
        self._embedded = True

    async def _embed(self, texts: list[str]) -> list[np.ndarray | None]:
        if self._embedder is None:
            return [None] * len(texts)
        return [np.asarray(v, dtype=np.float32) for v in await self._embedder.embed_queries(texts)]

    def _scores(self, text: str, vector: np.ndarray | None, allowed: Collection[str]) -> list[RouteCandidate]:
        query = words(text)
        joined = f" {' '.join(query)} "
        tokens = set(query)
        candidates = []
        for intent in self._intents:
            if intent.name not in allowed and intent.name not in (DECLINE, CLARIFY):
                continue
            found = [kw for kw in intent.keywords if _keyword_in(kw.lower(), query, joined)]
            keyword_score = 1 - 0.5 ** len(found)
            if vector is not None and intent.vectors is not None and len(intent.vectors):
                similarity = float(np.max(intent.vectors @ vector))
                overlap = max((_dice(tokens, example) for example in intent.example_words), default=0.0)
                score = similarity + KEYWORD_WEIGHT * keyword_score + OVERLAP_WEIGHT * overlap
            else:
                similarity = max((_dice(tokens, example) for example in intent.example_words), default=0.0)
                score = 1 - (1 - keyword_score) * (1 - similarity)
            candidates.append(
                RouteCandidate(
                    agent=intent.name,
                    confidence=score,
                    keywords=found,
                    similarity=round(similarity, 4),
                )
            )
        return candidates

    def _decide(
        self, text: str, scored: list[RouteCandidate], allowed: Collection[str]
    ) -> RouteDecision | None:
        top = scored[:3]
        best = top[0] if top else None
        if best is not None and best.agent in (DECLINE, CLARIFY):
            why = f"nearest to requests to {best.agent} (similarity {best.similarity:.2f})"
            return RouteDecision(
                agent=ORCHESTRATOR, confidence=best.confidence, by=best.agent, why=why, candidates=top
            )
        if best is not None and best.confidence >= self._threshold:
            why = f"nearest example {best.similarity:.2f}; keywords: {', '.join(best.keywords) or 'none'}"
            return RouteDecision(
                agent=best.agent, confidence=best.confidence, by="classifier", why=why, candidates=top
            )
        best_score = best.confidence if best else 0.0
        if len(text.split()) <= SHORT_WORDS and not (best and best.keywords):
            why = f"too short to tell (best {best_score:.2f})"
            return RouteDecision(
                agent=ORCHESTRATOR, confidence=best_score, by=CLARIFY, why=why, candidates=top
            )
        if FALLBACK in allowed and any(intent.name == FALLBACK for intent in self._intents):
            why = f"no agent scored {self._threshold:.2f} or more (best {best_score:.2f}); qna answers"
            return RouteDecision(
                agent=FALLBACK, confidence=best_score, by="fallback", why=why, candidates=top
            )
        return None


class CallerRouting(QueryRouting):
    """The router as one caller's agents see it (``context.port(QueryRouting)``)."""

    def __init__(self, router: AgentRouter, allowed: Collection[str]) -> None:
        self._router, self._allowed = router, tuple(allowed)

    async def route(self, text: str) -> RouteDecision:
        decision = await self._router.route(text, self._allowed)
        if decision is None:
            why = "no agent the caller may use fits"
            return RouteDecision(agent=ORCHESTRATOR, confidence=0.0, by=DECLINE, why=why)
        return decision


def _score_of(candidates: list[RouteCandidate], agent: str) -> float:
    return next((c.confidence for c in candidates if c.agent == agent), 0.0)


def _normalised(candidates: list[RouteCandidate], *, lexical: bool) -> list[RouteCandidate]:
    """Scores as confidences in [0, 1], best first: a softmax over the similarities (the share
    the best takes is how clearly it stands out); the lexical score is one already."""
    if not candidates:
        return []
    if lexical:
        ranked = [c for c in candidates if c.agent not in (DECLINE, CLARIFY)]
        return sorted(
            (_with(c, min(1.0, c.confidence)) for c in ranked), key=lambda c: (-c.confidence, c.agent)
        )
    top = max(c.confidence for c in candidates)
    weights = [math.exp((c.confidence - top) / TEMPERATURE) for c in candidates]
    total = sum(weights)
    shares = [_with(c, weight / total) for c, weight in zip(candidates, weights, strict=True)]
    return sorted(shares, key=lambda c: (-c.confidence, c.agent))


def _with(candidate: RouteCandidate, confidence: float) -> RouteCandidate:
    return RouteCandidate(
        agent=candidate.agent,
        confidence=round(confidence, 4),
        keywords=candidate.keywords,
        similarity=candidate.similarity,
    )


def _plan(parts: list[str], steps: list[list[RouteCandidate]]) -> RouteDecision | None:
    """The planner, when two or more parts each clearly ask a different agent."""
    chosen = [
        (part, ranked[0])
        for part, ranked in zip(parts, steps, strict=True)
        if ranked
        and ranked[0].agent not in (DECLINE, CLARIFY)
        and ranked[0].confidence >= MIN_CLAUSE_CONFIDENCE
    ]
    agents = [candidate.agent for _, candidate in chosen]
    if len(set(agents)) < 2:
        return None
    confidence = round(min(candidate.confidence for _, candidate in chosen), 4)
    why = "several intents: " + ", then ".join(agents)
    return RouteDecision(
        agent=PLANNER, confidence=confidence, by="plan", why=why, candidates=[c for _, c in chosen]
    )


def _keyword_in(keyword: str, query: list[str], joined: str) -> bool:
    parts = words(keyword) or keyword.split()
    if len(parts) > 1:
        return f" {' '.join(parts)} " in joined
    if not parts:
        return False
    word = parts[0]
    # A crude stem: "invoice" finds "invoices", "summar" finds "summarise" and "summary".
    return any(token == word or (len(word) >= 4 and token.startswith(word)) for token in query)


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
