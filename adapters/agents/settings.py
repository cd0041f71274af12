"""Settings of orchestration's agents (env prefix ``BHIV_AGENTS_``)."""

import msgspec

from core.domain.agents.crisis import DEFAULT_HELPLINES, Helpline
from core.domain.agents.routing import DEFAULT_THRESHOLD

ENV_PREFIX = "BHIV_AGENTS_"


class AgentsSettings(msgspec.Struct, frozen=True):
    helplines: tuple[Helpline, ...] = DEFAULT_HELPLINES
    """What the crisis template lists, as JSON: ``[{"name": "Tele-MANAS", "number": "14416",
    "note": "free, 24x7"}]``; India's by default."""
    session_ttl_seconds: float = 3600.0
    """A conversation is forgotten this long after its last turn."""
    session_max_turns: int = 40
    max_concurrent_runs: int = 4
    """Per user; one more is refused with 429 until one ends."""
    route_threshold: float = DEFAULT_THRESHOLD
    """The router's confidence below which a query goes to ``qna`` (or is refused)."""
