"""A unit of work is one transaction on every backend, however its statements travel.

On PostgreSQL the send path's statements go straight through libpq, its writes deferred and sent
together with the next statement or the COMMIT (store/libpq.py); these tests hold that to the
store's contract: nothing of a failed unit is kept, a unit reads its own writes, and a write that
fails when it is finally sent fails its unit and leaves the store usable.
"""

from __future__ import annotations

import pytest

from smsvoice.store import Store, Transaction
from smsvoice.store.messages import MessageFilter
from tests.support.store_rows import SENT_AT as NOW
from tests.support.store_rows import outbox_entry, text_message


class Refused(Exception):
    pass


def _count_messages(store: Store) -> int:
    return len(store.run_sync(lambda tx: tx.messages.find(MessageFilter(), limit=100, offset=0)))


def test_nothing_of_a_failed_unit_is_kept(store: Store) -> None:
    def fails(tx: Transaction) -> None:
        tx.messages.insert(text_message("failed-unit"))  # deferred on PostgreSQL
        tx.outbox.enqueue_one(outbox_entry("failed-unit"), NOW)  # answered at once, so sent at once
        tx.schedule.set("failed-unit", NOW + 5)
        raise Refused

    with pytest.raises(Refused):
        store.run_sync(fails)

    assert _count_messages(store) == 0
    assert (
        store.run_sync(lambda tx: tx.outbox.claim_due(worker_id="t", now=NOW + 10, lease_seconds=5, limit=10))
        == []
    )
    assert store.run_sync(lambda tx: tx.schedule.next_due_at()) is None


def test_a_unit_reads_its_own_deferred_writes(store: Store) -> None:
    def writes_then_reads(tx: Transaction) -> tuple[list[str], str, int]:
        tx.schedule.set("read-own", NOW + 5)
        tx.spend.add("111122223333", "us-east-1", "TEXT", NOW, 0.25)
        tx.messages.insert(text_message("read-own"))
        loaded = tx.messages.load("read-own")
        assert loaded is not None
        due = tx.schedule.due(NOW + 10, 10)  # through SQLAlchemy
        spent = tx.spend.month_to_date("111122223333", "us-east-1", "TEXT", NOW)  # through libpq
        return due, str(spent), len(tx.messages.find(MessageFilter(), limit=10, offset=0))

    due, spent, found = store.run_sync(writes_then_reads)

    assert due == ["read-own"]
    assert float(spent) == pytest.approx(0.25)
    assert found == 1


def test_a_deferred_write_that_fails_fails_its_unit_and_the_store_carries_on(store: Store) -> None:
    def twice(tx: Transaction) -> None:
        tx.messages.insert(text_message("twice"))
        tx.messages.insert(text_message("twice"))  # the same primary key: refused when it is sent

    with pytest.raises(Exception) as failure:
        store.run_sync(twice)

    assert any(word in type(failure.value).__name__ for word in ("Unique", "Integrity"))
    assert _count_messages(store) == 0
    store.run_sync(lambda tx: tx.messages.insert(text_message("after")))
    assert _count_messages(store) == 1
