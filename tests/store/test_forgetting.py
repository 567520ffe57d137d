"""Forgetting one account's state (`DELETE /_smsvoice/state?account=`) takes that account's rows from
every table and leaves every other account's (store/forgetting.py), on both backends."""

from __future__ import annotations

from collections.abc import Callable

from smsvoice.store import Store, Transaction
from tests.support.store_rows import REGION, SENT_AT, text_message

FORGOTTEN = "111122223333"
KEPT = "444455556666"


def _state_of(account: str, suffix: str) -> Callable[[Transaction], None]:
    def write(tx: Transaction) -> None:
        documents = tx.documents(account, REGION)
        documents.add("configuration-set", f"set-{suffix}", {"Name": f"set-{suffix}"}, limit=25)
        message_id = f"m-{suffix}"
        tx.messages.insert(text_message(message_id, account=account))
        tx.messages.add_event(message_id, "TEXT_SUCCESSFUL", SENT_AT, '{"eventType": "TEXT_SUCCESSFUL"}')
        tx.schedule.set(message_id, SENT_AT + 60)
        tx.spend.add(account, REGION, "TEXT", SENT_AT, 0.00581)
        tx.idempotency.claim(account, REGION, "CreatePool", f"token-{suffix}", "digest", SENT_AT)
        tx.idempotency.remember(account, REGION, "CreatePool", f"token-{suffix}", {"PoolId": suffix})
        tx.rates.take(f"v2/CreatePool/{account}/{REGION}", 1.0, SENT_AT)

    return write


def _what_is_left(store: Store, account: str) -> dict[str, object]:
    def read(tx: Transaction) -> dict[str, object]:
        suffix = "a" if account == FORGOTTEN else "b"
        return {
            "set": tx.documents(account, REGION).get("configuration-set", f"set-{suffix}"),
            "count": tx.documents(account, REGION).count("configuration-set"),
            "message": tx.messages.load(f"m-{suffix}") is not None,
            "events": len(tx.messages.events_of([f"m-{suffix}"])[f"m-{suffix}"]),
            "spend": float(tx.spend.month_to_date(account, REGION, "TEXT", SENT_AT)),
            "token": tx.idempotency.recall(account, REGION, "CreatePool", f"token-{suffix}") is not None,
        }

    return store.run_sync(read)


def test_forgetting_one_account_keeps_every_other_accounts_rows(store: Store) -> None:
    store.run_sync(_state_of(FORGOTTEN, "a"))
    store.run_sync(_state_of(KEPT, "b"))
    pending_before = store.run_sync(lambda tx: tx.schedule.pending_count())
    assert pending_before == 2

    counts = store.run_sync(lambda tx: tx.forget(FORGOTTEN))

    for table in ("messages", "message_events", "scheduled_transitions", "resources", "idempotency"):
        assert counts[table] == 1, (table, counts)
    assert counts["resource_counts"] == 1
    assert counts["spend_totals"] >= 1
    assert counts["request_rates"] == 1
    assert _what_is_left(store, FORGOTTEN) == {
        "set": None,
        "count": 0,
        "message": False,
        "events": 0,
        "spend": 0.0,
        "token": False,
    }
    kept = _what_is_left(store, KEPT)
    assert kept["set"] == {"Name": "set-b"}
    assert (kept["count"], kept["message"], kept["events"], kept["token"]) == (1, True, 1, True)
    assert isinstance(kept["spend"], float) and kept["spend"] > 0
    assert store.run_sync(lambda tx: tx.schedule.pending_count()) == 1
    # The kept account's rate bucket is still there, its one token taken: a second take is refused,
    # where the forgotten account starts again from a full bucket.
    assert store.run_sync(lambda tx: tx.rates.take(f"v2/CreatePool/{KEPT}/{REGION}", 1.0, SENT_AT)) is False
    assert (
        store.run_sync(lambda tx: tx.rates.take(f"v2/CreatePool/{FORGOTTEN}/{REGION}", 1.0, SENT_AT)) is True
    )


def test_forgetting_every_account_empties_the_tables(store: Store) -> None:
    store.run_sync(_state_of(FORGOTTEN, "a"))
    store.run_sync(_state_of(KEPT, "b"))

    counts = store.run_sync(lambda tx: tx.forget(None))

    assert counts["messages"] == 2 and counts["message_events"] == 2 and counts["resources"] == 2
    assert counts["request_rates"] == 2
    assert _what_is_left(store, KEPT)["message"] is False
    assert store.run_sync(lambda tx: tx.schedule.pending_count()) == 0
