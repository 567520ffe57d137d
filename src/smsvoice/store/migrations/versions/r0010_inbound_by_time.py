"""Inbound messages get an index by the time they were received.

The change marker that wakes the web inbox's stream and long-polls (server/changes_api.py) reads the
newest inbound message after every commit while someone watches; without this index that was a
count over every inbound message.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("inbound_by_time", "inbound_messages", ["received_at"])


def downgrade() -> None:
    op.drop_index("inbound_by_time", table_name="inbound_messages")
