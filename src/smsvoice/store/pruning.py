"""Pruning: the oldest messages with their event records, and finished outbox rows, in small batches.

Each call deletes at most `limit` messages (or outbox rows), so a unit of work stays short. A message's
outbox rows go with it only once delivered: a record still PENDING is never dropped (its delivery is
owed), and DEAD rows follow their own window (`prune_finished_outbox`).
"""

from __future__ import annotations

from sqlalchemy import and_, delete, or_, select

from smsvoice.store.outbox import DEAD, DELIVERED
from smsvoice.store.schema import message_events, messages, outbox, scheduled_transitions
from smsvoice.store.sql import Target


class Pruning:
    def __init__(self, tx: Target) -> None:
        self._connection = tx.connection

    def keep_newest_cutoff(self, keep: int) -> float | None:
        """The creation time at or before which messages are beyond the newest `keep` (None: there are
        no more than `keep`)."""
        query = select(messages.c.created_at).order_by(messages.c.created_at.desc()).limit(1).offset(keep)
        value = self._connection.execute(query).scalar_one_or_none()
        return None if value is None else float(value)

    def prune_messages(self, *, created_at_or_before: float, limit: int) -> tuple[int, int]:
        """Delete up to `limit` of the oldest messages created at or before the time, with their event
        records (their EventBridge events are made from them), scheduled transitions and delivered outbox rows; (messages, outbox
        rows) deleted."""
        ids = list(
            self._connection.execute(
                select(messages.c.id)
                .where(messages.c.created_at <= created_at_or_before)
                .order_by(messages.c.created_at)
                .limit(limit)
            ).scalars()
        )
        if not ids:
            return 0, 0
        connection = self._connection
        connection.execute(delete(message_events).where(message_events.c.message_id.in_(ids)))
        connection.execute(delete(scheduled_transitions).where(scheduled_transitions.c.message_id.in_(ids)))
        delivered = connection.execute(
            delete(outbox).where(outbox.c.message_id.in_(ids), outbox.c.status == DELIVERED)
        ).rowcount
        deleted = connection.execute(delete(messages).where(messages.c.id.in_(ids))).rowcount
        return int(deleted), int(delivered)

    def prune_finished_outbox(self, *, delivered_before: float, dead_before: float, limit: int) -> int:
        """Delete up to `limit` outbox rows delivered before `delivered_before` or given up before
        `dead_before` (a finished row's next_attempt_at is when it was last attempted)."""
        finished = or_(
            and_(outbox.c.status == DELIVERED, outbox.c.next_attempt_at < delivered_before),
            and_(outbox.c.status == DEAD, outbox.c.next_attempt_at < dead_before),
        )
        ids = list(self._connection.execute(select(outbox.c.id).where(finished).limit(limit)).scalars())
        if not ids:
            return 0
        return int(self._connection.execute(delete(outbox).where(outbox.c.id.in_(ids))).rowcount)
