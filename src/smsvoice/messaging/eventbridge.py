"""EventBridge: the events AWS sends to the account's default event bus, made and (optionally) published.

AWS sends every message status change and every registration status change "directly to
EventBridge", source `aws.sms-voice`, to the default event bus (user guide, monitor-event-bridge.html;
EventBridge events reference, events-ref-sms-voice.html). The event is AWS's envelope (version, id,
detail-type, source, account, time, region, resources, detail); for a message, `detail` is the
event record and `resources` is empty. AWS's three published message examples all leave
`destinationPhoneNumber` out of `detail`, so smsvoice does too.

`enqueue_eventbridge_event` is the one entry point: every event is stored (the inspection API's
`/_smsvoice/eventbridge` shows it either way) and, with `smsvoice serve --eventbridge on`, an outbox
row publishes it with PutEvents (delivery/sinks/eventbridge.py): at least once, retried,
dead-lettered, like every event record.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from smsvoice.delivery.sinks import EVENTBRIDGE
from smsvoice.domain.message import Message
from smsvoice.store import Transaction
from smsvoice.store.outbox import OutboxEntry

SOURCE: Final = "aws.sms-voice"
DEFAULT_BUS: Final = "default"
DETAIL_TYPES: Final = {
    "TEXT": "Text Message Delivery Status Updated",
    "MEDIA": "Media Message Delivery Status Updated",
    "VOICE": "Voice Message Delivery Status Updated",
}
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
    *, account: str, region: str, detail_type: str, detail: dict[str, Any], resources: list[str], at: float
) -> dict[str, Any]:
    """The event as EventBridge delivers it to a rule's target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
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
    event_id: int = 0,
    now: float | None = None,
) -> dict[str, Any]:
    """Make one EventBridge event and, when publishing is on, put it on the outbox; answers it.

    `subject` is what the event is about (a message id, a registration id: the inspection API filters
    by it); `at` its time (epoch seconds); `event_id` the message's event record it repeats, if any;
    `now` when it is written (the outbox row is due then; `at` when not given).
    A registration status change is `detail_type=REGISTRATION_STATUS_CHANGE` with
    `resources=[registration ARN]`.
    """
    event = envelope(
        account=account, region=region, detail_type=detail_type, detail=detail, resources=resources, at=at
    )
    text = orjson.dumps(event).decode()
    outbox_id: int | None = None
    if switch.publishing:
        entry = OutboxEntry(
            account=account,
            region=region,
            message_id=subject,
            event_id=event_id,
            event_type=detail_type,
            configuration_set="",
            destination_name=DEFAULT_BUS,
            destination_kind=EVENTBRIDGE,
            target_arn=bus_arn(account, region),
            iam_role_arn=None,
            record=text,
        )
        outbox_id = tx.outbox.enqueue_one(entry, at if now is None else now)
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


def message_detail(record: dict[str, Any]) -> dict[str, Any]:
    """A message's event record as EventBridge's `detail`."""
    return {name: value for name, value in record.items() if name not in _NOT_IN_DETAIL}


def enqueue_message_event(
    tx: Transaction, message: Message, record: dict[str, Any], event_id: int, now: float
) -> None:
    """The EventBridge event of a v2 text, media or voice message's status change. (AWS documents no
    EventBridge event for RCS messages or for v1 voice calls, so those make none.)"""
    detail_type = DETAIL_TYPES.get(message.channel)
    if message.api != "v2" or detail_type is None:
        return
    enqueue_eventbridge_event(
        tx,
        account=message.account,
        region=message.region,
        detail_type=detail_type,
        detail=message_detail(record),
        resources=[],
        subject=message.message_id,
        at=record["eventTimestamp"] / 1000,
        event_id=event_id,
        now=now,
    )
