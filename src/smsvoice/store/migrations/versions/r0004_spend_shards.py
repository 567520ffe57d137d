"""Month-to-date spend kept in shards, so that concurrent sends on PostgreSQL do not queue on one row.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spend_totals",
        sa.Column("account", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(8), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("shard", sa.Integer, primary_key=True),
        sa.Column("total", sa.Float, nullable=False),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO spend_totals (account, region, channel, month, shard, total) "
        "SELECT account, region, channel, month, 0, total FROM message_spend"
    )
    op.drop_table("message_spend")


def downgrade() -> None:
    op.create_table(
        "message_spend",
        sa.Column("account", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(8), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("total", sa.Float, nullable=False),
    )
    op.execute(
        "INSERT INTO message_spend (account, region, channel, month, total) "
        "SELECT account, region, channel, month, SUM(total) FROM spend_totals "
        "GROUP BY account, region, channel, month"
    )
    op.drop_table("spend_totals")
