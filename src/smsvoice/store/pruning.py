"""Pruning: the oldest messages with their event records, and finished outbox rows, in small batches.

Each call deletes at most `limit` messages (or outbox rows), so a unit of work stays short. A message's
outbox rows go with it only once delivered: a record still PENDING is never dropped (its delivery is
owed), and DEAD rows follow their own window (`prune_finished_outbox`).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from smsvoice.store.outbox import DEAD, DELIVERED
from smsvoice.store.sql import SERVER_JSON_IDS, SQLITE_JSON_IDS, Statement, Target


@dataclass(frozen=True)
class _Deletes:
    """A batch's deletes, each given the batch's message ids as one JSON array: the same four
    statements for any batch size, written once (through SQLAlchemy Core, an IN list of 200 bound
    values was compiled and bound anew for every statement, more than half of a batch's time)."""

    events: Statement
    transitions: Statement
    delivered_outbox: Statement
    messages: Statement


def _deletes(ids: str) -> _Deletes:
    """`ids`: the dialect's query of the values of the JSON array `:ids`."""
    return _Deletes(
        Statement(f"DELETE FROM message_events WHERE message_id IN ({ids})"),
        Statement(f"DELETE FROM scheduled_transitions WHERE message_id IN ({ids})"),
        Statement(f"DELETE FROM outbox WHERE message_id IN ({ids}) AND status = '{DELIVERED}'"),
        Statement(f"DELETE FROM messages WHERE id IN ({ids})"),
    )


_SQLITE_DELETES = _deletes(SQLITE_JSON_IDS)
_SERVER_DELETES = _deletes(SERVER_JSON_IDS)
_OLDEST = Statement("SELECT id FROM messages WHERE created_at <= :cutoff ORDER BY created_at LIMIT :limit")
_KEEP_NEWEST_CUTOFF = Statement(
    "SELECT created_at FROM messages ORDER BY created_at DESC LIMIT 1 OFFSET :keep"
)
# Up to `:limit` finished rows, chosen and deleted in one statement.
_FINISHED_OUTBOX = Statement(
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE "
    f"(status = '{DELIVERED}' AND next_attempt_at < :delivered_before) "
    f"OR (status = '{DEAD}' AND next_attempt_at < :dead_before) LIMIT :limit)"
)


class Pruning:
    def __init__(self, tx: Target) -> None:
        self._tx = tx
        self._deletes = _SQLITE_DELETES if tx.dialect == "sqlite" else _SERVER_DELETES

    def keep_newest_cutoff(self, keep: int) -> float | None:
        """The creation time at or before which messages are beyond the newest `keep` (None: there are
        no more than `keep`)."""
        row = _KEEP_NEWEST_CUTOFF.one(self._tx, {"keep": keep})
        return None if row is None else float(row[0])

    def prune_messages(self, *, created_at_or_before: float, limit: int) -> tuple[int, int]:
        """Delete up to `limit` of the oldest messages created at or before the time, with their event
        records (their EventBridge events are made from them), scheduled transitions and delivered outbox rows; (messages, outbox
        rows) deleted."""
        found = _OLDEST.all(self._tx, {"cutoff": created_at_or_before, "limit": limit})
        if not found:
            return 0, 0
        ids = {"ids": orjson.dumps([row[0] for row in found]).decode()}
        deletes = self._deletes
        deletes.events.execute(self._tx, ids)
        deletes.transitions.execute(self._tx, ids)
        delivered = deletes.delivered_outbox.rowcount(self._tx, ids)
        deleted = deletes.messages.rowcount(self._tx, ids)
        return deleted, delivered

    def prune_finished_outbox(self, *, delivered_before: float, dead_before: float, limit: int) -> int:
        """Delete up to `limit` outbox rows delivered before `delivered_before` or given up before
        `dead_before` (a finished row's next_attempt_at is when it was last attempted)."""
        return _FINISHED_OUTBOX.rowcount(
            self._tx, {"delivered_before": delivered_before, "dead_before": dead_before, "limit": limit}
        )
