"""The embedded store's write-ahead log stays bounded under steady writes (store/checkpointer.py)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from smsvoice.store import Transaction, open_store
from smsvoice.store.outbox import OutboxEntry

pytestmark = pytest.mark.embedded_store

BOUND_BYTES = 64 * 1024 * 1024
WRITTEN_BYTES = 160 * 1024 * 1024  # well past the bound: without truncation the log would hold it all


def test_the_log_stays_under_its_bound_while_writes_never_stop(tmp_path: Path) -> None:
    database = tmp_path / "smsvoice.db"
    store = open_store(f"sqlite:///{database}")
    record = "x" * 2048
    rows = [
        OutboxEntry(
            "111122223333",
            "us-east-1",
            str(uuid.uuid4()),
            1,
            "TEXT_DELIVERED",
            "cs",
            "d",
            "SNS",
            "arn:aws:sns:us-east-1:111122223333:t",
            None,
            record,
        )
        for _ in range(100)
    ]

    def write(tx: Transaction) -> None:
        tx.outbox.enqueue(rows, time.time())

    largest = 0
    try:
        for _ in range(WRITTEN_BYTES // (len(rows) * len(record))):  # bounded: ~800 units of work
            store.run_sync(write)
            wal = database.with_name(database.name + "-wal")
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
        state = store.wal_state()
    finally:
        store.close()
    assert state is not None and state["walRestarts"] + state["walTruncationsByWriters"] >= 1
    assert largest < BOUND_BYTES, f"the log reached {largest / 1e6:.0f} MB ({state})"
    assert (database.stat().st_size) > WRITTEN_BYTES // 2  # the writes did reach the database


def test_deletes_zero_only_the_pages_they_write_anyway(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'smsvoice.db'}")
    try:
        mode = store.run_sync(lambda tx: tx.raw.execute("PRAGMA secure_delete").fetchone()[0])
    finally:
        store.close()
    assert mode == 2  # FAST: see store/engine.py
