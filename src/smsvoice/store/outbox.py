"""Writing event records into the delivery outbox (the delivery workers read and mark them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert

from smsvoice.store.schema import outbox

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


def enqueue(connection: Connection, entries: list[OutboxEntry], now: float) -> None:
    """Add entries in the caller's transaction, due at once."""
    if not entries:
        return
    connection.execute(
        insert(outbox),
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
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for entry in entries
        ],
    )
