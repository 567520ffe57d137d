"""The change marker (server/changes_api.py, store/messages.py) that wakes the web inbox's stream and
long-polls: it moves with every change they show, and every part of it is one index lookup, so it
costs the same on a store of millions of rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from smsvoice.clock import SystemClock
from smsvoice.retention import Pruner, RetentionPolicy
from smsvoice.server.changes_api import change_marker
from smsvoice.store import Store, Transaction
from smsvoice.store.outbox import Outcomes, Rescheduled
from smsvoice.store.sql import Statement, Target
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


def test_every_part_of_the_marker_is_one_index_lookup(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.run_sync(_send("m-1"))
    # The marker's statements are the store's own (store/sql.py): every one runs through execute_args.
    statements: list[tuple[Statement, Sequence[Any]]] = []
    execute_args = Statement.execute_args

    def seen(statement: Statement, target: Target, args: Sequence[Any]) -> Any:
        statements.append((statement, args))
        return execute_args(statement, target, args)

    monkeypatch.setattr(Statement, "execute_args", seen)
    _marker(store)
    monkeypatch.undo()
    read = " ".join(statement.sql for statement, _ in statements)
    assert all(table in read for table in ("message_events", "outbox", "inbound_messages", "store_meta"))

    def plan(tx: Transaction) -> list[str]:
        found: list[str] = []
        if store.is_sqlite:
            for statement, args in statements:
                rows = Statement(f"EXPLAIN QUERY PLAN {statement.sql}").all_args(tx, args)
                found += [str(row[-1]) for row in rows]
            return found
        # PostgreSQL prefers reading a table this small whole: forbid that, so that a statement that
        # has no index to use still shows a sequential scan.
        tx.raw.execute("SET LOCAL enable_seqscan = off")
        for statement, args in statements:
            rows = Statement(f"EXPLAIN {statement.sql}").all_args(tx, args)
            found += [str(row[0]).strip() for row in rows]
        return found

    steps = store.run_sync(plan)
    # A full pass over a table: "SCAN <table>" on SQLite, "Seq Scan" on PostgreSQL.
    if store.is_sqlite:
        # A full pass over a table reads "SCAN <table>", with or without a covering index ("SCAN
        # CONSTANT ROW" reads none: the row of one statement's several subqueries).
        assert not [step for step in steps if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"], steps
        return
    # A full pass is a "Seq Scan", or an index scan with no "Index Cond" under it. (A "Bitmap Heap Scan"
    # reads the rows its "Bitmap Index Scan", checked here too, found.)
    scans = [index for index, step in enumerate(steps) if "Scan" in step and "Bitmap Heap Scan" not in step]
    assert scans, steps
    unbounded = [
        steps[i] for i in scans if not steps[i + 1 : i + 2] or not steps[i + 1].startswith("Index Cond")
    ]
    assert not unbounded, steps
