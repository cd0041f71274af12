"""Content safety: whether a prompt or an answer may pass, for a caller's role."""

from typing import Literal, Protocol

import msgspec

ModerationStage = Literal["input", "output"]
"""``input``: what the caller sent; ``output``: what a model answered."""


class ModerationVerdict(msgspec.Struct, frozen=True):
    """Safe to log: it names categories and rules, never the text they matched."""

    allowed: bool
    categories: tuple[str, ...] = ()
    """Categories the text was flagged for, refused for this role or not."""
    rule_ids: tuple[str, ...] = ()
    """The rules that matched, for tuning them."""


ALLOWED = ModerationVerdict(allowed=True)


class Moderator(Protocol):
    async def check(self, text: str, *, role: str, stage: ModerationStage) -> ModerationVerdict:
        """``role`` is the caller's role (``core.domain.access.Role`` values, or a client's);
        which flagged categories refuse the text depends on it."""
        ...
