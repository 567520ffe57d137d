"""Which event destinations of a configuration set receive a record.

v2 (user guide "Event types", aws-facts §2.6): a destination receives a record when it is enabled and
its MatchingEventTypes hold the record's event type, `ALL`, or the channel's aggregate (`TEXT_ALL`,
`VOICE_ALL`, `MEDIA_ALL`). A disabled destination receives nothing.
v1: the EventType enum has no aggregate, so only the exact v1 event type matches an enabled destination.

The set is read when the event happens, not when the message was sent: a destination added, changed,
disabled or removed in between is seen as it is at that moment; a deleted set publishes nothing.
"""

from __future__ import annotations

from typing import Any, Final

from smsvoice.store import Document, Transaction
from smsvoice.store.outbox import OutboxEntry

V2_CONFIGURATION_SET: Final = "v2/configuration-set"
V1_CONFIGURATION_SET: Final = "v1/configuration-set"

# Destination member -> (outbox destination kind, member holding the target ARN).
_SINKS: Final = {
    "SnsDestination": ("SNS", "TopicArn"),
    "CloudWatchLogsDestination": ("CLOUDWATCH_LOGS", "LogGroupArn"),
    "KinesisFirehoseDestination": ("FIREHOSE", "DeliveryStreamArn"),
}


def load_destinations(tx: Transaction, account: str, region: str, api: str, name: str) -> list[Document]:
    """The event destinations of the message's configuration set as they are now ([] if it is gone)."""
    kind = V1_CONFIGURATION_SET if api == "v1" else V2_CONFIGURATION_SET
    found = tx.documents(account, region).get(kind, name)
    if found is None:
        return []
    destinations = found.get("EventDestinations") or []
    return [item for item in destinations if isinstance(item, dict)]


def destination_matches(destination: Document, event_type: str, channel: str, api: str) -> bool:
    if not destination.get("Enabled", False):
        return False
    wanted = set(destination.get("MatchingEventTypes") or [])
    if event_type in wanted:
        return True
    if api == "v1":
        return False
    return "ALL" in wanted or f"{channel}_ALL" in wanted


def outbox_entries(
    destinations: list[Document],
    *,
    account: str,
    region: str,
    api: str,
    channel: str,
    configuration_set: str,
    message_id: str,
    event_type: str,
    record_text: str,
) -> list[OutboxEntry]:
    """One outbox entry per destination that receives this record (the record's id is the store's to
    fill in: Outbox.enqueue_for_newest_event)."""
    entries: list[OutboxEntry] = []
    for destination in destinations:
        if not destination_matches(destination, event_type, channel, api):
            continue
        sink = _sink_of(destination)
        if sink is None:
            continue
        kind, member, settings = sink
        entries.append(
            OutboxEntry(
                account=account,
                region=region,
                message_id=message_id,
                event_id=0,
                event_type=event_type,
                configuration_set=configuration_set,
                destination_name=str(destination.get("EventDestinationName") or destination.get("Name")),
                destination_kind=kind,
                target_arn=str(settings[member]),
                iam_role_arn=settings.get("IamRoleArn"),
                record=record_text,
            )
        )
    return entries


def _sink_of(destination: Document) -> tuple[str, str, dict[str, Any]] | None:
    for member, (kind, target) in _SINKS.items():
        settings = destination.get(member)
        if isinstance(settings, dict) and settings.get(target):
            return kind, target, settings
    return None
