"""A message's EventBridge events are derived from its event records, no longer stored beside them.

`eventbridge_events` keeps the events that are not a message's (registration status changes). The
message events stored by 0006-0008 are dropped: the inspection API now makes them from the records,
and the outbox rows that published them stay with their deliveries.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The detail types of message events (messaging/eventbridge.py DETAIL_TYPES), as written by 0006-0008.
_MESSAGE_DETAIL_TYPES = (
    "Text Message Delivery Status Updated",
    "Media Message Delivery Status Updated",
    "Voice Message Delivery Status Updated",
)


def upgrade() -> None:
    events = sa.table("eventbridge_events", sa.column("detail_type", sa.String))
    op.execute(events.delete().where(events.c.detail_type.in_(_MESSAGE_DETAIL_TYPES)))


def downgrade() -> None:
    """Nothing to restore: the events are derived from the records, which stay."""
