"""Inbound messages: what handsets sent to the account's numbers (two-way SMS).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("handset", sa.String(32), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
    )
    op.create_index("inbound_by_account", "inbound_messages", ["account", "region", "received_at"])
    op.create_index("inbound_by_conversation", "inbound_messages", ["number", "handset", "received_at"])


def downgrade() -> None:
    op.drop_table("inbound_messages")
