"""Moderating a streamed answer without releasing any of it unchecked.

Deltas are held back until the held text ends a sentence or reaches ``hold_limit`` characters,
whichever comes first; then the held text is checked and, if allowed, released. The check also
sees the end of the text released before it, so a phrase split across two chunks ("... pipe"
| "bomb ...") is judged whole. A refusal stops the stream for good: what was held is dropped.
"""

import re

from core.domain.llm.moderation import ContentRefused
from core.ports.moderation import ModerationVerdict, Moderator

# A sentence ends at . ! ? or the Devanagari danda, after any closing quotes or brackets, and
# before whitespace; a line break ends one too.
_SENTENCE_END = re.compile(r"[.!?\u0964\u0965][\"'\u201d\u2019)\]]*\s+|\n")


class HeldBackStream:
    def __init__(
        self,
        moderator: Moderator,
        *,
        role: str,
        hold_limit: int = 200,
        context_chars: int = 200,
    ) -> None:
        self._moderator = moderator
        self._role = role
        self._hold_limit = hold_limit
        self._context_chars = context_chars
        self._held = ""
        self._context = ""
        """The end of what was released, checked again with the next chunk."""
        self._refused: ModerationVerdict | None = None

    @property
    def held(self) -> str:
        return self._held

    @property
    def refusal(self) -> ModerationVerdict | None:
        """The verdict that stopped the stream, if one did."""
        return self._refused

    async def push(self, delta: str) -> str:
        """The text ``delta`` lets out, checked ("" while it is held back); raises
        ``ContentRefused`` when a chunk is refused, and on every call after that."""
        self._raise_if_stopped()
        self._held += delta
        cut = self._release_point()
        if cut == 0:
            return ""
        chunk, self._held = self._held[:cut], self._held[cut:]
        return await self._checked(chunk)

    async def finish(self) -> str:
        """What is still held, checked; call once the model's stream has ended."""
        self._raise_if_stopped()
        chunk, self._held = self._held, ""
        return await self._checked(chunk) if chunk else ""

    def _release_point(self) -> int:
        """How much of the held text may go to the check now (0: hold on)."""
        ends = [match.end() for match in _SENTENCE_END.finditer(self._held)]
        cut = ends[-1] if ends else 0
        rest = self._held[cut:]
        if len(rest) < self._hold_limit:
            return cut
        # Past the limit: cut after the last space, so words stay whole when there is one.
        space = rest.rfind(" ")
        return cut + (space + 1 if space > 0 else len(rest))

    async def _checked(self, chunk: str) -> str:
        verdict = await self._moderator.check(self._context + chunk, role=self._role, stage="output")
        if not verdict.allowed:
            self._held, self._refused = "", verdict
            raise ContentRefused(verdict, "output")
        self._context = (self._context + chunk)[-self._context_chars :]
        return chunk

    def _raise_if_stopped(self) -> None:
        if self._refused is not None:
            raise ContentRefused(self._refused, "output")
