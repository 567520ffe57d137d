"""The change marker (server/changes_api.py, store/messages.py) that wakes the web inbox's stream and
long-polls: it moves with every change they show, and every part of it is one index lookup, so it
costs the same on a store of millions of rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from smsvoice.clock import SystemClock
from smsvoice.retention import Pruner, RetentionPolicy
from smsvoice.server.changes_api import change_marker
from smsvoice.store import Store, Transaction
from smsvoice.store.outbox import Outcomes, Rescheduled
from tests.support.store_rows import ACCOUNT, SENT_AT, outbox_entry, text_message


def _marker(store: Store) -> tuple[Any, ...]:
    return store.run_sync(change_marker)


def _moves(store: Store, change: Callable[[Transaction], object]) -> bool:
    before = _marker(store)
    store.run_sync(change)
    return _marker(store) != before


def _send(message_id: str, at: float = SENT_AT) -> Callable[[Transaction], None]:
    def send(tx: Transaction) -> None:
        tx.messages.insert(text_message(message_id, requested_at=at))
        tx.messages.add_event(message_id, "TEXT_SUCCESSFUL", at, "{}")

    return send


def _claim(tx: Transaction) -> list[int]:
    return [
        row.row_id for row in tx.outbox.claim_due(worker_id="w", now=SENT_AT + 1, lease_seconds=15, limit=10)
    ]


def test_the_marker_moves_with_every_change_the_inbox_shows(store: Store) -> None:
    assert _moves(store, _send("m-1"))
    assert _moves(store, lambda tx: tx.outbox.enqueue([outbox_entry("m-1")], SENT_AT))
    claimed: list[int] = []
    assert _moves(store, lambda tx: claimed.extend(_claim(tx)))
    retry = Outcomes([], [Rescheduled(claimed[0], "throttled", SENT_AT + 2)], [], [])
    assert _moves(store, lambda tx: tx.outbox.record_outcomes(retry, worker_id="w", now=SENT_AT + 1.5))
    claimed.clear()
    store.run_sync(lambda tx: claimed.extend(_claim(tx) or _reclaim(tx)))
    delivered = Outcomes(claimed, [], [], [])
    assert _moves(store, lambda tx: tx.outbox.record_outcomes(delivered, worker_id="w", now=SENT_AT + 3))
    assert not _moves(store, lambda tx: None)  # nothing changed: nothing to say

    # Removals leave no newer row behind; their totals tell.
    assert _moves(store, _send("m-2", SENT_AT + 10))
    policy = RetentionPolicy(keep_messages=1, keep_days=0, dead_letter_seconds=3600)
    before = _marker(store)
    pruned = asyncio.run(Pruner(store, SystemClock(), policy).prune())
    assert pruned[0] == 1 and _marker(store) != before
    assert _moves(store, lambda tx: tx.forget(ACCOUNT))


def _reclaim(tx: Transaction) -> list[int]:
    rows = tx.outbox.claim_due(worker_id="w", now=SENT_AT + 5, lease_seconds=15, limit=10)
    return [row.row_id for row in rows]


def test_every_part_of_the_marker_is_one_index_lookup(store: Store) -> None:
    store.run_sync(_send("m-1"))
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        _marker(store)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert len(statements) >= 5

    def plan(tx: Transaction) -> list[str]:
        found: list[str] = []
        if store.is_sqlite:
            for statement, parameters in statements:
                rows = tx.raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
                found += [str(row[-1]) for row in rows]
            return found
        # PostgreSQL prefers reading a table this small whole: forbid that, so that a statement that
        # has no index to use still shows a sequential scan.
        cursor = tx.raw.cursor()
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement, parameters in statements:
            cursor.execute(f"EXPLAIN {statement}", parameters)
            found += [str(row[0]).strip() for row in cursor.fetchall()]
        return found

    steps = store.run_sync(plan)
    # A full pass over a table: "SCAN <table>" on SQLite, "Seq Scan" on PostgreSQL.
    if store.is_sqlite:
        # A full pass over a table reads "SCAN <table>", with or without a covering index.
        assert not [step for step in steps if step.startswith("SCAN")], steps
        return
    # A full pass is a "Seq Scan", or an index scan with no "Index Cond" under it.
    scans = [index for index, step in enumerate(steps) if "Scan" in step]
    assert scans, steps
    unbounded = [
        steps[i] for i in scans if not steps[i + 1 : i + 2] or not steps[i + 1].startswith("Index Cond")
    ]
    assert not unbounded, steps
