"""Reads queued ahead (store/libpq.py `read_ahead`, Documents.read_ahead, Spend.read_ahead) answer
exactly what reading them at once would, on every backend; on PostgreSQL they ride with the next
statement instead of costing a round trip each."""

from __future__ import annotations

from typing import Any

import pytest

from smsvoice.store import Store, Transaction
from tests.support.store_rows import ACCOUNT, REGION
from tests.support.store_rows import SENT_AT as NOW

KIND = "TEST_DOC"


def _seed(store: Store) -> None:
    def seed(tx: Transaction) -> None:
        tx.documents(ACCOUNT, REGION).add(KIND, "present", {"Name": "present"})
        tx.spend.add(ACCOUNT, REGION, "TEXT", NOW, 0.25)
        tx.settings.put_text("read-ahead-test", '"on"')

    store.run_sync(seed)


def test_reads_ahead_answer_as_reads_made_at_once_and_ride_with_the_next_statement(
    store: Store, round_trips: list[str]
) -> None:
    _seed(store)
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[Any, Any, Any, str | None, int]:
        documents = tx.documents(ACCOUNT, REGION)
        documents.read_ahead([(KIND, "present"), (KIND, "missing")])
        tx.spend.read_ahead(ACCOUNT, REGION, "TEXT", NOW)
        setting = tx.settings.get_text("read-ahead-test")  # the statement they ride with
        trips_so_far = len(round_trips) - before
        return (
            documents.get(KIND, "present"),
            documents.get(KIND, "missing"),
            tx.spend.month_to_date(ACCOUNT, REGION, "TEXT", NOW),
            setting,
            trips_so_far,
        )

    present, missing, spent, setting, trips = store.run_sync(unit)

    assert present == {"Name": "present"}
    assert missing is None
    assert float(spent) == pytest.approx(0.25)
    assert setting == '"on"'
    if not store.is_sqlite:
        # BEGIN, both reads ahead and the setting in one round trip; the documents and the spend
        # were then answered without another.
        assert trips == 1, round_trips
        assert round_trips[before] == "pipeline of BEGIN, SELECT, SELECT, SELECT"
        assert len(round_trips) == before + 1, round_trips  # read-only: nothing to commit


def test_a_document_read_ahead_as_missing_can_be_created_in_the_same_unit(store: Store) -> None:
    def unit(tx: Transaction) -> Any:
        documents = tx.documents(ACCOUNT, REGION)
        documents.read_ahead([(KIND, "created-here")])
        documents.add(KIND, "created-here", {"Name": "created-here"})
        return documents.get(KIND, "created-here")

    assert store.run_sync(unit) == {"Name": "created-here"}
    assert store.run_sync(lambda tx: tx.documents(ACCOUNT, REGION).get(KIND, "created-here")) == {
        "Name": "created-here"
    }


def test_a_failed_unit_with_reads_ahead_still_queued_leaves_the_store_usable(store: Store) -> None:
    _seed(store)

    class Refused(Exception):
        pass

    def fails(tx: Transaction) -> None:
        tx.documents(ACCOUNT, REGION).read_ahead([(KIND, "present")])
        tx.spend.read_ahead(ACCOUNT, REGION, "TEXT", NOW)
        raise Refused  # before anything was sent

    with pytest.raises(Refused):
        store.run_sync(fails)

    spent = store.run_sync(lambda tx: tx.spend.month_to_date(ACCOUNT, REGION, "TEXT", NOW))
    assert float(spent) == pytest.approx(0.25)


def test_a_document_read_ahead_through_an_index_arrives_with_the_next_statement(
    store: Store, round_trips: list[str]
) -> None:
    def seed(tx: Transaction) -> None:
        documents = tx.documents(ACCOUNT, REGION)
        documents.add(KIND, "target-1", {"Name": "target-1"})
        documents.add("TEST_INDEX", "+12065550100", {"TargetId": "target-1"})

    store.run_sync(seed)
    before = len(round_trips)

    def unit(tx: Transaction) -> tuple[Any, Any, Any, int]:
        documents = tx.documents(ACCOUNT, REGION)
        documents.read_ahead_through("TEST_INDEX", "+12065550100", "TargetId", KIND)
        documents.read_ahead_through("TEST_INDEX", "+12065550199", "TargetId", KIND)  # no such index
        tx.settings.get_text("anything")  # the statement they ride with
        trips = len(round_trips) - before
        index = documents.get("TEST_INDEX", "+12065550100")
        assert index is not None
        return documents.get(KIND, str(index["TargetId"])), index, documents.get(KIND, "target-2"), trips

    target, index, missing, trips = store.run_sync(unit)

    assert target == {"Name": "target-1"}
    assert index == {"TargetId": "target-1"}
    assert missing is None
    if not store.is_sqlite:
        # The target came with the first round trip; the index itself (not read ahead) and the
        # missing document each took one more.
        assert trips == 1, round_trips
        assert round_trips[before] == "pipeline of BEGIN, SELECT, SELECT, SELECT"
        assert len(round_trips) == before + 3, round_trips
