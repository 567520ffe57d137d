"""The carrier simulator's pending work: when each message's next timed transition is due.

One row per message that has a timed transition still to come. Manual-mode messages have no row:
only the inspection API moves them.
"""

from __future__ import annotations

from sqlalchemy import func, select

from smsvoice.store.schema import scheduled_transitions
from smsvoice.store.sql import Statement, Target

_SCHEDULE = Statement(
    "INSERT INTO scheduled_transitions (message_id, due_at) VALUES (:message_id, :due_at) "
    "ON CONFLICT (message_id) DO UPDATE SET due_at = :due_at",
    libpq=True,
)
_UNSCHEDULE = Statement("DELETE FROM scheduled_transitions WHERE message_id = :message_id", libpq=True)


class Schedule:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._connection = tx.connection

    def set(self, message_id: str, due_at: float) -> None:
        _SCHEDULE.defer(self._tx, {"message_id": message_id, "due_at": due_at})

    def clear(self, message_id: str) -> None:
        _UNSCHEDULE.defer(self._tx, {"message_id": message_id})

    def due(self, now: float, limit: int) -> list[str]:
        """Messages whose next transition is due, earliest first; on PostgreSQL, rows another
        transaction is working on are skipped, so concurrent rounds take different messages."""
        query = (
            select(scheduled_transitions.c.message_id)
            .where(scheduled_transitions.c.due_at <= now)
            .order_by(scheduled_transitions.c.due_at)
            .limit(limit)
        )
        if self._connection.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        return [str(row[0]) for row in self._connection.execute(query)]

    def next_due_at(self) -> float | None:
        value = self._connection.execute(
            select(func.min(scheduled_transitions.c.due_at))
        ).scalar_one_or_none()
        return None if value is None else float(value)

    def pending_count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(scheduled_transitions)).scalar_one()
        )
