"""The store's atomic operations: a quota taken in one step, and writes that fail when a document
changed after this transaction read it (the unit of work is then run again)."""

from __future__ import annotations

import pytest

from smsvoice.store import DuplicateKey, QuotaExceeded, Store, Transaction, WriteConflict
from smsvoice.store.sql import Statement

ACCOUNT, REGION, KIND = "111122223333", "us-east-1", "test/thing"


def _add(store: Store, key: str, limit: int) -> str:
    def work(tx: Transaction) -> str:
        try:
            tx.documents(ACCOUNT, REGION).add(KIND, key, {"Name": key}, limit=limit)
        except QuotaExceeded as over:
            return f"quota {over.limit}"
        except DuplicateKey:
            return "duplicate"
        return "added"

    return store.run_sync(work)


def _count(store: Store) -> int:
    return store.run_sync(lambda tx: tx.documents(ACCOUNT, REGION).count(KIND))


def test_add_under_a_quota_stops_at_the_limit_and_a_duplicate_gives_its_place_back(store: Store) -> None:
    assert [_add(store, f"k{index}", 3) for index in range(5)] == ["added"] * 3 + ["quota 3"] * 2
    assert _count(store) == 3
    assert _add(store, "k0", 4) == "duplicate"
    assert _count(store) == 3  # the place taken for the duplicate was given back
    assert _add(store, "k3", 4) == "added"
    assert _count(store) == 4


def test_a_quota_of_zero_admits_nothing(store: Store) -> None:
    assert _add(store, "k", 0) == "quota 0"
    assert _count(store) == 0


def _bump_behind_its_back(tx: Transaction, key: str) -> None:
    # Another node's write, as the database sees it: the version moves on.
    Statement("UPDATE resources SET version = version + 1, doc = :doc WHERE key = :key").execute(
        tx, {"doc": '{"Name": "theirs"}', "key": key}
    )


def test_replace_and_remove_of_a_document_changed_since_it_was_read_raise_write_conflict(
    store: Store,
) -> None:
    _add(store, "k", 10)

    def replace_after_change(tx: Transaction) -> None:
        documents = tx.documents(ACCOUNT, REGION)
        assert documents.get(KIND, "k") == {"Name": "k"}
        _bump_behind_its_back(tx, "k")
        documents.replace(KIND, "k", {"Name": "mine"})

    with pytest.raises(WriteConflict):  # every retry meets the same conflict
        store.run_sync(replace_after_change)

    def remove_after_change(tx: Transaction) -> None:
        documents = tx.documents(ACCOUNT, REGION)
        documents.get(KIND, "k")
        _bump_behind_its_back(tx, "k")
        documents.remove(KIND, "k")

    with pytest.raises(WriteConflict):
        store.run_sync(remove_after_change)
    # Nothing of the failed units was kept.
    assert store.run_sync(lambda tx: tx.documents(ACCOUNT, REGION).get(KIND, "k")) == {"Name": "k"}


def test_a_unit_of_work_that_meets_a_conflict_runs_again_in_a_new_transaction(store: Store) -> None:
    _add(store, "k", 10)
    attempts: list[str] = []

    def rename(tx: Transaction) -> str:
        documents = tx.documents(ACCOUNT, REGION)
        found = documents.get(KIND, "k")
        assert found is not None
        attempts.append(found["Name"])
        documents.replace(KIND, "k", {"Name": f"attempt {len(attempts)}"})
        if len(attempts) == 1:
            documents.get(KIND, "k")
            _bump_behind_its_back(tx, "k")
            documents.replace(KIND, "k", {"Name": "never kept"})  # raises WriteConflict
        return str(found["Name"])

    assert store.run_sync(rename) == "k"
    # The second attempt saw none of the first one's writes: they were rolled back.
    assert attempts == ["k", "k"]
    assert store.run_sync(lambda tx: tx.documents(ACCOUNT, REGION).get(KIND, "k")) == {"Name": "attempt 2"}


def test_a_document_read_twice_in_one_transaction_is_read_once_and_copied(store: Store) -> None:
    _add(store, "k", 10)

    def read_twice(tx: Transaction) -> bool:
        documents = tx.documents(ACCOUNT, REGION)
        first = documents.get(KIND, "k")
        assert first is not None
        first["Name"] = "changed by the caller"
        _bump_behind_its_back(tx, "k")  # not seen: the transaction remembers what it read
        return documents.get(KIND, "k") == {"Name": "k"}

    def read_twice_then_write(tx: Transaction) -> None:
        read_twice(tx)
        tx.documents(ACCOUNT, REGION).replace(KIND, "k", {})  # what it read is out of date

    with pytest.raises(WriteConflict):
        store.run_sync(read_twice_then_write)
    assert store.run_sync(read_twice) is True
