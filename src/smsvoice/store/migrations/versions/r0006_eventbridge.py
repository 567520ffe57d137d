"""EventBridge events: every event smsvoice made for the default event bus, published or not.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eventbridge_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("detail_type", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("outbox_id", sa.Integer, nullable=True),
    )
    op.create_index("eventbridge_by_subject", "eventbridge_events", ["subject", "id"])
    op.create_index("eventbridge_by_account", "eventbridge_events", ["account", "region", "id"])


def downgrade() -> None:
    op.drop_table("eventbridge_events")
