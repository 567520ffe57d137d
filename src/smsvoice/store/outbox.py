"""Writing event records into the delivery outbox (the delivery workers read and mark them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from smsvoice.store.sql import Statement

PENDING = "PENDING"
DELIVERED = "DELIVERED"
DEAD = "DEAD"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One event record bound for one event destination."""

    account: str
    region: str
    message_id: str
    event_id: int
    event_type: str
    configuration_set: str
    destination_name: str
    destination_kind: str  # SNS, CLOUDWATCH_LOGS or FIREHOSE
    target_arn: str  # topic, log group or delivery stream ARN
    iam_role_arn: str | None
    record: str  # the event record's JSON text, exactly as published


# Set on a connection whose transaction wrote outbox rows: the delivery worker's commit hook
# (delivery/wakeup.py) wakes the worker when that transaction commits.
OUTBOX_WRITTEN = "smsvoice_outbox_written"

_INSERT = Statement(
    "INSERT INTO outbox (account, region, message_id, event_id, event_type, configuration_set, "
    "destination_name, destination_kind, target_arn, iam_role_arn, record, status, attempts, "
    "next_attempt_at, created_at) VALUES (:account, :region, :message_id, :event_id, :event_type, "
    ":configuration_set, :destination_name, :destination_kind, :target_arn, :iam_role_arn, :record, "
    ":status, 0, :now, :now)"
)


def enqueue(connection: Connection, entries: list[OutboxEntry], now: float) -> None:
    """Add entries in the caller's transaction, due at once (hot path: one statement, many rows)."""
    if not entries:
        return
    _INSERT.execute_many(
        connection,
        [
            {
                "account": entry.account,
                "region": entry.region,
                "message_id": entry.message_id,
                "event_id": entry.event_id,
                "event_type": entry.event_type,
                "configuration_set": entry.configuration_set,
                "destination_name": entry.destination_name,
                "destination_kind": entry.destination_kind,
                "target_arn": entry.target_arn,
                "iam_role_arn": entry.iam_role_arn,
                "record": entry.record,
                "status": PENDING,
                "now": now,
            }
            for entry in entries
        ],
    )
    connection.info[OUTBOX_WRITTEN] = True
