"""The carrier simulator's pending work: when each message's next timed transition is due.

One row per message that has a timed transition still to come. Manual-mode messages have no row:
only the inspection API moves them.
"""

from __future__ import annotations

from collections.abc import Callable

from smsvoice.store.sql import Statement, Target, first_float

_SCHEDULE = Statement(
    "INSERT INTO scheduled_transitions (message_id, due_at) VALUES (:message_id, :due_at) "
    "ON CONFLICT (message_id) DO UPDATE SET due_at = :due_at",
    libpq=True,
)
_UNSCHEDULE = Statement("DELETE FROM scheduled_transitions WHERE message_id = :message_id", libpq=True)
_DUE = "SELECT message_id FROM scheduled_transitions WHERE due_at <= :now ORDER BY due_at LIMIT :limit"
# PostgreSQL: rows another transaction holds are skipped (SQLite's single writer needs no lock).
_DUE_BY_DIALECT = {
    "sqlite": Statement(_DUE),
    "postgresql": Statement(f"{_DUE} FOR UPDATE SKIP LOCKED"),
}
_NEXT_DUE_AT = Statement("SELECT min(due_at) FROM scheduled_transitions", libpq=True)
_PENDING_COUNT = Statement("SELECT count(*) FROM scheduled_transitions")


class Schedule:
    def __init__(self, tx: Target) -> None:
        self._tx = tx

    def set(self, message_id: str, due_at: float) -> None:
        _SCHEDULE.defer(self._tx, {"message_id": message_id, "due_at": due_at})

    def clear(self, message_id: str) -> None:
        _UNSCHEDULE.defer(self._tx, {"message_id": message_id})

    def due(self, now: float, limit: int) -> list[str]:
        """Messages whose next transition is due, earliest first; on PostgreSQL, rows another
        transaction is working on are skipped, so concurrent rounds take different messages."""
        rows = _DUE_BY_DIALECT[self._tx.dialect].all(self._tx, {"now": now, "limit": limit})
        return [str(row[0]) for row in rows]

    def next_due_at(self) -> float | None:
        return self.next_due_at_ahead()()

    def next_due_at_ahead(self) -> Callable[[], float | None]:
        """`next_due_at`, read with the transaction's next round trip on PostgreSQL: call the answer
        for the value (the simulator's idle round reads it with the clock and the other timers)."""
        return first_float(_NEXT_DUE_AT.read_ahead(self._tx, []))

    def pending_count(self) -> int:
        row = _PENDING_COUNT.one(self._tx, {})
        assert row is not None  # count(*) answers one row
        return int(row[0])
