"""Conversation memory: a session per conversation, in the key-value store, kept for a while.

A session belongs to the user who started it; to anyone else it does not exist. Each write
renews its time to live; only the last ``max_turns`` turns are kept. Two writes to one session
at the same instant may lose one of them (last write wins): a conversation is one person's.
"""

from datetime import datetime
from typing import Any

import msgspec

from core.domain.agents.errors import SessionNotFound
from core.ports.agents import SessionMemory
from core.ports.clock import Clock, IdGenerator
from core.ports.kv import KeyValueStore

PREFIX = "agents:session:"
_ID_CHARS = frozenset("0123456789abcdefABCDEF-")


class Turn(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    role: str
    """``user`` or ``assistant``."""
    content: str
    agent: str | None = None
    at: datetime | None = None


class SessionState(msgspec.Struct, kw_only=True):
    id: str
    owner: str
    created_at: datetime
    turns: list[Turn] = msgspec.field(default_factory=list)
    notes: dict[str, dict[str, Any]] = msgspec.field(default_factory=dict)
    """Each agent's own notes, by agent name: one agent never reads another's."""


class SessionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    created_at: datetime
    turns: list[Turn]
    expires_in: float | None


class Sessions:
    def __init__(
        self, store: KeyValueStore, clock: Clock, ids: IdGenerator, *, ttl_seconds: float, max_turns: int
    ) -> None:
        self._store, self._clock, self._ids = store, clock, ids
        self._ttl, self._max_turns = ttl_seconds, max_turns

    async def start(self, owner: str) -> SessionState:
        state = SessionState(id=self._ids.new_id(), owner=owner, created_at=self._clock.now())
        await self.save(state)
        return state

    async def open(self, session_id: str, owner: str) -> SessionState:
        """Raises ``SessionNotFound`` for a missing, expired or someone else's session."""
        if not session_id or len(session_id) > 64 or not set(session_id) <= _ID_CHARS:
            raise SessionNotFound()
        raw = await self._store.get(PREFIX + session_id)
        if raw is None:
            raise SessionNotFound()
        state = msgspec.json.decode(raw, type=SessionState)
        if state.owner != owner:
            raise SessionNotFound()
        return state

    async def view(self, session_id: str, owner: str) -> SessionView:
        state = await self.open(session_id, owner)
        left = await self._store.ttl(PREFIX + session_id)
        return SessionView(id=state.id, created_at=state.created_at, turns=state.turns, expires_in=left)

    async def end(self, session_id: str, owner: str) -> None:
        await self.open(session_id, owner)
        await self._store.delete(PREFIX + session_id)

    async def save(self, state: SessionState) -> None:
        state.turns = state.turns[-self._max_turns :]
        await self._store.set(PREFIX + state.id, msgspec.json.encode(state), ttl_seconds=self._ttl)

    async def add_exchange(self, state: SessionState, question: str, answer: str, agent: str) -> None:
        now = self._clock.now()
        state.turns.append(Turn(role="user", content=question, at=now))
        state.turns.append(Turn(role="assistant", content=answer, agent=agent, at=now))
        await self.save(state)

    def memory(self, state: SessionState, agent: str) -> SessionMemory:
        return KvSessionMemory(self, state, agent)


class KvSessionMemory(SessionMemory):
    """What one agent sees of a session: the turns so far and its own notes."""

    def __init__(self, sessions: Sessions, state: SessionState, agent: str) -> None:
        self._sessions, self._state, self._agent = sessions, state, agent

    async def history(self) -> list[dict[str, str]]:
        return [{"role": turn.role, "content": turn.content} for turn in self._state.turns]

    async def remember(self, key: str, value: Any) -> None:
        self._state.notes.setdefault(self._agent, {})[key] = msgspec.to_builtins(value)
        await self._sessions.save(self._state)

    async def recall(self, key: str) -> Any | None:
        return self._state.notes.get(self._agent, {}).get(key)
