"""EventBridge: the events AWS sends to the account's default event bus, made and (optionally) published.

AWS sends every message status change and every registration status change "directly to
EventBridge", source `aws.sms-voice`, to the default event bus (user guide, monitor-event-bridge.html;
EventBridge events reference, events-ref-sms-voice.html). The event is AWS's envelope (version, id,
detail-type, source, account, time, region, resources, detail); for a message, `detail` is the
event record and `resources` is empty. AWS's three published message examples all leave
`destinationPhoneNumber` out of `detail`, so smsvoice does too.

Two kinds, stored two ways:
- a message's event is its event record in AWS's envelope, so it is made from the record itself
  (`message_envelope`) and not stored twice: `GET /_smsvoice/eventbridge` derives it from the records
  (`list_events`). With `smsvoice serve --eventbridge on`, `message_bus_entry` gives the outbox row that
  publishes it with PutEvents (delivery/sinks/eventbridge.py): at least once, retried, dead-lettered,
  like every event record. Its `id` is derived from the record (message id, event type and time), so
  the event listed is the event published.
- any other event (a registration status change) goes through `enqueue_eventbridge_event`: stored, and
  published through the outbox when publishing is on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from smsvoice.delivery.sinks import EVENTBRIDGE
from smsvoice.domain.message import Message
from smsvoice.store import Transaction
from smsvoice.store.eventbridge import BusDelivery, EventFilter, RecordEvent, StoredBusEvent
from smsvoice.store.outbox import OutboxEntry

SOURCE: Final = "aws.sms-voice"
DEFAULT_BUS: Final = "default"
DETAIL_TYPES: Final = {
    "TEXT": "Text Message Delivery Status Updated",
    "MEDIA": "Media Message Delivery Status Updated",
    "VOICE": "Voice Message Delivery Status Updated",
}
_CHANNELS: Final = {detail_type: channel for channel, detail_type in DETAIL_TYPES.items()}
# Names the `id` of a message's event (uuid5 of its record's message id, event type and time): listed
# and published alike.
_MESSAGE_EVENT_IDS: Final = uuid.UUID("5d0f3c1e-8a9b-4c55-9d6e-2f1a7b3c4d5e")
REGISTRATION_STATUS_CHANGE: Final = "Registration Status Change"
# Fields of a record that AWS's EventBridge examples leave out of `detail`.
_NOT_IN_DETAIL: Final = frozenset({"destinationPhoneNumber"})


class _Switch:
    """Whether this process publishes (`--eventbridge`); set once by the app at start."""

    publishing = False


switch: Final = _Switch()


def set_publishing(on: bool) -> None:
    switch.publishing = on


def bus_arn(account: str, region: str) -> str:
    return f"arn:aws:events:{region}:{account}:event-bus/{DEFAULT_BUS}"


def envelope(
    *,
    account: str,
    region: str,
    detail_type: str,
    detail: dict[str, Any],
    resources: list[str],
    at: float,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The event as EventBridge delivers it to a rule's target (`event_id`: a new uuid if not given)."""
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": SOURCE,
        "account": account,
        "time": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": resources,
        "detail": detail,
    }


def enqueue_eventbridge_event(
    tx: Transaction,
    *,
    account: str,
    region: str,
    detail_type: str,
    detail: dict[str, Any],
    resources: list[str],
    subject: str,
    at: float,
) -> dict[str, Any]:
    """Make and store one event that is not a message's, and put it on the outbox when publishing is
    on; answers it.

    `subject` is what the event is about (a registration id: the inspection API filters by it); `at`
    its time (epoch seconds). A registration status change is `detail_type=REGISTRATION_STATUS_CHANGE`
    with `resources=[registration ARN]`.
    """
    event = envelope(
        account=account, region=region, detail_type=detail_type, detail=detail, resources=resources, at=at
    )
    text = orjson.dumps(event).decode()
    outbox_id: int | None = None
    if switch.publishing:
        entry = _bus_entry(account, region, subject, detail_type, text)
        outbox_id = tx.outbox.enqueue_one(entry, at)
    tx.eventbridge.add(
        account=account,
        region=region,
        subject=subject,
        detail_type=detail_type,
        created_at=at,
        envelope_text=text,
        outbox_id=outbox_id,
    )
    return event


def _bus_entry(account: str, region: str, subject: str, detail_type: str, text: str) -> OutboxEntry:
    return OutboxEntry(
        account=account,
        region=region,
        message_id=subject,
        event_id=0,  # a message's: the store fills in its record's id
        event_type=detail_type,
        configuration_set="",
        destination_name=DEFAULT_BUS,
        destination_kind=EVENTBRIDGE,
        target_arn=bus_arn(account, region),
        iam_role_arn=None,
        record=text,
    )


def message_detail(record: dict[str, Any]) -> dict[str, Any]:
    """A message's event record as EventBridge's `detail`."""
    return {name: value for name, value in record.items() if name not in _NOT_IN_DETAIL}


def message_envelope(*, account: str, region: str, channel: str, record: dict[str, Any]) -> dict[str, Any]:
    """The EventBridge event of one of a message's event records."""
    name = f"{record.get('messageId')}/{record.get('eventType')}/{record.get('eventTimestamp')}"
    return envelope(
        account=account,
        region=region,
        detail_type=DETAIL_TYPES[channel],
        detail=message_detail(record),
        resources=[],
        at=record["eventTimestamp"] / 1000,
        event_id=str(uuid.uuid5(_MESSAGE_EVENT_IDS, name)),
    )


def makes_bus_events(message: Message) -> bool:
    """v2 text, media and voice messages do (AWS documents no EventBridge event for RCS messages or
    for v1 voice calls)."""
    return message.api == "v2" and message.channel in DETAIL_TYPES


def message_bus_entry(message: Message, record: dict[str, Any]) -> OutboxEntry | None:
    """The outbox row that publishes the EventBridge event of a message's new record, when this process
    publishes (`--eventbridge on`) and the message makes one; otherwise None (the event is still
    listed, derived from the record)."""
    if not switch.publishing or not makes_bus_events(message):
        return None
    event = message_envelope(
        account=message.account, region=message.region, channel=message.channel, record=record
    )
    return _bus_entry(
        message.account,
        message.region,
        message.message_id,
        event["detail-type"],
        orjson.dumps(event).decode(),
    )


@dataclass(frozen=True, slots=True)
class BusEvent:
    """One listed event: `key` is unique across both kinds ("record-N" or "event-N")."""

    key: str
    subject: str
    created_at: float
    envelope: dict[str, Any]
    delivery: BusDelivery | None  # None when it was not published

    @property
    def delivery_status(self) -> str | None:
        return None if self.delivery is None else self.delivery.status


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a listing continues: the last record id and the last stored event id already listed."""

    record: int = 0
    stored: int = 0

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """From `next_after` ("<record>.<stored>"); ValueError when it is not one."""
        record, _, stored = text.partition(".")
        if not (record.isdigit() and stored.isdigit()):
            raise ValueError("after must be a next_after value of an earlier page")
        return cls(int(record), int(stored))

    def __str__(self) -> str:
        return f"{self.record}.{self.stored}"


def list_events(
    tx: Transaction,
    *,
    account: str | None = None,
    region: str | None = None,
    subject: str | None = None,
    detail_type: str | None = None,
    after: Cursor = Cursor(),
    limit: int = 1000,
) -> tuple[list[BusEvent], Cursor | None]:
    """Events made, both kinds, at most `limit`, by time within a page; and the cursor of the next page
    (None when this one is the last)."""
    channel = _CHANNELS.get(detail_type) if detail_type is not None else None
    records: list[RecordEvent] = []
    if detail_type is None or channel is not None:
        records = tx.eventbridge.message_records(
            account=account,
            region=region,
            message_id=subject,
            channels=[channel] if channel is not None else list(DETAIL_TYPES),
            after=after.record,
            limit=limit,
            bus_kind=EVENTBRIDGE,
        )
    stored: list[StoredBusEvent] = []
    if channel is None:
        where = EventFilter(account, region, subject, detail_type, after=after.stored, limit=limit)
        stored = tx.eventbridge.stored(where)
    merged = sorted(
        [*(_from_record(row) for row in records), *(_from_stored(row) for row in stored)],
        key=lambda pair: pair[0].created_at,
    )
    page = merged[:limit]
    if len(merged) <= limit and len(records) < limit and len(stored) < limit:
        return [event for event, _ in page], None
    cursor = after
    for _, (record_id, stored_id) in page:
        cursor = Cursor(max(cursor.record, record_id), max(cursor.stored, stored_id))
    return [event for event, _ in page], cursor


def _from_record(row: RecordEvent) -> tuple[BusEvent, tuple[int, int]]:
    event = message_envelope(account=row.account, region=row.region, channel=row.channel, record=row.record)
    listed = BusEvent(f"record-{row.id}", row.message_id, row.created_at, event, row.delivery)
    return listed, (row.id, 0)


def _from_stored(row: StoredBusEvent) -> tuple[BusEvent, tuple[int, int]]:
    listed = BusEvent(f"event-{row.id}", row.subject, row.created_at, row.envelope, row.delivery)
    return listed, (0, row.id)
