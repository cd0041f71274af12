"""Which agent takes a query nobody addressed to an agent by name.

Stage 1 is simple and honest: a score from the words an agent declares (``keywords``) and
from how much of one of its ``examples`` the query shares; the best above a threshold wins,
else ``qna`` when the caller may use it, else nobody. A classifier over embeddings replaces
``AgentRouter`` later, behind the same ``route``.
"""

import re
from collections.abc import Collection, Iterable

import msgspec

from core.ports.agents import AgentInfo

ORCHESTRATOR = "orchestrator"
"""Plans over other agents; it is never a routing target."""
FALLBACK = "qna"
DEFAULT_THRESHOLD = 0.3
_STOPWORD_TEXT = """
a an the is are was were be been am i me my we our you your it its this that these those to of
in on at for from by with and or but not no do does did can could would should will shall what
which who whom how why when where please tell give show about into than then there here have has
had so as if up out just some any all hai hain ka ki ke ko se me mein aur kya kaise
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    agent: str
    confidence: float
    keywords: list[str]
    """The agent's own keywords found in the query."""
    example_overlap: float


class RouteDecision(msgspec.Struct, frozen=True, kw_only=True):
    agent: str
    confidence: float
    by: str
    """``explicit``, ``classifier`` (the score), ``fallback`` (handed to qna) or ``crisis``."""
    why: str
    candidates: list[Candidate] = msgspec.field(default_factory=list)

    def as_route(self) -> dict[str, object]:
        """What a run record keeps: the catalog's words and the scores, never the query."""
        return msgspec.to_builtins(self)  # type: ignore[no-any-return]


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 1 and w not in _STOPWORDS]


class AgentRouter:
    """Scores are in [0, 1]: each keyword found adds half of what is left to 1; the best example
    adds by its Dice overlap with the query in the same way."""

    def __init__(self, agents: Iterable[AgentInfo], threshold: float = DEFAULT_THRESHOLD) -> None:
        self._agents = [info for info in agents if info.name != ORCHESTRATOR]
        self._threshold = threshold

    def route(self, text: str, allowed: Collection[str]) -> RouteDecision | None:
        """The agent for ``text`` among ``allowed`` (names the caller may use), or None."""
        query = words(text)
        scored = sorted(
            (self._score(info, query) for info in self._agents if info.name in allowed),
            key=lambda c: (-c.confidence, c.agent),
        )
        top = scored[:3]
        if top and top[0].confidence >= self._threshold:
            best = top[0]
            why = (
                f"keywords: {', '.join(best.keywords) or 'none'}; example overlap {best.example_overlap:.2f}"
            )
            return RouteDecision(
                agent=best.agent, confidence=best.confidence, by="classifier", why=why, candidates=top
            )
        if FALLBACK in allowed and any(info.name == FALLBACK for info in self._agents):
            best_score = top[0].confidence if top else 0.0
            why = f"no agent scored {self._threshold:.2f} or more (best {best_score:.2f}); qna answers"
            return RouteDecision(
                agent=FALLBACK, confidence=best_score, by="fallback", why=why, candidates=top
            )
        return None

    @staticmethod
    def _score(info: AgentInfo, query: list[str]) -> Candidate:
        joined = f" {' '.join(query)} "
        found = [kw for kw in info.keywords if _keyword_in(kw.lower(), query, joined)]
        keyword_score = 1 - 0.5 ** len(found)
        tokens = set(query)
        overlap = max((_dice(tokens, set(words(example))) for example in info.examples), default=0.0)
        confidence = 1 - (1 - keyword_score) * (1 - overlap)
        return Candidate(
            agent=info.name,
            confidence=round(confidence, 4),
            keywords=found,
            example_overlap=round(overlap, 4),
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
