"""A paused destination's rows stay out of the way: written parked while it is paused, and never
touched by lease renewal (its backlog grows by thousands of rows a second while it is down)."""

from __future__ import annotations

from smsvoice.store import Store, Transaction
from smsvoice.store.outbox import PARKED_AT, DeliveryFilter
from tests.support.store_rows import SENT_AT as NOW
from tests.support.store_rows import outbox_entry

DEAD = "arn:aws:sns:us-east-1:111122223333:gone"
ALIVE = "arn:aws:sns:us-east-1:111122223333:alive"


def test_renewal_extends_claims_in_flight_and_leaves_parked_rows_alone(store: Store) -> None:
    store.run_sync(
        lambda tx: tx.outbox.enqueue(
            [outbox_entry(f"dead-{index}", DEAD) for index in range(3)] + [outbox_entry("alive", ALIVE)], NOW
        )
    )
    claimed = store.run_sync(
        lambda tx: tx.outbox.claim_due(worker_id="w", now=NOW, lease_seconds=30, limit=10)
    )
    assert len(claimed) == 4
    parked = store.run_sync(lambda tx: tx.outbox.park(target_arn=DEAD, worker_id="w", now=NOW, reason="gone"))
    probe = store.run_sync(
        lambda tx: tx.outbox.claim_parked(target_arn=DEAD, worker_id="w", now=NOW, lease_seconds=30)
    )
    assert parked == 3
    assert probe is not None

    store.run_sync(lambda tx: tx.outbox.renew_leases(worker_id="w", until=NOW + 300))

    rows = {row.message_id: row for row in store.run_sync(lambda tx: tx.outbox.list(DeliveryFilter()))[0]}
    assert rows["alive"].claimed_until == NOW + 300
    assert rows["alive"].next_attempt_at == NOW + 300
    for index in range(3):
        row = rows[f"dead-{index}"]
        assert row.next_attempt_at >= PARKED_AT  # still parked, in its place
        assert row.claimed_until in (None, NOW + 30)  # the probe's lease is its own


def test_rows_for_a_paused_destination_are_written_parked_and_due_again_after_it_resumes(
    store: Store,
) -> None:
    store.run_sync(
        lambda tx: tx.pauses.pause(target_arn=DEAD, kind="SNS", reason="gone", now=NOW, delay=lambda _: 5.0)
    )
    store.run_sync(
        lambda tx: tx.outbox.enqueue([outbox_entry("while-paused", DEAD), outbox_entry("other", ALIVE)], NOW)
    )

    due = store.run_sync(
        lambda tx: tx.outbox.claim_due(worker_id="w", now=NOW + 1, lease_seconds=30, limit=10)
    )
    rows = {row.message_id: row for row in store.run_sync(lambda tx: tx.outbox.list(DeliveryFilter()))[0]}
    assert [row.message_id for row in due] == ["other"]
    assert rows["while-paused"].next_attempt_at == PARKED_AT + NOW  # parked in its place

    def resume(tx: Transaction) -> int:
        assert tx.pauses.resume(DEAD)
        return tx.outbox.unpark(DEAD)

    assert store.run_sync(resume) == 1
    store.run_sync(lambda tx: tx.outbox.enqueue([outbox_entry("after", DEAD)], NOW + 2))
    due = store.run_sync(
        lambda tx: tx.outbox.claim_due(worker_id="w", now=NOW + 3, lease_seconds=30, limit=10)
    )
    assert [row.message_id for row in due] == ["while-paused", "after"]
