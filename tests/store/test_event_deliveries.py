"""A message's event record and its outbox rows, written together (`Messages.add_event` with
`deliveries`; one statement on PostgreSQL, store/outbox.py `enqueue_with_new_event`): every row points
at its own record, carries the record's text unless it brings its own (an EventBridge event), and is
written parked when its destination is paused, on every backend."""

from __future__ import annotations

import dataclasses

from smsvoice.store import Store, Transaction
from smsvoice.store.outbox import PARKED_AT, PENDING, DeliveryFilter, OutboxEntry
from tests.support.store_rows import SENT_AT as NOW
from tests.support.store_rows import outbox_entry, text_message

TOPIC = "arn:aws:sns:us-east-1:111122223333:orders"
PAUSED = "arn:aws:sns:us-east-1:111122223333:paused"
BUS = "arn:aws:events:us-east-1:111122223333:event-bus/default"
QUEUED = '{"eventType": "TEXT_QUEUED"}'
DELIVERED = '{"eventType": "TEXT_DELIVERED"}'
BUS_EVENT = '{"detail-type": "SMS Message Delivered"}'


def _send(tx: Transaction) -> None:
    tx.messages.insert(text_message("message-1"))

    def entry(target: str, event_type: str, record: str) -> OutboxEntry:
        return dataclasses.replace(
            outbox_entry("message-1", target), event_id=0, event_type=event_type, record=record
        )

    tx.messages.add_event(
        "message-1",
        "TEXT_QUEUED",
        NOW + 0.05,
        QUEUED,
        deliveries=[entry(TOPIC, "TEXT_QUEUED", QUEUED)],
        now=NOW,
    )
    tx.messages.add_event(
        "message-1",
        "TEXT_DELIVERED",
        NOW + 0.35,
        DELIVERED,
        deliveries=[
            entry(TOPIC, "TEXT_DELIVERED", DELIVERED),
            entry(PAUSED, "TEXT_DELIVERED", DELIVERED),
            dataclasses.replace(
                outbox_entry("message-1", BUS),
                event_id=0,
                event_type="TEXT_DELIVERED",
                destination_kind="EVENTBRIDGE",
                record=BUS_EVENT,
            ),
        ],
        now=NOW,
    )


def test_each_row_points_at_its_record_and_carries_its_text(store: Store) -> None:
    store.run_sync(
        lambda tx: tx.pauses.pause(target_arn=PAUSED, kind="SNS", reason="down", now=NOW, delay=lambda _: 5.0)
    )
    store.run_sync(_send)

    events = store.run_sync(lambda tx: tx.messages.events_of(["message-1"]))["message-1"]
    assert [(event.event_type, event.created_at) for event in events] == [
        ("TEXT_QUEUED", NOW + 0.05),
        ("TEXT_DELIVERED", NOW + 0.35),
    ]
    queued_id, delivered_id = (event.id for event in events)
    rows, _next = store.run_sync(lambda tx: tx.outbox.list(DeliveryFilter(message_id="message-1")))
    found = [(row.event_id, row.event_type, row.target_arn, row.status) for row in rows]
    assert found == [
        (queued_id, "TEXT_QUEUED", TOPIC, PENDING),
        (delivered_id, "TEXT_DELIVERED", TOPIC, PENDING),
        (delivered_id, "TEXT_DELIVERED", PAUSED, PENDING),
        (delivered_id, "TEXT_DELIVERED", BUS, PENDING),
    ]
    by_target = {(row.event_id, row.target_arn): row for row in rows}
    assert by_target[(queued_id, TOPIC)].next_attempt_at == NOW
    assert by_target[(delivered_id, TOPIC)].next_attempt_at == NOW
    assert by_target[(delivered_id, PAUSED)].next_attempt_at == PARKED_AT + NOW  # written parked
    assert by_target[(delivered_id, BUS)].next_attempt_at == NOW

    # What a worker is handed is each row's own text: the record, or the bus row's event.
    claimed = store.run_sync(
        lambda tx: tx.outbox.claim_due(worker_id="w", now=NOW, lease_seconds=30, limit=10)
    )
    records = {(row.event_type, row.target_arn): row.record for row in claimed}
    assert records == {
        ("TEXT_QUEUED", TOPIC): QUEUED,
        ("TEXT_DELIVERED", TOPIC): DELIVERED,
        ("TEXT_DELIVERED", BUS): BUS_EVENT,
    }
