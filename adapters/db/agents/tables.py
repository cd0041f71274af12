"""Orchestration's own table (migration 0016): one row per agent run, never its text or answer."""

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from adapters.db.column_types import UtcDateTime
from adapters.db.tables import metadata

agent_runs = Table(
    "agents_runs",
    metadata,
    Column("id", String(36), primary_key=True, comment="UUIDv7"),
    Column("subject", String(64), nullable=False, comment="who asked"),
    Column("agent", String(64), nullable=False, comment="the agent that answered (wellness for a crisis)"),
    Column("started_at", UtcDateTime, nullable=False),
    Column("latency_ms", Integer, nullable=False),
    Column("status", String(40), nullable=False, comment="ok, agent_timeout, agent_failed"),
    Column("engine", String(64), nullable=True, comment="what produced the answer; none on failure"),
    Column("route", Text, nullable=False, comment="JSON: how the agent was chosen, and why"),
    Column("flagged", Boolean, nullable=False, comment="the crisis screen fired"),
    Column("session_id", String(64), nullable=True),
    Column("error", String(40), nullable=True, comment="the error code the caller got"),
)
Index("ix_agents_runs_subject", agent_runs.c.subject, agent_runs.c.started_at)
Index("ix_agents_runs_started_at", agent_runs.c.started_at)
