"""Orchestration's agent runs.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agents_runs",
        sa.Column("id", sa.String(36), nullable=False, comment="UUIDv7"),
        sa.Column("subject", sa.String(64), nullable=False, comment="who asked"),
        sa.Column(
            "agent", sa.String(64), nullable=False, comment="the agent that answered (wellness for a crisis)"
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(40), nullable=False, comment="ok, agent_timeout, agent_failed"),
        sa.Column(
            "engine", sa.String(64), nullable=True, comment="what produced the answer; none on failure"
        ),
        sa.Column("route", sa.Text(), nullable=False, comment="JSON: how the agent was chosen, and why"),
        sa.Column("flagged", sa.Boolean(), nullable=False, comment="the crisis screen fired"),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("error", sa.String(40), nullable=True, comment="the error code the caller got"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agents_runs_subject", "agents_runs", ["subject", "started_at"])
    op.create_index("ix_agents_runs_started_at", "agents_runs", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_agents_runs_started_at", table_name="agents_runs")
    op.drop_index("ix_agents_runs_subject", table_name="agents_runs")
    op.drop_table("agents_runs")
