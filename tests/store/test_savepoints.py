"""`Transaction.savepoint`: a nested unit undone alone when it raises, on every backend; on PostgreSQL
the SAVEPOINT is queued and goes out only with what the nested unit sends (store/libpq.py)."""

from __future__ import annotations

import pytest

from smsvoice.store import Store, Transaction
from smsvoice.store.messages import MessageFilter
from tests.support.store_rows import ACCOUNT, REGION, text_message

KIND = "TEST_DOC"


class Refused(Exception):
    pass


def _message_ids(store: Store) -> set[str]:
    found = store.run_sync(lambda tx: tx.messages.find(MessageFilter(), limit=100, offset=0))
    return {message.message_id for message in found}


def test_a_failed_savepoint_is_undone_alone_whether_or_not_it_sent_anything(store: Store) -> None:
    def unit(tx: Transaction) -> list[str]:
        outcomes = []
        tx.messages.insert(text_message("before"))
        for name, sends in (("queued-only", False), ("sent", True), ("kept", None)):
            try:
                with tx.savepoint():
                    tx.messages.insert(text_message(name))  # queued on PostgreSQL
                    if sends:  # answered at once, so it goes out with the insert queued above
                        tx.documents(ACCOUNT, REGION).add(KIND, name, {"Name": name})
                    if sends is not None:
                        raise Refused(name)
                outcomes.append(f"{name} kept")
            except Refused:
                outcomes.append(f"{name} undone")
        tx.messages.insert(text_message("after"))
        return outcomes

    assert store.run_sync(unit) == ["queued-only undone", "sent undone", "kept kept"]
    assert _message_ids(store) == {"before", "kept", "after"}
    documents = store.run_sync(lambda tx: list(tx.documents(ACCOUNT, REGION).iterate(KIND)))
    assert documents == []


def test_a_savepoint_around_queued_writes_costs_no_statement(store: Store, round_trips: list[str]) -> None:
    before = len(round_trips)

    def unit(tx: Transaction) -> None:
        for index in range(3):
            with tx.savepoint():
                tx.messages.insert(text_message(f"quiet-{index}"))

    store.run_sync(unit)

    assert _message_ids(store) == {f"quiet-{index}" for index in range(3)}
    if not store.is_sqlite:
        assert round_trips[before:] == ["pipeline of BEGIN, INSERT, INSERT, INSERT, COMMIT"]


@pytest.mark.parametrize("count", [1, 120])
def test_preloaded_messages_are_loaded_as_they_were_stored(store: Store, count: int) -> None:
    ids = [f"pre-{index:03d}" for index in range(count)]

    def store_them(tx: Transaction) -> None:
        for message_id in ids:
            tx.messages.insert(text_message(message_id, body=message_id))

    store.run_sync(store_them)

    def unit(tx: Transaction) -> list[str | None]:
        tx.messages.preload([*ids, "missing"])
        loaded = [tx.messages.load(message_id) for message_id in [*ids, "missing"]]
        return [None if message is None else message.body for message in loaded]

    assert store.run_sync(unit) == [*ids, None]
