"""Units of work run with `batched=True` keep the contract of units run alone, on every backend; on
PostgreSQL those ready together share one transaction (store/batches.py), each in a savepoint.

Each test starts its units in one event-loop step (asyncio.gather), so they are queued together and
form one batch on PostgreSQL; the group's own counts (Store.batch_state) show that they did.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from smsvoice.store import Store, Transaction, WriteConflict
from smsvoice.store.messages import MessageFilter
from tests.support.store_rows import ACCOUNT, REGION, text_message
from tests.support.store_rows import SENT_AT as NOW

KIND = "TEST_DOC"


class Refused(Exception):
    pass


def _together(
    store: Store,
    units: Sequence[Callable[[Transaction], Any]],
    reads: Sequence[Callable[[Transaction], None]] | None = None,
) -> list[Any]:
    """Run `units` batched, all started at once (with `reads`, one for each, as their reads ahead);
    their answers or errors, in order."""
    aheads: Sequence[Callable[[Transaction], None] | None] = reads or [None] * len(units)

    async def run_all() -> list[Any]:
        return await asyncio.gather(
            *(
                store.run(unit, batched=True, read_ahead=ahead)
                for unit, ahead in zip(units, aheads, strict=True)
            ),
            return_exceptions=True,
        )

    return asyncio.run(run_all())


def _stored_documents(store: Store) -> set[str]:
    return {key for key, _doc in store.run_sync(lambda tx: list(tx.documents(ACCOUNT, REGION).iterate(KIND)))}


def _message_ids(store: Store) -> set[str]:
    found = store.run_sync(lambda tx: tx.messages.find(MessageFilter(), limit=1000, offset=0))
    return {message.message_id for message in found}


def _shared(store: Store, units: int) -> None:
    """On PostgreSQL: `units` units ran in fewer transactions than units (elsewhere nothing to see)."""
    state = store.batch_state()
    if store.is_sqlite:
        assert state is None
        return
    assert state is not None
    assert state["units"] == units
    assert state["batches"] < units


def _adds(key: str) -> Callable[[Transaction], str]:
    def unit(tx: Transaction) -> str:
        tx.documents(ACCOUNT, REGION).add(KIND, key, {"Name": key})  # sent at once (its answer is read)
        tx.messages.insert(text_message(key))  # deferred on PostgreSQL: goes out with the next unit
        return key

    return unit


def test_a_failing_unit_is_undone_alone_and_the_others_are_kept(store: Store) -> None:
    def fails_after_writing(tx: Transaction) -> str:
        _adds("written-then-refused")(tx)
        raise Refused("after writing")

    def fails_before_any_statement(tx: Transaction) -> str:
        tx.messages.insert(text_message("queued-then-refused"))  # only queued on PostgreSQL
        raise Refused("before any statement")

    units = [_adds(f"kept-{index}") for index in range(8)]
    units[2] = fails_after_writing
    units[5] = fails_before_any_statement

    answers = _together(store, units)

    assert isinstance(answers[2], Refused) and str(answers[2]) == "after writing"
    assert isinstance(answers[5], Refused) and str(answers[5]) == "before any statement"
    kept = {f"kept-{index}" for index in range(8)} - {"kept-2", "kept-5"}
    assert {answer for answer in answers if isinstance(answer, str)} == kept
    assert _stored_documents(store) == kept
    assert _message_ids(store) == kept
    _shared(store, 8)


def test_a_database_error_runs_every_unit_of_the_batch_again_alone(store: Store) -> None:
    store.run_sync(lambda tx: tx.messages.insert(text_message("taken")))

    def duplicate(tx: Transaction) -> str:
        # The same primary key as a stored message: refused when sent, which on PostgreSQL is with
        # the next unit's statements, so the batch cannot tell whose write failed.
        tx.messages.insert(text_message("taken"))
        return "duplicate"

    units = [_adds(f"ok-{index}") for index in range(6)]
    units[3] = duplicate

    answers = _together(store, units)

    assert any(word in type(answers[3]).__name__ for word in ("Unique", "Integrity")), answers[3]
    ok = {f"ok-{index}" for index in range(6)} - {"ok-3"}
    assert [answer for index, answer in enumerate(answers) if index != 3] == sorted(ok)
    assert _stored_documents(store) == ok
    assert _message_ids(store) == ok | {"taken"}
    state = store.batch_state()
    if state is not None:
        assert state["unitsRunAgain"] == 6  # the whole batch, each unit alone


def test_a_write_conflict_runs_the_unit_again_alone(store: Store) -> None:
    if store.is_sqlite:
        pytest.skip("one writer: a unit of work on SQLite never meets a write conflict")
    attempts: list[int] = []

    def conflicts_once(tx: Transaction) -> str:
        _adds("retried")(tx)
        attempts.append(1)
        if len(attempts) == 1:
            raise WriteConflict("changed by another transaction")
        return "retried"

    answers = _together(store, [_adds("first"), conflicts_once, _adds("last")])

    assert answers == ["first", "retried", "last"]
    assert len(attempts) == 2
    assert _stored_documents(store) == {"first", "retried", "last"}
    assert store.batch_state() == {"batches": 1, "units": 3, "unitsRunAgain": 1}


def test_a_unit_sees_the_spend_of_the_units_before_it_and_a_failed_one_counts_nothing(
    store: Store,
) -> None:
    def spends(amount: float, refuse: bool = False) -> Callable[[Transaction], str]:
        def unit(tx: Transaction) -> str:
            before = tx.spend.month_to_date(ACCOUNT, REGION, "TEXT", NOW)
            tx.spend.add(ACCOUNT, REGION, "TEXT", NOW, amount)
            if refuse:
                raise Refused(str(before))
            return str(before)

        return unit

    answers = _together(
        store, [spends(0.25), spends(0.5), spends(4.0, refuse=True), spends(0.125), spends(1.0)]
    )

    assert isinstance(answers[2], Refused) and str(answers[2]) == "0.75000"
    assert [answers[index] for index in (0, 1, 3, 4)] == ["0.00000", "0.25000", "0.75000", "0.87500"]
    total = store.run_sync(lambda tx: tx.spend.month_to_date(ACCOUNT, REGION, "TEXT", NOW))
    assert float(total) == pytest.approx(1.875)
    _shared(store, 5)


def test_a_batch_is_two_round_trips_its_reads_then_its_writes_with_the_commit(
    store: Store, round_trips: list[str]
) -> None:
    store.run_sync(lambda tx: tx.documents(ACCOUNT, REGION).add(KIND, "shared", {"Name": "shared"}))
    before = len(round_trips)

    def reads(index: int) -> Callable[[Transaction], None]:
        def read_ahead(tx: Transaction) -> None:
            tx.documents(ACCOUNT, REGION).read_ahead([(KIND, "shared"), (KIND, f"missing-{index}")])
            tx.spend.read_ahead(ACCOUNT, REGION, "TEXT", NOW)

        return read_ahead

    def sends(index: int) -> Callable[[Transaction], str]:
        def unit(tx: Transaction) -> str:
            documents = tx.documents(ACCOUNT, REGION)
            found, missing = documents.get(KIND, "shared"), documents.get(KIND, f"missing-{index}")
            assert found == {"Name": "shared"} and missing is None
            spent = tx.spend.month_to_date(ACCOUNT, REGION, "TEXT", NOW)
            tx.messages.insert(text_message(f"batched-{index}"))
            tx.spend.add(ACCOUNT, REGION, "TEXT", NOW, 0.5)
            return str(spent)

        return unit

    answers = _together(store, [sends(index) for index in range(12)], [reads(index) for index in range(12)])

    assert answers == [f"{0.5 * index:.5f}" for index in range(12)]
    assert _message_ids(store) == {f"batched-{index}" for index in range(12)}
    if not store.is_sqlite:
        first, last = round_trips[before:]
        # Every unit's reads: its documents (each unit's own pair), and the month's spend, the same
        # read for all, made once. Then every unit's writes: 12 messages, and the batch's spend in one
        # row. No unit sent anything while it ran, so none needed a savepoint.
        assert first == "pipeline of BEGIN" + ", SELECT" * 13
        assert last == "pipeline of " + "INSERT, " * 13 + "COMMIT"
        _shared(store, 12)


def test_a_batch_whose_units_all_fail_keeps_nothing_and_the_next_one_works(store: Store) -> None:
    def refused(index: int) -> Callable[[Transaction], str]:
        def unit(tx: Transaction) -> str:
            tx.documents(ACCOUNT, REGION).read_ahead([(KIND, f"never-{index}")])  # a round trip was made
            assert tx.documents(ACCOUNT, REGION).get(KIND, f"never-{index}") is None
            tx.messages.insert(text_message(f"never-{index}"))
            raise Refused(str(index))

        return unit

    answers = _together(store, [refused(index) for index in range(4)])

    assert [str(answer) for answer in answers] == ["0", "1", "2", "3"]
    assert all(isinstance(answer, Refused) for answer in answers)
    assert _message_ids(store) == set()
    assert _together(store, [_adds("after")]) == ["after"]
    assert _message_ids(store) == {"after"}
