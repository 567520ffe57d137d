"""Sustained load: paused event destinations, the outbox index that parks and resumes their rows, and
the index retention prunes the oldest messages by.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "destination_pauses",
        sa.Column("target_arn", sa.String(2048), primary_key=True),
        sa.Column("destination_kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("paused_at", sa.Float, nullable=False),
        sa.Column("retry_at", sa.Float, nullable=False),
        sa.Column("probe_by", sa.String(64), nullable=True),
        sa.Column("probe_until", sa.Float, nullable=True),
    )
    op.create_index("outbox_by_target", "outbox", ["target_arn", "status", "next_attempt_at"])
    op.create_index("messages_by_age", "messages", ["created_at"])


def downgrade() -> None:
    op.drop_index("messages_by_age", "messages")
    op.drop_index("outbox_by_target", "outbox")
    op.drop_table("destination_pauses")
