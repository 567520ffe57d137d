"""Claimed outbox rows as the worker handles them: grouped by destination, with what sinks need.

Claiming, lease renewal and recording outcomes are the store's (store/outbox.py); this module only
turns a claimed row into the delivery's own terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from smsvoice.delivery.sinks import Destination, Envelope
from smsvoice.store.outbox import ClaimedRow


@dataclass(frozen=True, slots=True)
class Claimed:
    """One claimed outbox row."""

    row_id: int
    message_id: str
    event_type: str
    destination: Destination
    envelope: Envelope
    attempts: int  # attempts finished before this one
    created_at: float


def claimed(row: ClaimedRow) -> Claimed:
    return Claimed(
        row_id=row.row_id,
        message_id=row.message_id,
        event_type=row.event_type,
        destination=Destination(row.destination_kind, row.target_arn, row.iam_role_arn),
        envelope=Envelope(
            row_id=row.row_id,
            record=row.record,
            created_at=row.created_at,
            configuration_set=row.configuration_set,
            destination_name=row.destination_name,
        ),
        attempts=row.attempts,
        created_at=row.created_at,
    )
