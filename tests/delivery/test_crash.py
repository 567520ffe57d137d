"""Nothing is lost: kill -9 and restart, stale claims of dead workers, dead-lettering."""

from __future__ import annotations

import time
from collections.abc import Callable

from smsvoice.store import Transaction
from smsvoice.store.sql import Statement
from smsvoice.testing.process import ServerProcess
from tests.delivery.support import Aws, Outbox, deliveries, entry, unique, wait_for_status
from tests.support.waiting import wait_until


def test_kill_9_during_a_burst_loses_nothing(delivering: Callable[..., ServerProcess], aws: Aws) -> None:
    topic, queue = aws.topic_with_queue(unique("burst"))
    server = delivering()
    rows = [entry("SNS", topic) for _ in range(300)]
    writer = Outbox(server.data_dir)
    try:
        writer.add(rows)
        wait_until(
            lambda: any(
                row["status"] == "DELIVERED" for row in deliveries(server.endpoint, status="DELIVERED")
            ),
            timeout=30,
            interval=0.01,
        )
        server.kill()  # SIGKILL: no clean shutdown, claims stay in the store
        in_store = writer.execute("SELECT status, count(*) FROM outbox GROUP BY status")
        assert sum(count for _, count in in_store) == 300

        restarted = delivering(data_dir=server.data_dir)
        wait_for_status(restarted.endpoint, [row.message_id for row in rows], "DELIVERED", timeout=60)
    finally:
        writer.close()

    bodies = aws.drain(queue, expected=300, timeout=30)
    # At least once: every record arrived; a record in flight at the kill may have arrived twice.
    assert set(bodies) == {row.record for row in rows}


def test_a_stale_claim_of_a_dead_worker_is_reclaimed(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    topic, queue = aws.topic_with_queue(unique("stale"))
    server = delivering()
    stale = entry("SNS", topic)
    held = entry("SNS", topic)
    writer = Outbox(server.data_dir)
    try:
        # Both rows are claimed by a worker that no longer exists; one lease has run out, one has not.
        # Written claimed in one transaction: the server's worker never sees them unclaimed.
        now = time.time()
        claim = Statement(
            "UPDATE outbox SET claimed_by = 'crashed-worker', claimed_until = :until WHERE message_id = :id"
        )

        def crashed_claims(tx: Transaction) -> None:
            tx.outbox.enqueue([stale, held], now)
            claim.execute(tx, {"until": now - 1, "id": stale.message_id})
            claim.execute(tx, {"until": now + 3600, "id": held.message_id})

        writer.store.run_sync(crashed_claims)

        wait_for_status(server.endpoint, [stale.message_id], "DELIVERED")
        assert aws.drain(queue, expected=1) == [stale.record]
        [still_held] = deliveries(server.endpoint, message_id=held.message_id)
        assert still_held["status"] == "PENDING"
        assert still_held["claimed_by"] == "crashed-worker"
        assert still_held["attempts"] == 0
        [reclaimed] = deliveries(server.endpoint, message_id=stale.message_id)
        assert reclaimed["claimed_by"] is None
        assert reclaimed["attempts"] == 1
    finally:
        writer.close()


def test_a_record_is_dead_lettered_after_the_retention_window(
    delivering: Callable[..., ServerProcess], aws: Aws
) -> None:
    server = delivering("--delivery-retention-seconds", "2")
    row = entry("SNS", f"arn:aws:sns:us-east-1:123456789012:{unique('never')}")
    writer = Outbox(server.data_dir)
    try:
        writer.add([row])
        wait_for_status(server.endpoint, [row.message_id], "DEAD", timeout=30)
    finally:
        writer.close()

    [dead] = deliveries(server.endpoint, status="DEAD", message_id=row.message_id)
    assert dead["attempts"] >= 2  # retried within the window, then given up
    assert "retention window ended" in dead["last_error"]
    assert "NotFound" in dead["last_error"]
    assert dead["delivered_at"] is None
    assert dead["next_attempt_at"] is None
    # A topic that does not exist is the destination's failure, not the record's: the log says the
    # pause once, not once per attempt (delivery/breaker.py).
    lines = server.log_text().splitlines()
    paused = [line for line in lines if "paused" in line and row.target_arn in line]
    assert len(paused) == 1, paused
    assert not [line for line in lines if f"message={row.message_id}" in line]
